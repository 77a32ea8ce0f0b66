import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { condition } from '../actions/filter';
import { msPage } from '../api';
import { moySkladTaskUrl } from '../shape';

const PAGE = 50;

/** Open tasks, newest first; the filter searches their description. */
export async function searchTasks(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const offset = paginationToken ? Number(paginationToken) : 0;
	const conditions = ['done=false'];
	if (filter) conditions.push(condition('description', '~', filter));
	const page = await msPage(this, 'entity/task', {
		offset,
		pageSize: PAGE,
		qs: { filter: conditions.join(';'), order: 'created,desc' },
	});
	return {
		results: page.items.map((task: IDataObject) => ({
			name: String(task.description ?? task.id).split('\n')[0].slice(0, 80),
			value: String(task.id),
			url: moySkladTaskUrl(task) ?? undefined,
		})),
		paginationToken: page.next === undefined ? undefined : String(page.next),
	};
}

/** Counterparties matching the typed text (MoySklad's context search on name, phone, e-mail...). */
export async function searchCounterparties(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const offset = paginationToken ? Number(paginationToken) : 0;
	const page = await msPage(this, 'entity/counterparty', {
		offset,
		pageSize: PAGE,
		qs: filter ? { search: filter } : {},
	});
	return {
		results: page.items.map((counterparty: IDataObject) => ({
			name: String(counterparty.name ?? counterparty.id),
			value: String(counterparty.id),
		})),
		paginationToken: page.next === undefined ? undefined : String(page.next),
	};
}
