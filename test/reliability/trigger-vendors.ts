/**
 * Exactly-once proof of the four polling triggers: a seeded stream of creates, updates,
 * completions and reopenings goes into a vendor's loopback sandbox while three triggers of the
 * vendor (Task Created, Task Updated, Task Completed) poll it through n8n-core's poll context,
 * each with its own node static data carried from poll to poll. Every change is written to a
 * change log kept beside the sandbox (the sandbox's own answer to each change: the task id and
 * the version the change left); the events each trigger must emit are computed from that log
 * and compared with what it emitted.
 *
 * What the stream contains (all drawn from one `SeededRandom`):
 * - bursts: many changes at one frozen sandbox instant, polls that start within the second the
 *   previous poll read, and a few mass bursts of more than a page inside one second;
 * - changes while a trigger pages: a sandbox middleware makes changes (and may move the
 *   sandbox clock on) when a page after the first of a window is asked for;
 * - clock skew: n8n's clock (`Date`, faked by jest; nothing else is faked) runs a few seconds
 *   ahead of or behind the sandbox's, the skew changing during the run, and some polls start
 *   as a freshly started n8n process that does not know the server's clock yet;
 * - long pauses: now and then the sandbox clock jumps past the trigger's overlap window;
 * - n8n's clock stepping back by minutes (an NTP correction, a resumed VM) at a few steps;
 * - tasks completed long before the activation (outside its overlap window) and edited later;
 * - tasks completed, reopened and completed again between two polls.
 *
 * Expected events. A trigger can only see the state a task is in when it reads it. The state
 * that counts is the one at the start of each of the trigger's polls (a "boundary"): between
 * two boundaries a task's changes coalesce into its state at the second one. So, per trigger:
 * - created: every task created after the activation poll started, once;
 * - updated: per boundary, every task whose version differs from the previous boundary's, with
 *   the version it has at that boundary, once;
 * - completed: per boundary, every task completed there that was open (or not there) at the
 *   previous boundary, once per completion. Where the vendor reports a completion time, also a
 *   task completed again since the previous boundary (reopened and completed in between); where
 *   it has none (amoCRM), that completion cannot be seen and must not fire, and a task completed
 *   before the activation may fire once when it is edited later (documented).
 * A change made while a trigger pages falls after its boundary and belongs to its next poll;
 * it may also hide the version the task had at the boundary (when the trigger reaches the task
 * after the change): that one event is optional (emitted or not, never twice), the newer
 * version is required. To keep this unambiguous, a task changed while paging is left alone
 * until the next step's polls are done. A task is not completed again within the second of its
 * previous completion (completion times have whole seconds: the two would be one).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import { hook } from '../bitrix24/fixtures';
import { runPoll } from '../harness';
import { ALL_BUT_DATE } from '../harness/clocks';
import type { AmoCrmSandbox } from '../sandbox/amocrm';
import type { Bitrix24Sandbox } from '../sandbox/bitrix24';
import { SeededRandom, type SandboxRequest, type SandboxServer } from '../sandbox/framework';
import type { MoySkladSandbox } from '../sandbox/moysklad';
import { DEMO_FORM, type PyrusSandbox } from '../sandbox/pyrus';
import { amoCrm, bitrix24, moySklad, pyrusAdapter, type VendorAdapter } from './vendors';

export type TriggerEvent = 'taskCreated' | 'taskUpdated' | 'taskCompleted';
export const EVENTS: TriggerEvent[] = ['taskCreated', 'taskUpdated', 'taskCompleted'];

/** What one change left in the sandbox: the task and the version it is now in. */
export interface Change {
	id: string;
	/** Unique per (task, change): read back from the trigger's raw output. */
	version: string;
}

/** One vendor's trigger as the run drives it; changes go straight into the sandbox store. */
export interface TriggerVendor<S extends SandboxServer = SandboxServer> {
	vendor: VendorAdapter<S>;
	/** Whether the vendor's tasks carry the time they were completed. */
	completionTime: boolean;
	/** Items per page of the trigger's window reads. */
	pageSize: number;
	/** Trigger parameters for the event (raw output, so versions can be read back). */
	parameters(event: TriggerEvent): INodeParameters;
	create(sandbox: S, marker: string): Change;
	update(sandbox: S, id: string, marker: string): Change;
	complete(sandbox: S, id: string, marker: string): Change;
	reopen(sandbox: S, id: string, marker: string): Change;
	/** The (task, version) of one emitted raw item. */
	emitted(json: IDataObject): Change;
	/** A request for a page after the first of a window (the trigger is paging). */
	isLaterPage(req: SandboxRequest): boolean;
}

