import type { IDataObject } from 'n8n-workflow';

import type { RequestContext } from '../shared/transport/types';
import { B24_MAX_BATCH, B24_PAGE, BatchReference, b24Batch, b24Call, commandError, type BatchCommand } from './api';

export interface TaskQuery {
	filter: IDataObject;
	/** Sort field (UPPER_CASE) and direction. */
	sortBy: string;
	direction: 'asc' | 'desc';
	select: string[];
}

export interface ListPaging {
	returnAll: boolean;
	/** Tasks wanted when not returning all. */
	limit: number;
	itemIndex?: number;
}

/** Pages in the first `batch` of a Return All; each later batch doubles it, up to 50. */
const FIRST_RETURN_ALL_PAGES = 2;

function tasksOf(result: unknown): IDataObject[] {
	const tasks = (result as IDataObject | undefined)?.tasks;
	return Array.isArray(tasks) ? (tasks as IDataObject[]) : [];
}

/**
 * The parameters of one page. Sorted by ID, pages follow each other by key (`start=-1`,
 * `>ID` the last id seen: no costly count, and nothing is skipped when tasks appear while
 * paging); the first page of a batch starts from `cursor`, the others from the previous
 * command's last task. Other sort orders page by offset.
 */
function pageParams(query: TaskQuery, page: number, from: { cursor?: number; offset: number }): IDataObject {
	const order = { [query.sortBy]: query.direction, ...(query.sortBy === 'ID' ? {} : { ID: query.direction }) };
	if (query.sortBy !== 'ID') {
		return { order, filter: query.filter, select: query.select, start: from.offset + page * B24_PAGE };
	}
	const key = query.direction === 'asc' ? '>ID' : '<ID';
	const after =
		page > 0 ? new BatchReference(`$result[p${page - 1}][tasks][${B24_PAGE - 1}][id]`) : from.cursor;
	return {
		order,
		filter: after === undefined ? query.filter : { ...query.filter, [key]: after },
		select: query.select,
		start: -1,
	};
}

/**
 * Reads tasks until the list ends or `limit` are in hand. One page is one call; more pages
 * go out together in `batch` calls of up to 50 pages each.
 */
export async function listTasks(ctx: RequestContext, query: TaskQuery, paging: ListPaging): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	const from: { cursor?: number; offset: number } = { offset: 0 };
	let returnAllPages = FIRST_RETURN_ALL_PAGES;
	for (;;) {
		const pages = paging.returnAll
			? Math.min(B24_MAX_BATCH, returnAllPages)
			: Math.min(B24_MAX_BATCH, Math.ceil((paging.limit - out.length) / B24_PAGE));
		let results: IDataObject[][];
		if (pages === 1) {
			const envelope = await b24Call(ctx, 'tasks.task.list', pageParams(query, 0, from), {
				read: true,
				itemIndex: paging.itemIndex,
			});
			results = [tasksOf(envelope.result)];
		} else {
			const commands: BatchCommand[] = Array.from({ length: pages }, (_, page) => ({
				key: `p${page}`,
				method: 'tasks.task.list',
				params: pageParams(query, page, from),
			}));
			const answer = await b24Batch(ctx, commands, { read: true, itemIndex: paging.itemIndex });
			results = [];
			for (const { key } of commands) {
				if (key in answer.errors) throw commandError(ctx.getNode(), answer.errors[key], paging.itemIndex ?? 0);
				const tasks = tasksOf(answer.result[key]);
				results.push(tasks);
				// Later commands of the batch ran from a missing reference: ignore them.
				if (tasks.length < B24_PAGE) break;
			}
		}
		let ended = false;
		for (const tasks of results) {
			out.push(...tasks);
			if (tasks.length < B24_PAGE) ended = true;
		}
		if (!paging.returnAll && out.length >= paging.limit) return out.slice(0, paging.limit);
		if (ended) return out;
		from.offset += pages * B24_PAGE;
		from.cursor = Number(out[out.length - 1].id);
		returnAllPages *= 2;
	}
}
