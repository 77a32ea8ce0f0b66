import type { IDataObject } from 'n8n-workflow';

import { monotonicNow, now } from '../transport/clock';

export type TaskEvent = 'taskCreated' | 'taskUpdated' | 'taskCompleted';

/** What the engine needs to know of one vendor item. Times in epoch ms. */
export interface PollRecord {
	id: string;
	createdAt: number;
	updatedAt: number;
	completed: boolean;
	/**
	 * When the task was completed, where the vendor reports it (undefined when it is open, or
	 * when the vendor keeps no completion time). With it, "completed" fires once per completion:
	 * a task completed, reopened and completed again fires twice, even between two polls.
	 */
	completedAt?: number;
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

/**
 * Where a trigger's activation moment is kept apart from its own state: n8n 2.x with durable
 * poll cursors keeps nothing the activation poll writes into the node's state, but it saves
 * the workflow's shared static data after activating it.
 */
export interface ActivationRecord {
	/** The recorded activation moment (epoch ms), if any. */
	read(): number | undefined;
	write(moment: number): void;
	/** How long after activation a record may still be the one of this activation. */
	maxAgeMs: number;
}

export interface PollRunOptions {
	event: TaskEvent;
	mode: 'manual' | 'trigger';
	/** The node's static data; JSON values only. Changed in place. */
	state: IDataObject;
	/** The activation moment, for a poll that finds no state of its own. */
	activation?: ActivationRecord;
	/** How far back each poll re-reads, to absorb clock skew and late commits. */
	overlapMs?: number;
	/** Time this poll may take; fetching stops early and resumes on the next poll. */
	budgetMs?: number;
	sampleSize?: number;
}

interface EngineState {
	version: 3;
	/** Change time up to which every window has been read completely. */
	cursorMs: number;
	/** The activation moment: what happened before it is backlog, never emitted. */
	sinceMs: number;
	/**
	 * Tasks created before this were seen by an earlier poll: the end of the poll before the
	 * last one that read up to the server's present (a task that changed while that last poll
	 * paged is seen by the next one, so the floor lags one complete poll).
	 */
	createdFloorMs: number;
	/**
	 * Change and completion keys older than this are forgotten, so such events are never
	 * emitted again (no window reaches their change any more).
	 */
	keptFromMs: number;
	/** Ends of the last two polls that reached the server's present, oldest first. */
	completePolls: number[];
	/** Keys emitted or seen, with the time that decides when they can be forgotten. */
	seen: Record<string, number>;
	/**
	 * Tasks seen completed whose vendor reports no completion time (amoCRM), with the change
	 * time they were last seen completed at; forgotten when seen open or after `DONE_MEMORY_MS`.
	 */
	doneIds: Record<string, number>;
}

/** The state of the previous version: completions remembered by id, at most 10,000. */
interface EngineStateV2 {
	version: 2;
	cursorMs: number;
	createdFloorMs: number;
	completePolls: number[];
	seen: Record<string, number>;
	completedIds: string[];
}

const DEFAULT_OVERLAP_MS = 60_000;
/** How long a completed task without a completion time is remembered after its last change. */
export const DONE_MEMORY_MS = 30 * 86_400_000;

function readState(state: IDataObject, overlapMs: number, resolutionMs: number): EngineState | undefined {
	const value = state.poll as EngineState | EngineStateV2 | undefined;
	if (!value || typeof value.cursorMs !== 'number') return undefined;
	if (value.version === 3) return value;
	if (value.version !== 2) return undefined;
	// An upgrade with the trigger active: go on from the cursor. Completions it remembered (no
	// times) count as seen completed at the cursor, so none of them fires again.
	const keptFromMs = value.cursorMs - overlapMs - resolutionMs;
	return {
		version: 3,
		cursorMs: value.cursorMs,
		sinceMs: 0,
		createdFloorMs: value.createdFloorMs,
		keptFromMs,
		completePolls: value.completePolls,
		seen: value.seen,
		doneIds: Object.fromEntries(value.completedIds.map((id) => [id, value.cursorMs])),
	};
}

/** The key under which an item's event is remembered, and the event's time. */
function eventKey(event: TaskEvent, record: PollRecord): { key: string; at: number } | undefined {
	switch (event) {
		case 'taskCreated':
			return { key: `c:${record.id}`, at: record.createdAt };
		case 'taskUpdated':
			return { key: `u:${record.id}@${record.updatedAt}${record.revision ? `#${record.revision}` : ''}`, at: record.updatedAt };
		case 'taskCompleted':
			return record.completed && record.completedAt !== undefined
				? { key: `d:${record.id}@${record.completedAt}`, at: record.completedAt }
				: undefined;
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
		this.endsAt = budgetMs === undefined ? Infinity : monotonicNow() + budgetMs * 0.8;
	}
	passed(): boolean {
		return monotonicNow() >= this.endsAt;
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
 * The activation moment of a trigger that has no state: the one an earlier poll of this
 * activation recorded (its own state was discarded), or this poll's start, which it records.
 * Rounded down to the vendor's resolution: a change in the activation's own second is not
 * taken for backlog.
 */
function activationMoment(record: ActivationRecord | undefined, startedAt: number, resolutionMs: number): number {
	const recorded = record?.read();
	if (recorded !== undefined && recorded <= startedAt && startedAt - recorded <= record!.maxAgeMs) return recorded;
	const moment = alignDown(startedAt, resolutionMs);
	record?.write(moment);
	return moment;
}

/**
 * One poll of a task trigger. Emits each (task, change) once: a watermark (`cursorMs`) plus
 * the keys already emitted inside the overlap window, kept in the node's static data.
 *
 * A poll without state is the activation: it emits nothing, and remembers what happened before
 * the activation moment so that the next poll emits only what happened from then on (the
 * first activation does not replay the backlog). A manual run returns a sample and changes no
 * state.
 */
export async function pollTasks<T, C>(
	source: PollSource<T, C>,
	options: PollRunOptions,
): Promise<T[]> {
	const { event, state } = options;
	if (options.mode === 'manual') {
		return await source.fetchSample(event, options.sampleSize ?? 1);
	}
	const startedAt = monotonicNow();
	const overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS;
	const resolution = source.resolutionMs;
	const previous = readState(state, overlapMs, resolution);
	const deadline = new Deadline(options.budgetMs);
	if (source.serverNow() === undefined) {
		// Windows and the watermark follow the server's clock, not n8n's: the first poll of a
		// process makes one small read to learn it.
		await source.fetchWindow({ fromMs: alignDown(now(), resolution), toMs: alignDown(now(), resolution) }, undefined);
	}
	// The Date header has whole seconds: round the estimate up rather than stop short of now.
	const serverClock = () => alignUp(source.serverNow() ?? now(), resolution);

	let next: EngineState;
	let upTo: number;
	const seeding = previous === undefined;
	if (previous === undefined) {
		// First activation: read the overlap before the activation moment, remember what is
		// there, emit none of it, and leave the cursor at the moment itself.
		const serverStart = (source.serverNow() ?? now()) - (monotonicNow() - startedAt);
		const sinceMs = activationMoment(options.activation, serverStart, resolution);
		const startMs = alignDown(sinceMs - overlapMs, resolution);
		upTo = sinceMs;
		next = {
			version: 3,
			cursorMs: startMs,
			sinceMs,
			createdFloorMs: startMs,
			keptFromMs: startMs,
			completePolls: [],
			seen: {},
			doneIds: {},
		};
	} else {
		upTo = serverClock();
		next = {
			...previous,
			seen: { ...previous.seen },
			doneIds: { ...previous.doneIds },
			completePolls: [...previous.completePolls],
		};
	}
	const startMs = alignDown((seeding ? next.sinceMs : next.cursorMs) - overlapMs, resolution);
	const emitted: T[] = [];
	/** Events before this are not emitted: backlog, or older than what the state remembers. */
	const changeFloor = Math.max(next.sinceMs, next.keptFromMs);

	/** Remembers an event; true when it is new and emitted. */
	const decide = (record: PollRecord): boolean => {
		const time = { taskCreated: record.createdAt, taskUpdated: record.updatedAt, taskCompleted: record.completedAt ?? record.updatedAt }[event];
		if (seeding && time >= next.sinceMs) return false; // after the activation moment: the next poll's
		if (event === 'taskCompleted' && record.completedAt === undefined) {
			// No completion time: the first sight of the task completed counts.
			if (!record.completed) {
				delete next.doneIds[record.id];
				return false;
			}
			const known = record.id in next.doneIds;
			next.doneIds[record.id] = Math.max(next.doneIds[record.id] ?? 0, record.updatedAt);
			return !seeding && !known && record.updatedAt >= next.sinceMs;
		}
		const key = eventKey(event, record);
		if (!key || key.key in next.seen) return false;
		const floor = event === 'taskCreated' ? Math.max(next.createdFloorMs, next.sinceMs) : changeFloor;
		if (!seeding && key.at < floor) return false;
		next.seen[key.key] = key.at;
		if (event === 'taskCompleted') {
			// A completion the previous version remembered by id only (an upgrade) was emitted by it.
			const legacy = next.doneIds[record.id];
			delete next.doneIds[record.id];
			if (legacy !== undefined && key.at <= legacy) return false;
		}
		return !seeding;
	};

	const take = (items: T[], window: TimeWindow) => {
		const records = items.map((item) => ({ item, record: source.record(item) }));
		records.sort((a, b) => a.record.updatedAt - b.record.updatedAt || a.record.id.localeCompare(b.record.id));
		for (const { item, record } of records) {
			if (decide(record)) emitted.push(item);
		}
		// Never past the server's own present, nor past the activation moment while seeding: a
		// cursor ahead of either would skip what comes next.
		const reached = Math.min(window.toMs, serverClock(), seeding ? next.sinceMs : Infinity);
		next.cursorMs = Math.max(next.cursorMs, reached);
	};

	let finished = upTo >= startMs && (await readWindow(source, { fromMs: startMs, toMs: upTo }, deadline, take));
	// The clock estimate comes from earlier answers; when this poll's answers show the server
	// is further ahead (a clock that jumped, the first poll of a process), read up to its
	// present too, so a change made before the poll started is emitted by this poll.
	const later = serverClock();
	if (!seeding && finished && later > upTo) {
		finished = await readWindow(source, { fromMs: upTo + resolution, toMs: later }, deadline, take);
	}
	if (finished) {
		next.completePolls = [...next.completePolls, next.cursorMs].slice(-2);
		next.createdFloorMs = Math.max(next.createdFloorMs, next.completePolls[0] - overlapMs);
	}

	// Forget what no later window can reach again.
	next.keptFromMs = Math.max(next.keptFromMs, next.cursorMs - overlapMs - resolution);
	for (const [key, at] of Object.entries(next.seen)) {
		if (at < (key.startsWith('c:') ? next.createdFloorMs : next.keptFromMs)) delete next.seen[key];
	}
	for (const [id, at] of Object.entries(next.doneIds)) {
		if (at < next.cursorMs - DONE_MEMORY_MS) delete next.doneIds[id];
	}
	state.poll = next as unknown as IDataObject;
	return emitted;
}