const markerIn = (text: unknown): string => {
	const match = /\bm\d+\b/.exec(String(text ?? ''));
	if (!match) throw new Error(`no change marker in ${JSON.stringify(text)}`);
	return match[0];
};

export const amoCrmTrigger: TriggerVendor<AmoCrmSandbox> = {
	vendor: amoCrm,
	completionTime: false,
	pageSize: amoCrm.pageSize,
	parameters: (event) => ({ event, simplify: false }),
	create: (sandbox, marker) => ({ id: String(sandbox.addTask({ text: `Task ${marker}` }).id), version: marker }),
	update: (sandbox, id, marker) => {
		sandbox.updateTask(Number(id), { text: `Edited ${marker}` });
		return { id, version: marker };
	},
	complete: (sandbox, id, marker) => {
		sandbox.updateTask(Number(id), { is_completed: true, text: `Done ${marker}`, result: { text: `Result ${marker}` } });
		return { id, version: marker };
	},
	reopen: (sandbox, id, marker) => {
		sandbox.updateTask(Number(id), { is_completed: false, text: `Reopened ${marker}`, result: null });
		return { id, version: marker };
	},
	emitted: (json) => ({ id: String(json.id), version: markerIn(json.text) }),
	isLaterPage: (req) => req.path === '/api/v4/tasks' && req.query.page !== undefined && req.query.page !== '1',
};

export const moySkladTrigger: TriggerVendor<MoySkladSandbox> = {
	vendor: moySklad,
	completionTime: true,
	pageSize: moySklad.pageSize,
	parameters: (event) => ({ event, simplify: false }),
	create: (sandbox, marker) => ({ id: sandbox.addTask({ description: `Task ${marker}` }).id, version: marker }),
	update: (sandbox, id, marker) => {
		sandbox.changeTask(id, { description: `Edited ${marker}` });
		return { id, version: marker };
	},
	complete: (sandbox, id, marker) => {
		sandbox.changeTask(id, { done: true, description: `Done ${marker}` });
		return { id, version: marker };
	},
	reopen: (sandbox, id, marker) => {
		sandbox.changeTask(id, { done: false, description: `Reopened ${marker}` });
		return { id, version: marker };
	},
	emitted: (json) => ({ id: String(json.id), version: markerIn(json.description) }),
	isLaterPage: (req) => req.path.endsWith('/entity/task') && Number(req.query.offset ?? 0) > 0,
};

/**
 * Pyrus changes a task by a comment (which may close or reopen it): the task's version is its
 * `last_note_id`, which the register returns; a task without comments is in its first version.
 */
export const pyrusTrigger: TriggerVendor<PyrusSandbox> = {
	vendor: pyrusAdapter,
	completionTime: true,
	pageSize: 1000,
	parameters: (event) => ({ event, source: 'form', formId: String(DEMO_FORM.id), simplify: false }),
	create: (sandbox, marker) => ({
		id: String(sandbox.addTask({ form_id: DEMO_FORM.id, current_step: 1, fields: [], text: `Task ${marker}` }).id),
		version: 'first',
	}),
	update: (sandbox, id, marker) => pyrusComment(sandbox, id, { text: `Comment ${marker}` }),
	complete: (sandbox, id, marker) => pyrusComment(sandbox, id, { text: `Done ${marker}`, action: 'finished' }),
	reopen: (sandbox, id, marker) => pyrusComment(sandbox, id, { text: `Reopened ${marker}`, action: 'reopened' }),
	emitted: (json) => ({ id: String(json.id), version: json.last_note_id === undefined ? 'first' : `note${String(json.last_note_id)}` }),
	isLaterPage: (req) => req.path === `/api/v4/forms/${DEMO_FORM.id}/register` && req.query.id !== undefined,
};

