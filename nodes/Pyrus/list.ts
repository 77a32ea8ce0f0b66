import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { sortByKey } from '../shared/order';
import type { RequestContext } from '../shared/transport/types';
import { PYRUS_LIST_PAGE, pyrusRequest, pyrusTimeMs, toPyrusDateTime } from './api';

/**
 * `item_count` for a single second that holds more than a page. The largest `item_count` of a
 * list is not documented (its default is 200); this is the register's documented cap.
 */
export const PYRUS_LIST_SECOND_MAX = 20_000;

const changeSeconds = new WeakMap<IDataObject, number>();

/**
 * Change times in whole epoch seconds (Pyrus's times have whole seconds), parsed once per task
 * answered: a read checks, splits, filters and orders by it, and checks "enough" after each window.
 */
function seconds(task: IDataObject): number {
	let at = changeSeconds.get(task);
	if (at === undefined) {
		at = Math.floor(pyrusTimeMs(task.last_modified_date) / 1000);
		changeSeconds.set(task, at);
	}
	return at;
}

function pyrusSecond(epochSeconds: number): string {
	return toPyrusDateTime(DateTime.fromSeconds(epochSeconds));
}

/** Newest change first, then the higher id; each task's change time is parsed once. */
export function newestChangeFirst(tasks: readonly IDataObject[]): IDataObject[] {
	return sortByKey(tasks, (task) => [seconds(task), Number(task.id)] as const, (a, b) => b[0] - a[0] || b[1] - a[1]);
}

/** A span of change times in epoch seconds, both ends included; an end left out is open. */
export interface ListWindow {
	from?: number;
	to?: number;
}

export interface ListPage {
	tasks: IDataObject[];
	/** Pyrus's `has_more`: the answer was cut at `item_count`. */
	cut: boolean;
}

/**
 * One request for a window of a list's tasks. `modified_before` is inclusive (lists help page);
 * whether `modified_after` is, is not documented: it is sent a second early, so the window's
 * first second is in the answer under either reading (the extra second only brings repeats).
 */
export async function readListWindow(
	ctx: RequestContext,
	listId: number,
	window: ListWindow,
	options: { itemCount: number; includeArchived: boolean; itemIndex?: number },
): Promise<ListPage> {
	const qs: IDataObject = { item_count: options.itemCount };
	if (options.includeArchived) qs.include_archived = 'y';
	if (window.from !== undefined) qs.modified_after = pyrusSecond(window.from - 1);
	if (window.to !== undefined) qs.modified_before = pyrusSecond(window.to);
	const body = await pyrusRequest.call(ctx, 'GET', `/lists/${listId}/tasks`, { qs, itemIndex: options.itemIndex });
	return { tasks: (body.tasks as IDataObject[] | undefined) ?? [], cut: body.has_more === true };
}

/**
 * Where to split a cut window: at the median change of its page, kept inside the window so that
 * both halves `[from, split]` and `[split + 1, to]` are smaller than it. Undefined for a single
 * second, which cannot be split.
 */
function splitPoint(window: ListWindow, page: IDataObject[]): number | undefined {
	const { from, to } = window;
	if (from !== undefined && to !== undefined && to <= from) return undefined;
	const times = page.map(seconds).sort((a, b) => a - b);
	let split = times.length ? times[Math.floor(times.length / 2)] : from !== undefined && to !== undefined ? Math.floor((from + to) / 2) : undefined;
	if (split === undefined) return undefined;
	if (from !== undefined) split = Math.max(split, from);
	if (to !== undefined) split = Math.min(split, to - 1);
	return split;
}

export interface ListReadOptions {
	listId: number;
	window: ListWindow;
	includeArchived: boolean;
	/** The most recently changed tasks wanted; undefined: all of the window. */
	limit?: number;
	itemIndex?: number;
}

/**
 * A list's tasks changed within a window, newest change first, whatever order Pyrus answers in.
 * The order of a cut page (`has_more`) is not documented, so such a page says nothing about
 * which tasks it left out: the window is split at the page's median change and each half read
 * on its own, the newer half first, down to a single second, which is read whole in one larger
 * request. Repeats (the early `modified_after` second) are dropped by id. With a `limit`, reading
 * stops once the windows read completely hold that many tasks.
 */
export async function readListTasks(ctx: RequestContext, options: ListReadOptions): Promise<IDataObject[]> {
	const { listId, includeArchived, limit, itemIndex } = options;
	const byId = new Map<string, IDataObject>();
	/** Start of the oldest window read completely: every task changed since is in `byId`. */
	let readSince: number | undefined = Infinity;
	const enough = () =>
		limit !== undefined && [...byId.values()].filter((task) => readSince === undefined || seconds(task) >= readSince).length >= limit;

	const read = async (window: ListWindow): Promise<void> => {
		let page = await readListWindow(ctx, listId, window, { itemCount: PYRUS_LIST_PAGE, includeArchived, itemIndex });
		if (page.cut) {
			const split = splitPoint(window, page.tasks);
			if (split !== undefined) {
				await read({ from: split + 1, to: window.to });
				if (enough()) return;
				await read({ from: window.from, to: split });
				return;
			}
			page = await readListWindow(ctx, listId, window, { itemCount: PYRUS_LIST_SECOND_MAX, includeArchived, itemIndex });
			if (page.cut) {
				throw new NodeOperationError(
					ctx.getNode(),
					`Pyrus: more than ${PYRUS_LIST_SECOND_MAX} tasks of list ${listId} changed within one second (${pyrusSecond(window.from ?? 0)}); they cannot all be read`,
					{ itemIndex },
				);
			}
		}
		for (const task of page.tasks) if (!byId.has(String(task.id))) byId.set(String(task.id), task);
		readSince = window.from;
	};

	await read(options.window);
	const { from, to } = options.window;
	const tasks = newestChangeFirst(
		[...byId.values()].filter((task) => {
			const at = seconds(task);
			return (from === undefined || at >= from) && (to === undefined || at <= to);
		}),
	);
	return limit === undefined ? tasks : tasks.slice(0, limit);
}
