import { DateTime } from 'luxon';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { sameText } from '../../../shared/alreadyCreated';
import { listTasks } from '../../list';
import { b24DateTime } from '../../shape';
import { DEFAULT_SELECT } from './getAll';

/** The camelCase key tasks.task.list answers with for an UPPER_CASE field (TITLE → title, UF_CRM_TASK → ufCrmTask). */
const camelOf = (field: string) => field.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

const DATE_FIELDS = new Set(['DEADLINE', 'START_DATE_PLAN', 'END_DATE_PLAN']);

/** The titles of a task's tags: tasks.task.list answers them as a map of `{ id, title }`. */
function tagTitles(value: unknown): string[] {
	const tags = Array.isArray(value) ? value : Object.values((value as IDataObject | null) ?? {});
	return tags.map((tag) => String(typeof tag === 'object' && tag !== null ? (tag as IDataObject).title : tag));
}

const sortedStrings = (value: unknown) => (Array.isArray(value) ? value.map(String).sort() : []);

/** Whether `task` (as tasks.task.list answers) holds the value sent for `field`. */
function holds(task: IDataObject, field: string, sent: unknown): boolean {
	const stored = task[camelOf(field)];
	if (field === 'TAGS') return JSON.stringify(tagTitles(task.tags).sort()) === JSON.stringify(sortedStrings(sent));
	if (stored === undefined) return false;
	if (field === 'TITLE' || field === 'DESCRIPTION') return sameText(stored, sent);
	if (DATE_FIELDS.has(field)) {
		const moment = (value: unknown) => DateTime.fromISO(String(value ?? '')).toMillis();
		return stored !== null && moment(stored) === moment(sent);
	}
	if (Array.isArray(sent)) return JSON.stringify(sortedStrings(stored)) === JSON.stringify(sortedStrings(sent));
	return String(stored ?? '') === String(sent ?? '');
}

/** Whether `task` holds every field a tasks.task.add sent. */
export function holdsAllSent(task: IDataObject, fields: IDataObject): boolean {
	return Object.entries(fields).every(([field, sent]) => holds(task, field, sent));
}

/**
 * The tasks created since `since` (epoch ms), oldest first, with Get Many's fields and those `sent` names:
 * tasks.task.list's `>=CREATED_DATE` filter (https://apidocs.bitrix24.com/api-reference/tasks/tasks-task-list.html).
 */
export async function tasksCreatedSince(
	ctx: IExecuteFunctions,
	since: number,
	sent: IDataObject[],
	itemIndex: number,
): Promise<IDataObject[]> {
	// What Get Many reads, and every field sent (to compare).
	const fields = new Set([...DEFAULT_SELECT, ...sent.flatMap((body) => Object.keys(body))]);
	const timezone = ctx.getTimezone();
	return await listTasks(
		ctx,
		{
			filter: { '>=CREATED_DATE': b24DateTime(DateTime.fromMillis(since), timezone) },
			sortBy: 'ID',
			direction: 'asc',
			select: [...fields],
		},
		{ returnAll: true, limit: 0, itemIndex },
	);
}