function pyrusComment(sandbox: PyrusSandbox, id: string, comment: IDataObject): Change {
	const task = sandbox.tasks.get(Number(id));
	if (!task) throw new Error(`no task ${id}`);
	return { id, version: `note${sandbox.addComment(task, comment).id}` };
}

export const bitrix24Trigger: TriggerVendor<Bitrix24Sandbox> = {
	vendor: bitrix24 as unknown as VendorAdapter<Bitrix24Sandbox>,
	completionTime: true,
	pageSize: bitrix24.pageSize,
	parameters: (event) => ({ event, simplify: false }),
	create: (sandbox, marker) => ({ id: sandbox.addTask({ title: `Task ${marker}` }).id, version: marker }),
	update: (sandbox, id, marker) => {
		sandbox.updateTask(Number(id), { title: `Edited ${marker}` });
		return { id, version: marker };
	},
	complete: (sandbox, id, marker) => {
		sandbox.updateTask(Number(id), { title: `Done ${marker}`, status: '5', closedDate: sandbox.portalDate(), closedBy: '1', statusChangedDate: sandbox.portalDate() });
		return { id, version: marker };
	},
	reopen: (sandbox, id, marker) => {
		sandbox.updateTask(Number(id), { title: `Reopened ${marker}`, status: '2', closedDate: null, closedBy: null, statusChangedDate: sandbox.portalDate() });
		return { id, version: marker };
	},
	emitted: (json) => ({ id: String(json.id), version: markerIn(json.title) }),
	isLaterPage: (req) =>
		req.path === hook('tasks.task.list') &&
		((req.body as { filter?: IDataObject } | undefined)?.filter ?? {})['>ID'] !== undefined,
};

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

type Kind = 'create' | 'update' | 'complete' | 'reopen';

interface LogEntry extends Change {
	kind: Kind;
	/** Whether the task is completed after this change. */
	completed: boolean;
	/** Made by the middleware while this trigger paged, in its poll number `pagingPoll`. */
	pagingTrigger?: TriggerEvent;
	pagingPoll?: number;
}

export interface RunOptions {
	seed: number;
	/** Steps of changes, each followed by one poll of every trigger. */
	steps: number;
	/** Changes per ordinary step: uniform in [min, max]. */
	changesPerStep: [number, number];
	/** Share of creates among the ordinary changes (the rest: updates, completions, reopenings). */
	createShare: number;
	/**
	 * Steps (1-based) with a mass burst: `pageSize + massExtra` distinct tasks change in one
	 * instant, then n8n pauses for longer than the overlap window before it polls.
	 */
	massBurstSteps: number[];
	massExtra: number;
	/** Chance that a later-page request triggers changes while the trigger pages. */
	pagingChangeChance: number;
	/** Largest skew (ms) of n8n's clock against the sandbox's, either way. */
	maxSkewMs: number;
	/** Tasks made ten minutes before the activation (outside its overlap), half of them completed. */
	oldBacklog: number;
	/** Steps (1-based) before whose polls n8n's clock steps back by minutes. */
	clockStepBackSteps: number[];
}

export interface EventFigures {
	/** Events the trigger must emit. */
	expected: number;
	/**
	 * Events it may emit or not: the version a task had at a poll's start when a change while
	 * that poll paged replaced it (the trigger emits the newer one in any case).
	 */
	optional: number;
	emitted: number;
	lost: number;
	duplicated: number;
	/** Emitted but neither expected nor optional (backlog, or a version no boundary had). */
	unexpected: number;
	/** Examples of lost / duplicated / unexpected events, for a failing assertion's message. */
	examples: string[];
}

