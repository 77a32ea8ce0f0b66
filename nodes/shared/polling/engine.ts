import type { IDataObject } from 'n8n-workflow';

import { now } from '../transport/clock';

export type TaskEvent = 'taskCreated' | 'taskUpdated' | 'taskCompleted';

/** What the engine needs to know of one vendor item. Times in epoch ms. */
export interface PollRecord {
	id: string;
	createdAt: number;
	updatedAt: number;
	completed: boolean;
	/**
	 * A digest of the item's content. Two changes of one task within the same second share
	 * `updatedAt`; the revision tells them apart.
	 */
	revision?: string;
}

export interface TimeWindow {
	/** Inclusive bounds, epoch ms, on the vendor's change time. */
	fromMs: number;
	toMs: number;
}

export interface WindowPage<T, C> {
	items: T[];
	/** Cursor of the next page; undefined when the window is exhausted. */
	next?: C;
}

/** A vendor's list of tasks as the polling engine sees it. */
export interface PollSource<T, C = unknown> {
	/** Resolution of the vendor's change times (amoCRM: whole seconds). */
	resolutionMs: number;
	/**
	 * True when paging cannot skip items that change while the engine pages (keyset paging).
	 * Offset / page-number paging is not stable: the engine then splits a window that does not
	 * fit in one page into smaller windows, each read in one request.
	 */
	stablePaging: boolean;
	/** The vendor's clock as its answers told it; undefined before the first answer. */
	serverNow(): number | undefined;
	/** Items whose change time lies in the window, one page at a time, in any order. */
	fetchWindow(window: TimeWindow, cursor: C | undefined): Promise<WindowPage<T, C>>;
	/** The newest items for the event (manual runs show a sample). */
	fetchSample(event: TaskEvent, limit: number): Promise<T[]>;
	record(item: T): PollRecord;
}

export interface PollRunOptions {
	event: TaskEvent;
	mode: 'manual' | 'trigger';
	/** The node's static data; JSON values only. Changed in place. */
	state: IDataObject;
	/** How far back each poll re-reads, to absorb clock skew and late commits. */
	overlapMs?: number;
	/** Time this poll may take; fetching stops early and resumes on the next poll. */
	budgetMs?: number;
	sampleSize?: number;
}

interface EngineState {
	version: 2;
	/** Change time up to which every window has been read completely. */
	cursorMs: number;
	/**
	 * Tasks created before this were seen by an earlier poll: the end of the poll before the
	 * last one that read up to the server's present (a task that changed while that last poll
	 * paged is seen by the next one, so the floor lags one complete poll).
	 */
	createdFloorMs: number;
	/** Ends of the last two polls that reached the server's present, oldest first. */
	completePolls: number[];
	/** Keys emitted or seen, with the time that decides when they can be forgotten. */
	seen: Record<string, number>;
	/** Tasks known to be completed, oldest first (fires "completed" once per completion). */
	completedIds: string[];
}

const DEFAULT_OVERLAP_MS = 60_000;
const MAX_COMPLETED_IDS = 10_000;

function readState(state: IDataObject): EngineState | undefined {
	const value = state.poll as EngineState | undefined;
	if (!value || value.version !== 2 || typeof value.cursorMs !== 'number') return undefined;
	return value;
}

