import type { IDataObject } from 'n8n-workflow';

import { now } from '../transport/clock';

export type TaskEvent = 'taskCreated' | 'taskUpdated' | 'taskCompleted';

/** What the engine needs to know of one vendor item. Times in epoch ms. */
export interface PollRecord {
	id: string;
	createdAt: number;
	updatedAt: number;
	completed: boolean;
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
	/** The vendor's clock, as well as it is known. */
	serverNow(): number;
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
	version: 1;
	/** Change time up to which every window has been read completely. */
	cursorMs: number;
	/** Keys emitted or seen at times still inside the overlap, with their time. */
	seen: Record<string, number>;
	/** Tasks known to be completed, oldest first (fires "completed" once per completion). */
	completedIds: string[];
}

const DEFAULT_OVERLAP_MS = 60_000;
const MAX_COMPLETED_IDS = 10_000;

function readState(state: IDataObject): EngineState | undefined {
	const value = state.poll as EngineState | undefined;
	if (!value || value.version !== 1 || typeof value.cursorMs !== 'number') return undefined;
	return value;
}

/** The key under which an item's event is remembered, and the time it is kept by. */
function eventKey(event: TaskEvent, record: PollRecord): { key: string; at: number } | undefined {
	switch (event) {
		case 'taskCreated':
			return { key: `c:${record.id}`, at: record.createdAt };
		case 'taskUpdated':
			return { key: `u:${record.id}@${record.updatedAt}`, at: record.updatedAt };
		case 'taskCompleted':
			return undefined;
	}
}

function alignUp(ms: number, resolutionMs: number): number {
	return Math.ceil(ms / resolutionMs) * resolutionMs;
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
	// Stable paging, or a single instant holding more than a page: page through it.
	const items = [...first.items];
	let cursor: C | undefined = first.next;
	while (cursor !== undefined) {
		const page = await source.fetchWindow(window, cursor);
		items.push(...page.items);
		cursor = page.items.length > 0 ? page.next : undefined;
	}
	if (!source.stablePaging) {
		// Unstable paging inside one instant: a second pass finds what shifted between pages.
		let again: C | undefined;
		do {
			const page = await source.fetchWindow(window, again);
			items.push(...page.items);
			again = page.items.length > 0 ? page.next : undefined;
		} while (again !== undefined);
	}
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
	// The Date header has whole seconds: round the estimate up rather than stop short of now.
	const upTo = alignUp(source.serverNow(), source.resolutionMs);
	const previous = readState(state);
	const deadline = new Deadline(options.budgetMs);

	const next: EngineState = previous
		? { ...previous, seen: { ...previous.seen }, completedIds: [...previous.completedIds] }
		: { version: 1, cursorMs: upTo, seen: {}, completedIds: [] };
	const completed = new Set(next.completedIds);
	const emitted: Array<{ item: T; record: PollRecord }> = [];
	// First activation: remember what is already there and emit none of it.
	const seeding = previous === undefined;

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
				if (!seeding) emitted.push({ item, record });
				continue;
			}
			const key = eventKey(event, record);
			if (!key || key.key in next.seen) continue;
			// Items older than the re-read window were handled by earlier polls.
			if (key.at < next.cursorMs - overlapMs) continue;
			next.seen[key.key] = key.at;
			if (!seeding) emitted.push({ item, record });
		}
		next.cursorMs = Math.max(next.cursorMs, window.toMs);
	};

	const fromMs = (seeding ? upTo : next.cursorMs) - overlapMs;
	const fromAligned = Math.floor(fromMs / source.resolutionMs) * source.resolutionMs;
	const finished = await readWindow(source, { fromMs: fromAligned, toMs: upTo }, deadline, take);
	// The clock estimate comes from earlier answers; when this poll's answers show the server
	// is further ahead (a clock that jumped, a first poll), read up to its present too, so a
	// change made before the poll started is emitted by this poll.
	const later = alignUp(source.serverNow(), source.resolutionMs);
	if (finished && later > upTo) {
		await readWindow(source, { fromMs: upTo + source.resolutionMs, toMs: later }, deadline, take);
	}

	// Forget keys that no later window can reach again.
	for (const [key, at] of Object.entries(next.seen)) {
		if (at < next.cursorMs - overlapMs - source.resolutionMs) delete next.seen[key];
	}
	next.completedIds = [...completed].slice(-MAX_COMPLETED_IDS);
	state.poll = next as unknown as IDataObject;
	return emitted.map(({ item }) => item);
}