export interface RunReport {
	vendor: string;
	changes: { total: number; creates: number; updates: number; completions: number; reopenings: number; whilePaging: number };
	/** Polls of all three triggers, activation included. */
	polls: number;
	pollsPerTrigger: number;
	requests: number;
	laterPageRequests: number;
	massBursts: number;
	/** Changes at one sandbox instant: the largest number seen. */
	largestInstantBurst: number;
	/** Steps whose polls ran in the same sandbox second as the previous step's polls ended. */
	sameSecondPolls: number;
	/** Pauses of n8n longer than the overlap window. */
	longPauses: number;
	restarts: number;
	/** Steps where n8n's clock stepped back by minutes. */
	clockStepsBack: number;
	/** Tasks completed again in a step where they were reopened (before that step's polls). */
	recompletions: number;
	/** Changes of tasks made before the activation, outside its overlap window. */
	oldBacklogChanges: number;
	skewMs: { min: number; max: number };
	events: Record<TriggerEvent, EventFigures>;
}

/**
 * One exactly-once run against a started sandbox. The caller starts and stops the sandbox
 * (`vendor.createSandbox({ timeScale: 1000, rateLimit: false })`) and restores real timers.
 */
export async function runExactlyOnce<S extends SandboxServer>(
	tv: TriggerVendor<S>,
	sandbox: S,
	options: RunOptions,
): Promise<RunReport> {
	const rng = new SeededRandom(options.seed);
	const uniform = (min: number, max: number) => min + Math.floor(rng.next() * (max - min + 1));
	const pick = <T>(list: T[]): T => list[Math.floor(rng.next() * list.length)];
	setTimeScale(1000);
	resetProcessState();
	jest.useFakeTimers({ doNotFake: ALL_BUT_DATE, advanceTimers: 1 });

	// --- the sandbox clock (frozen, stepped by the run) and n8n's clock (skewed) -------------
	let sandboxNow = Math.floor(Date.now() / 1000) * 1000;
	sandbox.clock.freeze(sandboxNow);
	const moveSandboxClock = (ms: number) => {
		sandboxNow += ms;
		sandbox.clock.freeze(sandboxNow);
	};
	let longPauses = 0;
	const pause = () => {
		longPauses++;
		moveSandboxClock(uniform(61_000, 75_000));
	};
	let skewTarget = 0;
	const skews: number[] = [];
	/** n8n's clock = sandbox clock - skew, never moved backwards (a clock that jumps ahead is allowed). */
	const setN8nClock = () => {
		jest.setSystemTime(Math.max(Date.now(), sandboxNow - skewTarget));
		skews.push(sandboxNow - Date.now());
	};

	// --- the change log and the stream --------------------------------------------------------
	const log: LogEntry[] = [];
	let markerSeq = 0;
	const nextMarker = () => `m${++markerSeq}`;
	/** Current state per task, for choosing changes. */
	const completedNow = new Map<string, boolean>();
	const ids: string[] = [];
	/** Tasks changed while paging in the last step: left alone in this one (see the header). */
	let frozen = new Set<string>();
	/** Tasks changed while paging in this step. */
	let frozenNext = new Set<string>();
	/** Tasks reopened in this step before the polls: a completion of one is a recompletion. */
	let reopenedThisStep = new Set<string>();
	let recompletions = 0;
	/** Whether a reopened task may be completed again at once (not in a burst at one instant). */
	let recompleting = false;
	/** The sandbox second of each task's last completion: not completed again within it. */
	const completedInSecond = new Map<string, number>();
	/** Tasks made before the activation, outside its overlap window. */
	const oldIds = new Set<string>();
	let oldBacklogChanges = 0;
	/** Tasks of the last mass burst: the ones a trigger pages through. */
	let burstTasks: string[] = [];
	/** Changes per sandbox instant. */
	const burstAt = new Map<number, number>();

	let paging: { event: TriggerEvent; poll: number } | undefined;
	/** Log position where the stream (after the activation polls) starts. */
	let streamStartAt = Infinity;
	const record = (kind: Kind, change: Change) => {
		const completed = kind === 'complete' ? true : kind === 'reopen' ? false : (completedNow.get(change.id) ?? false);
		if (kind === 'create') ids.push(change.id);
		if (kind === 'complete') {
			completedInSecond.set(change.id, Math.floor(sandboxNow / 1000));
			if (!paging && reopenedThisStep.has(change.id)) recompletions++;
		}
		if (kind !== 'create' && oldIds.has(change.id) && log.length > streamStartAt) oldBacklogChanges++;
		completedNow.set(change.id, completed);
		log.push({ ...change, kind, completed, ...(paging ? { pagingTrigger: paging.event, pagingPoll: paging.poll } : {}) });
		burstAt.set(sandboxNow, (burstAt.get(sandboxNow) ?? 0) + 1);
	};

	/** One random change of a task `allowed` accepts (drawn from `among`); a create when none fits. */
	const randomChange = (allowed: (id: string) => boolean, createShare: number, among: string[] = ids) => {
		const draw = rng.next();
		if (draw < createShare || among.length === 0) {
			record('create', tv.create(sandbox, nextMarker()));
			return;
		}
		// A few tries to find a task of the right state; else a create.
		for (let attempt = 0; attempt < 8; attempt++) {
			const id = pick(among);
			if (!allowed(id)) continue;
			const done = completedNow.get(id) ?? false;
			if (draw < 0.6) {
				record('update', tv.update(sandbox, id, nextMarker()));
			} else if (!done && draw < 0.85) {
				if (completedInSecond.get(id) === Math.floor(sandboxNow / 1000)) continue;
				record('complete', tv.complete(sandbox, id, nextMarker()));
			} else if (done) {
				record('reopen', tv.reopen(sandbox, id, nextMarker()));
				if (!paging) {
					reopenedThisStep.add(id);
					// In ordinary steps, often completed again before the next poll, a second or so later.
					if (recompleting && rng.next() < 0.5) {
						moveSandboxClock(uniform(1000, 1500));
						record('complete', tv.complete(sandbox, id, nextMarker()));
					}
				}
			} else continue;
			return;
		}
		record('create', tv.create(sandbox, nextMarker()));
	};

	// --- triggers ------------------------------------------------------------------------------
	const credentials = tv.vendor.credentials(sandbox);
	const triggers = EVENTS.map((event) => ({
		event,
		staticData: {} as IDataObject,
		/** Log positions at the start of each poll (activation first). */
		boundaries: [] as number[],
		emitted: [] as Change[],
	}));
	let pagingArmed = false;
	let laterPageRequests = 0;
	let pagingChangesThisPoll = 0;

	// Changes while a trigger pages. First in line: the Bitrix24 sandbox's own middleware answers.
	sandbox.use((req) => {
		if (!tv.isLaterPage(req)) return undefined;
		laterPageRequests++;
		if (!pagingArmed || !paging || pagingChangesThisPoll >= 4 || rng.next() >= options.pagingChangeChance) return undefined;
		// Time passes while the trigger pages: the sandbox clock may move on, then tasks change.
		if (rng.next() < 0.5) moveSandboxClock(uniform(1, 1500));
		const count = uniform(1, 3);
		for (let n = 0; n < count; n++) {
			const before = log.length;
			const among = burstTasks.length > 0 && rng.next() < 0.7 ? burstTasks : ids;
			randomChange((id) => !frozen.has(id) && !frozenNext.has(id), 0.2, among);
			for (const entry of log.slice(before)) frozenNext.add(entry.id);
		}
		pagingChangesThisPoll += count;
		return undefined;
	}, 'first');

	let polls = 0;
	let restarts = 0;
	let sameSecondPolls = 0;
	const pollAll = async () => {
		for (const trigger of triggers) {
			trigger.boundaries.push(log.length);
			paging = { event: trigger.event, poll: trigger.boundaries.length - 1 };
			pagingChangesThisPoll = 0;
			const result = await runPoll({
				nodeTypes: tv.vendor.nodeTypes,
				credentialTypes: tv.vendor.credentialTypes,
				credentials,
				node: { type: tv.vendor.triggerType, parameters: tv.parameters(trigger.event) },
				staticData: trigger.staticData,
				timezone: 'Europe/Moscow',
			});
			paging = undefined;
			polls++;
			if (result.error) throw new Error(`${trigger.event} poll ${trigger.boundaries.length}: ${result.error.message}`);
			trigger.staticData = result.staticData;
			for (const item of result.items?.[0] ?? []) trigger.emitted.push(tv.emitted(item.json));
		}
	};

	// --- backlog (long before, then inside the overlap window), activation -------------------
	moveSandboxClock(-600_000);
	for (let n = 0; n < options.oldBacklog; n++) {
		moveSandboxClock(uniform(0, 2000));
		const created = tv.create(sandbox, nextMarker());
		record('create', created);
		oldIds.add(created.id);
		if (n % 2 === 0) {
			moveSandboxClock(uniform(1000, 2000));
			record('complete', tv.complete(sandbox, created.id, nextMarker()));
		}
	}
	sandboxNow = Math.floor(Date.now() / 1000) * 1000;
	sandbox.clock.freeze(sandboxNow);
	moveSandboxClock(-40_000);
	const overlapBacklogStart = log.length;
	for (let n = 0; n < 40; n++) {
		moveSandboxClock(uniform(0, 800));
		randomChange(() => true, 0.7);
	}
	moveSandboxClock(40_000 - (sandboxNow % 1000));
	setN8nClock();
	await pollAll();
	const streamStart = log.length;
	streamStartAt = streamStart;

	// --- the stream --------------------------------------------------------------------------
	let massBursts = 0;
	let clockStepsBack = 0;
	const drainSteps = 3;
	for (let step = 1; step <= options.steps + drainSteps; step++) {
		const draining = step > options.steps;
		frozen = frozenNext;
		frozenNext = new Set();
		reopenedThisStep = new Set();
		const free = (id: string) => !frozen.has(id);
		const previousSecond = Math.floor(sandboxNow / 1000);

		// How far the sandbox clock moves before this step's changes.
		const r = rng.next();
		if (draining) moveSandboxClock(2000);
		else if (r < 0.2) moveSandboxClock(0);
		else if (r < 0.4) moveSandboxClock(uniform(1, 999));
		else if (r < 0.75) moveSandboxClock(uniform(1000, 3000));
		else if (r < 0.95) moveSandboxClock(uniform(3000, 10_000));
		else pause();

		if (draining) {
			// Nothing changes any more: the last polls read what is left.
		} else if (options.massBurstSteps.includes(step)) {
			// More distinct tasks in one instant than a page holds (an import, a bulk edit), then
			// n8n pauses: the next poll is the only one whose window holds that instant, so what
			// it misses while paging through it (changes shift the pages) stays missed.
			massBursts++;
			const touched = new Set<string>();
			for (let n = 0; n < tv.pageSize + options.massExtra; n++) {
				const before = log.length;
				randomChange((id) => free(id) && !touched.has(id), 0.5);
				for (const entry of log.slice(before)) touched.add(entry.id);
			}
			burstTasks = [...touched];
			pause();
		} else {
			const count = uniform(options.changesPerStep[0], options.changesPerStep[1]);
			recompleting = true;
			for (let n = 0; n < count; n++) {
				// Mostly at the same instant (a burst), sometimes a little later.
				if (rng.next() < 0.2) moveSandboxClock(uniform(1, 400));
				randomChange(free, options.createShare);
			}
			// Now and then, tasks from long before the activation change too.
			if (oldIds.size > 0 && rng.next() < 0.3) {
				for (let n = uniform(1, 3); n > 0; n--) randomChange(free, 0, [...oldIds]);
			}
			recompleting = false;
		}
		// n8n's clock: a new skew now and then, and now and then a freshly started process.
		if (step % 10 === 1) skewTarget = uniform(-options.maxSkewMs, options.maxSkewMs);
		if (rng.next() < 0.1) {
			resetProcessState();
			restarts++;
		}
		if (options.clockStepBackSteps.includes(step)) {
			// n8n's clock steps back by minutes and stays behind until the next skew change.
			skewTarget += uniform(120_000, 600_000);
			jest.setSystemTime(sandboxNow - skewTarget);
			clockStepsBack++;
		}
		setN8nClock();
		if (Math.floor(sandboxNow / 1000) === previousSecond) sameSecondPolls++;
		pagingArmed = !draining;
		await pollAll();
	}
	jest.useRealTimers();
	sandbox.clock.unfreeze();

	// --- expected vs emitted -------------------------------------------------------------------
	const events = {} as Record<TriggerEvent, EventFigures>;
	for (const trigger of triggers) {
		const expected = expectedEvents(log, trigger.event, trigger.boundaries, { time: tv.completionTime, seedFrom: overlapBacklogStart });
		const emittedKeys = trigger.emitted.map((change) => eventKey(trigger.event, change, log));
		events[trigger.event] = compare(expected, emittedKeys);
	}
	const stream = log.slice(streamStart);
	const ofKind = (kind: Kind) => stream.filter((e) => e.kind === kind).length;
	return {
		vendor: tv.vendor.displayName,
		changes: {
			total: stream.length,
			creates: ofKind('create'),
			updates: ofKind('update'),
			completions: ofKind('complete'),
			reopenings: ofKind('reopen'),
			whilePaging: stream.filter((e) => e.pagingTrigger !== undefined).length,
		},
		polls,
		pollsPerTrigger: polls / triggers.length,
		requests: sandbox.requests.length,
		laterPageRequests,
		massBursts,
		largestInstantBurst: Math.max(...burstAt.values()),
		sameSecondPolls,
		longPauses,
		restarts,
		clockStepsBack,
		recompletions,
		oldBacklogChanges,
		skewMs: { min: Math.min(...skews), max: Math.max(...skews) },
		events,
	};
}

