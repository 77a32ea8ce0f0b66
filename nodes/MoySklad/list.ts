import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { Page, PagingOptions } from '../shared/paging';
import { processState } from '../shared/transport/clock';
import type { RequestContext } from '../shared/transport/types';
import { fromMoscow, moySkladBaseUrl, msList, msPage, profileOf } from './api';

/** Which tasks by their done flag; MoySklad itself lists only open ones unless asked. */
export type TaskStatus = 'all' | 'open' | 'completed';

const BOTH = ['done=true', 'done=false'];
const OPEN = ['done=false'];
const COMPLETED = ['done=true'];

/**
 * API hosts that refused `done=true;done=false`. A repeated "=" is an OR in the docs' general
 * part (https://dev.moysklad.ru/doc/api/remap/1.2/, "Фильтрация выборки с помощью параметра filter", shown
 * for isDeleted and archived) but unconfirmed for tasks, and error 1030 says "a filter field may be given only
 * once". A refusal is met once per process and host; from then on open and completed tasks are
 * read apart (two documented filters of «Задача», https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-zadacha)
 * and put together.
 */
const readApart = () => processState('moySkladReadApart', () => new Set<string>());

async function hostOf(ctx: RequestContext): Promise<string> {
	return moySkladBaseUrl((await profileOf(ctx)).credentials);
}

/** The server refused the request itself (a 4xx that is not about auth, rights, a missing path or limits). */
function refusedFilter(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const status = Number(error.httpCode);
	return status >= 400 && status < 500 && ![401, 403, 404, 429].includes(status);
}

/** For `.catch`: a refused filter becomes undefined (read apart instead); any other error stays. */
async function unlessRefused(error: unknown): Promise<undefined> {
	return refusedFilter(error) ? undefined : await Promise.reject(error);
}

function filterOf(done: string[], conditions: string[]): string {
	return [...done, ...conditions].join(';');
}

/** A task's value for one `order` field: times as epoch ms, `done` as 0/1. */
function orderValue(task: IDataObject, field: string): string | number | undefined {
	const value = task[field];
	if (field === 'done') return value === true ? 1 : 0;
	if (field === 'created' || field === 'updated' || field === 'dueToDate') return fromMoscow(value)?.toMillis();
	return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

/**
 * Puts two lists that MoySklad ordered by `order` into one list in that order. Each list keeps
 * its own order; only how they interleave is decided here (unconfirmed where MoySklad puts
 * empty values and how it collates text: empty first, text by code units).
 */
function mergeOrdered(first: IDataObject[], second: IDataObject[], order: string): IDataObject[] {
	const keys = order.split(';').map((part) => {
		const [field, direction = 'asc'] = part.split(',');
		return { field, sign: direction === 'desc' ? -1 : 1 };
	});
	const compare = (a: IDataObject, b: IDataObject): number => {
		for (const { field, sign } of keys) {
			const x = orderValue(a, field);
			const y = orderValue(b, field);
			if (x === y) continue;
			if (x === undefined) return -sign;
			if (y === undefined) return sign;
			return (x < y ? -1 : 1) * sign;
		}
		return 0;
	};
	const merged: IDataObject[] = [];
	let i = 0;
	let j = 0;
	while (i < first.length || j < second.length) {
		if (j >= second.length || (i < first.length && compare(first[i], second[j]) <= 0)) merged.push(first[i++]);
		else merged.push(second[j++]);
	}
	return merged;
}

export interface TaskListRequest {
	status: TaskStatus;
	/** Filter conditions besides the done flag. */
	conditions: string[];
	/** The `order` value, e.g. `created,asc;id,asc`. */
	order: string;
	paging: PagingOptions;
	/** Further query parameters (expand). */
	qs?: IDataObject;
	itemIndex?: number;
}

/** The task list for a status, in `order`, up to `paging.limit` tasks (all with Return All). */
export async function listTasks(ctx: RequestContext, request: TaskListRequest): Promise<IDataObject[]> {
	const { conditions, order, paging, itemIndex } = request;
	const read = async (done: string[]) =>
		await msList(ctx, 'entity/task', paging, { ...(request.qs ?? {}), filter: filterOf(done, conditions), order }, itemIndex);
	if (request.status !== 'all') return await read(request.status === 'open' ? OPEN : COMPLETED);
	const host = await hostOf(ctx);
	if (!readApart().has(host)) {
		const both = await read(BOTH).catch(unlessRefused);
		if (both) return both;
	}
	const open = await read(OPEN);
	const completed = await read(COMPLETED);
	readApart().add(host);
	const merged = mergeOrdered(open, completed, order);
	return paging.returnAll ? merged : merged.slice(0, paging.limit);
}

/** Where the next page of all tasks starts: one offset, or one per part once read apart (absent: that part is done). */
export type AllTasksCursor = { both: number } | { open?: number; completed?: number };

/**
 * One page of all tasks (open and completed) matching `conditions`. Read apart, a page holds a
 * page of each part; the caller orders the items itself.
 */
export async function allTasksPage(
	ctx: RequestContext,
	request: { conditions: string[]; order: string; pageSize: number; cursor?: AllTasksCursor },
): Promise<Page<IDataObject, AllTasksCursor>> {
	const { conditions, order, pageSize, cursor } = request;
	const page = async (done: string[], offset: number) =>
		await msPage(ctx, 'entity/task', { offset, pageSize, qs: { filter: filterOf(done, conditions), order } });
	const host = await hostOf(ctx);
	if (cursor !== undefined && 'both' in cursor) {
		const both = await page(BOTH, cursor.both);
		return { items: both.items, next: both.next === undefined ? undefined : { both: both.next } };
	}
	if (cursor === undefined && !readApart().has(host)) {
		const both = await page(BOTH, 0).catch(unlessRefused);
		if (both) return { items: both.items, next: both.next === undefined ? undefined : { both: both.next } };
	}
	const from = cursor !== undefined && !('both' in cursor) ? cursor : { open: 0, completed: 0 };
	const items: IDataObject[] = [];
	const next: { open?: number; completed?: number } = {};
	if (from.open !== undefined) {
		const open = await page(OPEN, from.open);
		items.push(...open.items);
		next.open = open.next;
	}
	if (from.completed !== undefined) {
		const completed = await page(COMPLETED, from.completed);
		items.push(...completed.items);
		next.completed = completed.next;
	}
	readApart().add(host);
	const more = next.open !== undefined || next.completed !== undefined;
	return { items, next: more ? next : undefined };
}