/** The key under which an item's event is remembered, and the time it is kept by. */
function eventKey(event: TaskEvent, record: PollRecord): { key: string; at: number } | undefined {
	switch (event) {
		case 'taskCreated':
			return { key: `c:${record.id}`, at: record.createdAt };
		case 'taskUpdated':
			return { key: `u:${record.id}@${record.updatedAt}${record.revision ? `#${record.revision}` : ''}`, at: record.updatedAt };
		case 'taskCompleted':
			return undefined;
	}
}

function alignUp(ms: number, resolutionMs: number): number {
	return Math.ceil(ms / resolutionMs) * resolutionMs;
}

function alignDown(ms: number, resolutionMs: number): number {
	return Math.floor(ms / resolutionMs) * resolutionMs;
}

class Deadline {
	private readonly endsAt: number;
	constructor(budgetMs: number | undefined) {
		// Leave a fifth of the budget for emitting and for the engine's own work.
		this.endsAt = budgetMs === undefined ? Infinity : now() + budgetMs * 0.8;
	}
	passed(): boolean {
		return now() >= this.endsAt;
	}
}

/**
 * Reads a window's pages from `cursor` on (undefined: from the first). The source ends the
 * paging: a page can be empty after its own filtering and still have more.
 */
async function readPages<T, C>(source: PollSource<T, C>, window: TimeWindow, cursor: C | undefined): Promise<T[]> {
	const items: T[] = [];
	let next = cursor;
	do {
		const page = await source.fetchWindow(window, next);
		items.push(...page.items);
		next = page.next;
	} while (next !== undefined);
	return items;
}

/**
 * Reads every item of a window exactly once, in chronological sub-windows, and calls `take`
 * for each completed sub-window. Returns false when the deadline stopped it early.
 */
async function readWindow<T, C>(
	source: PollSource<T, C>,
	window: TimeWindow,
	deadline: Deadline,
	take: (items: T[], window: TimeWindow) => void,
): Promise<boolean> {
	if (deadline.passed()) return false;
	const first = await source.fetchWindow(window, undefined);
	if (first.next === undefined) {
		take(first.items, window);
		return true;
	}
	const span = window.toMs - window.fromMs;
	if (!source.stablePaging && span >= source.resolutionMs) {
		// More than one page: split so that every piece is read in one atomic request.
		const mid = window.fromMs + Math.floor(span / source.resolutionMs / 2) * source.resolutionMs;
		const left = { fromMs: window.fromMs, toMs: mid };
		const right = { fromMs: mid + source.resolutionMs, toMs: window.toMs };
		if (!(await readWindow(source, left, deadline, take))) return false;
		return await readWindow(source, right, deadline, take);
	}
	// Stable paging, or a single instant holding more than a page: page through it. Unstable
	// paging gets a second pass, which finds what shifted between pages.
	const items = [...first.items, ...(await readPages(source, window, first.next))];
	if (!source.stablePaging) items.push(...(await readPages(source, window, undefined)));
	take(items, window);
	return true;
}

/**
 * One poll of a task trigger. Emits each (task, change) once: a watermark (`cursorMs`) plus
 * the keys already emitted inside the overlap window, kept in the node's static data.
 * The first activation emits nothing; a manual run returns a sample and changes no state.
 */
export async function pollTasks<T, C>(
	source: PollSource<T, C>,
	options: PollRunOptions,
): Promise<T[]> {
	const { event, state } = options;
	if (options.mode === 'manual') {
		return await source.fetchSample(event, options.sampleSize ?? 1);
	}
	const overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS;
	const resolution = source.resolutionMs;
	const previous = readState(state);
	const deadline = new Deadline(options.budgetMs);
	// First activation: remember what is already there and emit none of it.
	const seeding = previous === undefined;
	if (source.serverNow() === undefined) {
		// Windows and the watermark follow the server's clock, not n8n's: the first poll of a
		// process makes one small read to learn it.
		await source.fetchWindow({ fromMs: alignDown(now(), resolution), toMs: alignDown(now(), resolution) }, undefined);
	}
	// The Date header has whole seconds: round the estimate up rather than stop short of now.
	const serverClock = () => alignUp(source.serverNow() ?? now(), resolution);
	const upTo = serverClock();
	const startMs = alignDown((seeding ? upTo : previous.cursorMs) - overlapMs, resolution);

	const next: EngineState = previous
		? {
				...previous,
				seen: { ...previous.seen },
				completedIds: [...previous.completedIds],
				completePolls: [...previous.completePolls],
			}
		: { version: 2, cursorMs: startMs, createdFloorMs: startMs, completePolls: [], seen: {}, completedIds: [] };
	const completed = new Set(next.completedIds);
	const emitted: T[] = [];

	const take = (items: T[], window: TimeWindow) => {
		const records = items.map((item) => ({ item, record: source.record(item) }));
		records.sort((a, b) => a.record.updatedAt - b.record.updatedAt || a.record.id.localeCompare(b.record.id));
		for (const { item, record } of records) {
			if (event === 'taskCompleted') {
				if (!record.completed) {
					completed.delete(record.id);
					continue;
				}
				if (completed.has(record.id)) continue;
				completed.add(record.id);
				if (!seeding) emitted.push(item);
				continue;
			}
			const key = eventKey(event, record);
			if (!key || key.key in next.seen) continue;
			// A task created before the floor was seen (and emitted or skipped) by earlier polls.
			if (event === 'taskCreated' && record.createdAt < next.createdFloorMs) continue;
			next.seen[key.key] = key.at;
			if (!seeding) emitted.push(item);
		}
		// Never past the server's own present: a cursor ahead of it would skip what comes next.
		next.cursorMs = Math.max(next.cursorMs, Math.min(window.toMs, serverClock()));
	};

	let finished = upTo >= startMs && (await readWindow(source, { fromMs: startMs, toMs: upTo }, deadline, take));
	// The clock estimate comes from earlier answers; when this poll's answers show the server
	// is further ahead (a clock that jumped, the first poll of a process), read up to its
	// present too, so a change made before the poll started is emitted by this poll.
	const later = serverClock();
	if (finished && later > upTo) {
		finished = await readWindow(source, { fromMs: upTo + resolution, toMs: later }, deadline, take);
	}
	if (finished) {
		next.completePolls = [...next.completePolls, next.cursorMs].slice(-2);
		next.createdFloorMs = Math.max(next.createdFloorMs, next.completePolls[0] - overlapMs);
	}

	// Forget keys that no later window can reach again.
	for (const [key, at] of Object.entries(next.seen)) {
		const floor = key.startsWith('c:') ? next.createdFloorMs : next.cursorMs - overlapMs - resolution;
		if (at < floor) delete next.seen[key];
	}
	next.completedIds = [...completed].slice(-MAX_COMPLETED_IDS);
	state.poll = next as unknown as IDataObject;
	return emitted;
}
