import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { resolveCredential } from '../../shared/transport/request';
import { PYRUS_INBOX_ALL, pyrusProfile, pyrusRequest } from '../api';
import { pyrusTaskUrl } from '../shape';

/**
 * The tasks of the inbox of the credential's user or bot (`GET /inbox`, https://pyrus.com/en/help/api):
 * loose tasks and grouped ones, each once, as many as Return All reads. The inbox has no paging and
 * no text search: the filter matches a task's subject or text here, or its id.
 */
export async function searchTasks(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const body = await pyrusRequest.call(this, 'GET', '/inbox', {
		qs: { item_count: PYRUS_INBOX_ALL, group_item_count: PYRUS_INBOX_ALL },
	});
	const groups = (body.task_groups as IDataObject[] | undefined) ?? [];
	const all = [...((body.tasks as IDataObject[] | undefined) ?? []), ...groups.flatMap((group) => (group.tasks as IDataObject[] | undefined) ?? [])];
	const tasks = [...new Map(all.map((task) => [String(task.id), task])).values()];
	const needle = filter?.trim().toLowerCase();
	const label = (task: IDataObject) =>
		String((typeof task.subject === 'string' && task.subject) || task.text || '').split('\n')[0].slice(0, 80);
	const matching = tasks.filter(
		(task) =>
			!needle ||
			String(task.id) === needle ||
			`${String(task.subject ?? '')}\n${String(task.text ?? '')}`.toLowerCase().includes(needle),
	);
	const { data } = await resolveCredential(this, pyrusProfile);
	return {
		results: matching.map((task) => ({
			name: `${label(task)} (#${String(task.id)})`,
			value: String(task.id),
			url: pyrusTaskUrl(data, task.id),
		})),
	};
}