interface TaskState {
	version: string;
	completed: boolean;
	/** How many times the task was completed so far. */
	completion: number;
}

/**
 * The events a trigger must (and may) emit, as keys: `id` (created), `id@version` (updated),
 * `id#n` (completed: the task's n-th completion).
 */
function expectedEvents(
	log: LogEntry[],
	event: TriggerEvent,
	boundaries: number[],
	completion: { time: boolean; seedFrom: number },
): { required: string[]; optional: string[] } {
	const required: string[] = [];
	const optional: string[] = [];
	const current = new Map<string, TaskState>();
	const atBoundary = new Map<string, TaskState>();
	let changed = new Set<string>();
	let position = 0;
	const apply = (upTo: number) => {
		for (; position < upTo; position++) {
			const entry = log[position];
			const completion = (current.get(entry.id)?.completion ?? 0) + (entry.kind === 'complete' ? 1 : 0);
			current.set(entry.id, { version: entry.version, completed: entry.completed, completion });
			changed.add(entry.id);
		}
	};
	apply(boundaries[0]);
	for (const id of changed) atBoundary.set(id, current.get(id)!);
	/**
	 * Without completion times the trigger knows a task is completed once it has read it so:
	 * at activation, the tasks completed whose last change lies in its overlap window (log
	 * positions from `seedFrom`); later, each task as the trigger last read it ('unsure' when the
	 * task changed while that poll paged: it may have read either state).
	 */
	const known = new Map<string, boolean | 'unsure'>();
	if (!completion.time) {
		const lastChange = new Map<string, number>();
		log.slice(0, boundaries[0]).forEach((entry, index) => lastChange.set(entry.id, index));
		for (const [id, state] of current) known.set(id, state.completed && lastChange.get(id)! >= completion.seedFrom);
	}
	changed = new Set();
	boundaries.slice(1).forEach((boundary, index) => {
		const poll = index + 1;
		apply(boundary);
		// Changes made while this poll paged: they may hide the version the task had at its start.
		const pagedOver = new Map<string, Kind[]>();
		for (const entry of log) {
			if (entry.pagingTrigger !== event || entry.pagingPoll !== poll) continue;
			pagedOver.set(entry.id, [...(pagedOver.get(entry.id) ?? []), entry.kind]);
		}
		for (const id of changed) {
			const now = current.get(id)!;
			const before = atBoundary.get(id);
			const hidden = pagedOver.get(id);
			if (event === 'taskCreated' && !before) required.push(id);
			if (event === 'taskUpdated' && now.version !== before?.version) {
				(hidden ? optional : required).push(`${id}@${now.version}`);
			}
			if (event === 'taskCompleted' && completion.time && now.completed && !(before?.completed && before.completion === now.completion)) {
				// Once per completion: also a task reopened and completed again since the last boundary.
				(hidden?.includes('reopen') ? optional : required).push(`${id}#${now.completion}`);
			}
			if (event === 'taskCompleted' && !completion.time) {
				const knew = known.get(id) ?? false;
				if (now.completed && knew === false) {
					// First read completed: a new completion, or (documented) one from before the
					// activation that the trigger never read.
					(before?.completed || hidden?.includes('reopen') ? optional : required).push(`${id}#${now.completion}`);
				} else if (now.completed && knew === 'unsure') {
					optional.push(`${id}#${now.completion}`);
				}
				// A task completed again while the trigger knew it completed: it cannot see that.
				known.set(id, hidden ? 'unsure' : now.completed);
			}
			atBoundary.set(id, now);
		}
		changed = new Set();
	});
	return { required, optional };
}

