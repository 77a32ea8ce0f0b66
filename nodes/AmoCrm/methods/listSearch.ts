import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { amoCrmBaseUrl, amoCrmProfile, amoRequest, embedded } from '../api';
import { hasNextPage } from '../list';
import { amoTaskUrl } from '../shape';
import { resolveCredential } from '../../shared/transport/request';

const PAGE = 50;

/** Newest tasks first; the filter matches the task's text (amoCRM has no server-side text search on tasks). */
export async function searchTasks(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = paginationToken ? Number(paginationToken) : 1;
	const response = await amoRequest.call(this, 'GET', '/tasks', {
		qs: { order: { id: 'desc' }, page, limit: PAGE },
	});
	const { data } = await resolveCredential(this, amoCrmProfile);
	const baseUrl = amoCrmBaseUrl(data);
	const needle = filter?.toLowerCase();
	const tasks = embedded(response.body, 'tasks').filter(
		(task) => !needle || String(task.text ?? '').toLowerCase().includes(needle) || String(task.id) === filter,
	);
	return {
		results: tasks.map((task) => ({
			name: `${String(task.text ?? '').slice(0, 80)} (#${String(task.id)})`,
			value: String(task.id),
			url: amoTaskUrl(baseUrl, task),
		})),
		paginationToken: hasNextPage(response.body) ? String(page + 1) : undefined,
	};
}
