import type { IDataObject } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { sortByKey } from '../shared/order';
import { wait } from '../shared/transport/clock';
import type { RequestContext } from '../shared/transport/types';
import {
	B24_MAX_BATCH,
	B24_PAGE,
	BatchReference,
	b24Batch,
	b24Call,
	commandError,
	isTimeLimitRefusal,
	timeLimitWaitMs,
	type BatchAnswer,
	type BatchCommand,
} from './api';

export interface TaskQuery {
	filter: IDataObject;
	/**
	 * Alternatives, any of which a task must meet besides `filter` (OR): each is read as its own
	 * list and the lists are merged. tasks.task.list documents no OR for its classic filter.
	 */
	anyOf?: IDataObject[];
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

/**
 * Pages in the first `batch` of a Return All: a short list costs one small batch (each chained
 * command costs operating time even when its reference is missing). Once a batch came back
 * full the list is long, and every later batch carries the maximum (50 pages): the fewest calls
 * the batch size allows (10,000 tasks: 2 + 4 × 50 pages = 5 calls).
 */
const FIRST_RETURN_ALL_PAGES = 2;
/** Batches in a row whose first refused page was refused for the operating-time limit. */
const MAX_TIME_LIMIT_ROUNDS = 4;

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
 * go out together in `batch` calls of up to 50 pages each. A page refused for the method's
 * operating-time limit (and the pages after it, which started from it) was not read: reading
 * goes on from the last page read, after the wait.
 */
export async function listTasks(ctx: RequestContext, query: TaskQuery, paging: ListPaging): Promise<IDataObject[]> {
	if (query.anyOf?.length) return await listAnyOf(ctx, query, paging);
	const out: IDataObject[] = [];
	const from: { cursor?: number; offset: number } = { offset: 0 };
	let returnAllPages = FIRST_RETURN_ALL_PAGES;
	let refusals = 0;
	for (;;) {
		const pages = paging.returnAll
			? Math.min(B24_MAX_BATCH, returnAllPages)
			: Math.min(B24_MAX_BATCH, Math.ceil((paging.limit - out.length) / B24_PAGE));
		const results: IDataObject[][] = [];
		let refused: { answer: BatchAnswer; key: string } | undefined;
		if (pages === 1) {
			const envelope = await b24Call(ctx, 'tasks.task.list', pageParams(query, 0, from), {
				read: true,
				itemIndex: paging.itemIndex,
			});
			results.push(tasksOf(envelope.result));
		} else {
			const commands: BatchCommand[] = Array.from({ length: pages }, (_, page) => ({
				key: `p${page}`,
				method: 'tasks.task.list',
				params: pageParams(query, page, from),
			}));
			const answer = await b24Batch(ctx, commands, { read: true, itemIndex: paging.itemIndex });
			for (const { key } of commands) {
				if (key in answer.errors) {
					if (isTimeLimitRefusal(answer.errors[key]) && refusals < MAX_TIME_LIMIT_ROUNDS) {
						refused = { answer, key };
						break;
					}
					throw await commandError(ctx, answer.errors[key], paging.itemIndex ?? 0);
				}
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
		from.offset += results.length * B24_PAGE;
		if (out.length > 0) from.cursor = Number(out[out.length - 1].id);
		if (refused) {
			refusals++;
			await wait(timeLimitWaitMs(refused.answer, [refused.key], refusals));
			continue;
		}
		refusals = 0;
		returnAllPages = B24_MAX_BATCH;
	}
}

/** A filter that meets `base` and `alternative` both; undefined when no task can. */
function bothFilters(base: IDataObject, alternative: IDataObject): IDataObject | undefined {
	const filter = { ...base };
	for (const [key, value] of Object.entries(alternative)) {
		if (key in base) {
			const allowed = (Array.isArray(base[key]) ? (base[key] as unknown[]) : [base[key]]).map(String);
			if (!allowed.includes(String(value))) return undefined;
		}
		filter[key] = value;
	}
	return filter;
}

/** The answer key (camelCase) of an UPPER_CASE sort field; REAL_STATUS answers as `status`. */
function answerKey(field: string): string {
	if (field === 'REAL_STATUS') return 'status';
	return field.toLowerCase().replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** Tasks in the list's order, ties broken by ID in the same direction; each sort value is read once. */
function inListOrder(tasks: readonly IDataObject[], query: TaskQuery): IDataObject[] {
	const key = answerKey(query.sortBy);
	const sign = query.direction === 'desc' ? -1 : 1;
	const isDate = /DATE|DEADLINE/.test(query.sortBy);
	const value = (task: IDataObject): number | string => {
		const raw = task[key];
		if (raw === null || raw === undefined || raw === '') return Number.NEGATIVE_INFINITY;
		if (isDate) return DateTime.fromISO(String(raw), { setZone: true }).toMillis();
		const n = Number(raw);
		return Number.isFinite(n) ? n : String(raw);
	};
	return sortByKey(
		tasks,
		(task) => [value(task), Number(task.id)] as const,
		([va, ida], [vb, idb]) => {
			const byField = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
			return sign * (byField !== 0 ? byField : ida - idb);
		},
	);
}

/**
 * Tasks meeting any of the alternatives: each read as its own list (sorted alike, up to the
 * limit each, which the merged first `limit` cannot exceed), merged without duplicates, sorted
 * again, cut to the limit.
 */
async function listAnyOf(ctx: RequestContext, query: TaskQuery, paging: ListPaging): Promise<IDataObject[]> {
	// The merge sorts by the sort field: read it (REAL_STATUS answers as `status`, selected as STATUS).
	const sortField = query.sortBy === 'REAL_STATUS' ? 'STATUS' : query.sortBy;
	const select = query.select.includes(sortField) ? query.select : [...query.select, sortField];
	const byId = new Map<string, IDataObject>();
	for (const alternative of query.anyOf ?? []) {
		const filter = bothFilters(query.filter, alternative);
		if (!filter) continue;
		const tasks = await listTasks(ctx, { ...query, filter, select, anyOf: undefined }, paging);
		for (const task of tasks) byId.set(String(task.id), task);
	}
	const merged = inListOrder([...byId.values()], query);
	return paging.returnAll ? merged : merged.slice(0, paging.limit);
}
