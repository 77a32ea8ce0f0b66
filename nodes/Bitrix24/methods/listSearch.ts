import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { resolveCredential } from '../../shared/transport/request';
import { B24_PAGE, b24Call, bitrix24Profile, portalOrigin } from '../api';
import { b24TaskUrl } from '../shape';

/** Newest tasks first, filtered by title on the portal (`%TITLE`), one page at a time by key. */
export async function searchTasks(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const condition: IDataObject = {};
	if (filter) condition['%TITLE'] = filter;
	if (paginationToken) condition['<ID'] = Number(paginationToken);
	const envelope = await b24Call(
		this,
		'tasks.task.list',
		{ order: { ID: 'desc' }, filter: condition, select: ['ID', 'TITLE', 'RESPONSIBLE_ID', 'GROUP_ID'], start: -1 },
		{ read: true },
	);
	const tasks = ((envelope.result as IDataObject | undefined)?.tasks as IDataObject[] | undefined) ?? [];
	const { data } = await resolveCredential(this, bitrix24Profile);
	const origin = portalOrigin(data);
	return {
		results: tasks.map((task) => ({
			name: `${String(task.title ?? '').slice(0, 80)} (#${String(task.id)})`,
			value: String(task.id),
			url: b24TaskUrl(origin, task),
		})),
		paginationToken: tasks.length === B24_PAGE ? String(tasks[tasks.length - 1].id) : undefined,
	};
}