/** The key of an emitted item, in the terms of `expectedEvents`. */
function eventKey(event: TriggerEvent, change: Change, log: LogEntry[]): string {
	if (event === 'taskCreated') return change.id;
	if (event === 'taskUpdated') return `${change.id}@${change.version}`;
	// The completion the emitted version belongs to: completions of the task up to that version.
	let completion = 0;
	for (const entry of log) {
		if (entry.id !== change.id) continue;
		if (entry.kind === 'complete') completion++;
		if (entry.version === change.version) return `${change.id}#${completion}`;
	}
	return `${change.id}#unknown-version-${change.version}`;
}

function compare(expected: { required: string[]; optional: string[] }, emitted: string[]): EventFigures {
	const allowed = new Set([...expected.required, ...expected.optional]);
	const seen = new Map<string, number>();
	for (const key of emitted) seen.set(key, (seen.get(key) ?? 0) + 1);
	const lost = expected.required.filter((key) => !seen.has(key));
	const duplicated = [...seen].filter(([, n]) => n > 1);
	const unexpected = [...seen.keys()].filter((key) => !allowed.has(key));
	return {
		expected: expected.required.length,
		optional: expected.optional.length,
		emitted: emitted.length,
		lost: lost.length,
		duplicated: duplicated.reduce((sum, [, n]) => sum + n - 1, 0),
		unexpected: unexpected.length,
		examples: [
			...lost.slice(0, 5).map((key) => `lost ${key}`),
			...duplicated.slice(0, 5).map(([key, n]) => `emitted ${n}x ${key}`),
			...unexpected.slice(0, 5).map((key) => `unexpected ${key}`),
		],
	};
}

