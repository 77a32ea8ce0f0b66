import { DateTime } from 'luxon';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { sameText } from '../../../shared/alreadyCreated';
import { MS_MAX_PAGE, fromMoscow, refId, toMoscow } from '../../api';
import { listTasks } from '../../list';
import { condition } from '../filter';

/**
 * The tasks created since `since` (epoch ms), open or done, oldest first: the documented
 * `created` filter of «Задача» (https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-zadacha).
 */
export async function tasksCreatedSince(ctx: IExecuteFunctions, since: number, itemIndex: number): Promise<IDataObject[]> {
	return await listTasks(ctx, {
		status: 'all',
		conditions: [condition('created', '>=', toMoscow(DateTime.fromMillis(since)))],
		order: 'created,asc;id,asc',
		paging: { returnAll: true, limit: MS_MAX_PAGE, maxPageSize: MS_MAX_PAGE },
		itemIndex,
	});
}

const isReference = (value: unknown): boolean =>
	typeof value === 'object' && value !== null && (value as IDataObject).meta !== undefined;

/** Whether `task` holds the value sent for `key`: a reference by its id, a time by its moment. */
function holds(task: IDataObject, key: string, sent: unknown): boolean {
	const stored = task[key];
	if (key === 'description') return sameText(stored, sent);
	if (isReference(sent)) return refId(stored) !== null && refId(stored) === refId(sent);
	if (key === 'dueToDate') return fromMoscow(stored)?.toMillis() === fromMoscow(sent)?.toMillis();
	return JSON.stringify(stored) === JSON.stringify(sent);
}

/** Whether `task` holds every field a create sent. */
export function holdsAllSent(task: IDataObject, body: IDataObject): boolean {
	return Object.entries(body).every(([key, sent]) => holds(task, key, sent));
}