/**
 * The suite of one vendor: a sandbox of its own (no rate limit; waits 1000 times faster),
 * one seeded run, and the figures asserted: at least 2,000 changes over at least 100 polls per
 * trigger, some of them made while a trigger paged, and per event lost = duplicated = 0.
 * `TRIGGER_REPORT=1` prints the run's figures (docs/reliability.md, «Triggers: every change emitted exactly once»).
 */
export function itEmitsEveryChangeOnce<S extends SandboxServer>(tv: TriggerVendor<S>, options: RunOptions): void {
	it(`${tv.vendor.displayName} trigger: every created / updated / completed task emitted exactly once`, async () => {
		const sandbox = tv.vendor.createSandbox({ timeScale: 1000, rateLimit: false });
		await sandbox.start();
		try {
			tv.vendor.prepare(sandbox);
			const report = await runExactlyOnce(tv, sandbox, options);
			if (process.env.TRIGGER_REPORT) process.stdout.write(`${JSON.stringify(report)}\n`);
			expect(report.changes.total).toBeGreaterThanOrEqual(2000);
			expect(report.pollsPerTrigger).toBeGreaterThanOrEqual(100);
			expect(report.changes.whilePaging).toBeGreaterThan(0);
			expect(report.skewMs.min).toBeLessThan(-1000);
			expect(report.skewMs.max).toBeGreaterThan(1000);
			expect(report.clockStepsBack).toBe(options.clockStepBackSteps.length);
			expect(report.recompletions).toBeGreaterThan(0);
			expect(report.oldBacklogChanges).toBeGreaterThan(0);
			for (const event of EVENTS) {
				const { lost, duplicated, unexpected, examples } = report.events[event];
				expect({ event, lost, duplicated, unexpected, examples }).toEqual({ event, lost: 0, duplicated: 0, unexpected: 0, examples: [] });
			}
		} finally {
			jest.useRealTimers();
			resetProcessState();
			setTimeScale(1);
			await sandbox.stop();
		}
	}, 120_000);
}
