/**
 * n8n 2.41.1 in queue mode, as README tells users to run it: PostgreSQL, Redis, one main
 * instance and two `n8n worker` processes (EXECUTIONS_MODE=queue, DB_TYPE=postgresdb,
 * OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true), the package installed with `npm install --omit=peer`
 * in each of the three n8n folders, the vendor sandboxes with their real limits (time scale 1).
 * The same stack as `npm start -- --queue` (scripts/start/lib/stack.ts), on free ports.
 *
 * 1. every example workflow runs on a worker, with the output the single-process end-to-end
 *    suite checks (the same checks, scripts/start/vendors/*.ts);
 * 2. per vendor, 20 executions of a bulk Create of 100 tasks at once, spread over both workers,
 *    against one sandbox account: every task stored once, limit answers within what the vendor
 *    puts up with; then the same 20 executions in one n8n process, for the time beside it;
 * 3. the four polling triggers active on main, a few hundred changes over several polls: each
 *    fires exactly once, in an execution run by a worker;
 * 4. a worker killed (SIGKILL) in the middle of a bulk write: n8n does not run it again, nothing
 *    is stored twice; what n8n reports about the lost execution is recorded.
 *
 * n8n 2.41's execution record (REST API and database) has no field naming the worker, and here
 * (n8n takes the machine for a Docker container) all workers share one host id: which worker ran an execution is read from n8n's event
 * log in each worker's folder (`n8n.queue.job.dequeued`); main's says it only enqueued it.
 * Figures go to test-output/queue/results.json (docs/scaling.md quotes them).
 */
import { expect } from '@jest/globals';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { rateFloorMs, VENDORS as BENCH } from '../../bench/vendors';
import { nodeOutput, type Execution, type WorkflowData } from '../../scripts/start/lib/client';
import { loadExamples, triggerNodeName } from '../../scripts/start/lib/examples';
import { repoRoot } from '../../scripts/start/lib/paths';
import { freePort } from '../../scripts/start/lib/ports';
import { executionsInEventLog } from '../../scripts/start/lib/queue';
import { DEFAULT_SETTINGS } from '../../scripts/start/lib/settings';
import { startStack, type RunningVendor, type Stack } from '../../scripts/start/lib/stack';
import { VENDORS } from '../../scripts/start/vendors';
import type { RequestLogEntry, SandboxServer } from '../sandbox/framework';
import { expectSucceeded, sleep, waitFor } from '../e2e/support';
import { amoCrm, bitrix24, moySklad, pyrusAdapter, type AnyAdapter } from '../reliability/vendors';

const root = repoRoot();
const outDir = join(root, 'test-output', 'queue');
const resultsFile = join(outDir, 'results.json');
const examples = loadExamples(join(root, 'examples'));
const ADAPTERS: Record<string, AnyAdapter> = { amocrm: amoCrm, moysklad: moySklad, pyrus: pyrusAdapter, bitrix24 };

const WORKERS = 2;
/** Executions each worker runs at once (`n8n worker --concurrency`): 20 jobs fill both. */
const CONCURRENCY = 10;
const EXECUTIONS = 20;
const TASKS_PER_EXECUTION = 100;
/** n8n polls at most once a minute; the first scheduled poll takes the starting point. */
const POLL_WAIT_MS = 100_000;

const results: Record<string, unknown> = {};
function record(key: string, value: unknown): void {
	results[key] = value;
	writeFileSync(resultsFile, `${JSON.stringify({ date: new Date().toISOString(), ...results }, null, 2)}\n`);
}

let stack: Stack;

beforeAll(async () => {
	rmSync(outDir, { recursive: true, force: true });
	mkdirSync(outDir, { recursive: true });
	const workers = [];
	for (let i = 0; i < WORKERS; i++) workers.push({ healthPort: await freePort(), brokerPort: await freePort(), concurrency: CONCURRENCY });
	stack = await startStack({
		settings: { ...DEFAULT_SETTINGS, port: await freePort(), accounts: {} },
		userFolder: join(outDir, 'n8n'),
		brokerPort: await freePort(),
		logFile: join(outDir, 'n8n.log'),
		queue: { dir: join(outDir, 'queue'), workers, removeData: true },
	});
}, 30 * 60_000);

afterAll(async () => {
	await stack?.stop();
}, 120_000);

function running(id: string): Required<RunningVendor> {
	const found = stack.vendors.find((v) => v.entry.id === id);
	if (!found?.sandbox) throw new Error(`vendor ${id} does not run with its sandbox`);
	return found as Required<RunningVendor>;
}

/** The workers (1-based) whose event log says they took the execution from the queue. */
function workersOf(executionId: string): number[] {
	return stack
		.queue!.workers.map((w, i) => (executionsInEventLog(w.userFolder, 'n8n.queue.job.dequeued').has(executionId) ? i + 1 : 0))
		.filter((w) => w > 0);
}

/** Whether the main instance put the execution on the queue, and ran none of its nodes itself. */
function enqueuedByMainOnly(executionId: string): boolean {
	const main = join(outDir, 'n8n');
	return executionsInEventLog(main, 'n8n.queue.job.enqueued').has(executionId) && !executionsInEventLog(main, 'n8n.node.started').has(executionId);
}

/** Names of the events about the execution in the event log of the n8n process in `userFolder`, in order. */
function eventsOf(userFolder: string, executionId: string): string[] {
	const dir = join(userFolder, '.n8n');
	return readdirSync(dir)
		.filter((f) => /^n8nEventLog.*\.log$/.test(f))
		.flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
		.filter((line) => line.includes(`"executionId":"${executionId}"`))
		.map((line) => /"eventName":"([^"]+)"/.exec(line)?.[1] ?? '?');
}

interface ExecutionTimes {
	startedAt?: string;
	stoppedAt?: string;
}

test('the stack runs in queue mode: two workers, the package in all three n8n folders', () => {
	expect(stack.queue?.workers).toHaveLength(WORKERS);
	for (const folder of [join(outDir, 'n8n'), ...stack.queue!.workers.map((w) => w.userFolder)]) {
		const manifest = JSON.parse(readFileSync(join(folder, '.n8n', 'nodes', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
		expect(Object.keys(manifest.dependencies)).toEqual(['n8n-nodes-crm-tasks']);
	}
	expect(stack.queue!.backend.env).toMatchObject({ EXECUTIONS_MODE: 'queue', DB_TYPE: 'postgresdb', OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true' });
});

describe('1. example workflows run on a worker', () => {
	const checks = new Map(VENDORS.flatMap((v) => Object.entries(v.examples).map(([file, check]) => [file, { id: v.id, check }])));
	const ranOn = new Map<string, number[]>();

	test('every example is imported', () => {
		expect(stack.skippedExamples.map((e) => e.file)).toEqual([]);
		expect(stack.examples.map((e) => e.file).sort()).toEqual(examples.map((e) => e.file).sort());
	});

	test.each(examples.map((e) => e.file))('%s runs on a worker with the single-process output', async (file) => {
		const example = stack.examples.find((e) => e.file === file);
		const entry = checks.get(file);
		if (!example || !entry) throw new Error(`${file} is not imported or has no check`);
		const executionId = await stack.client.runFrom(example.id, triggerNodeName(example.workflow));
		const execution = await stack.client.waitForExecution(executionId, 120_000);
		expectSucceeded(execution);
		entry.check(expect, execution, running(entry.id).sandbox.sandbox);
		expect(workersOf(executionId)).toHaveLength(1);
		expect(enqueuedByMainOnly(executionId)).toBe(true);
		ranOn.set(file, workersOf(executionId));
	});

	afterAll(() => record('examples', Object.fromEntries(ranOn)));
});

/** The workflow of check 2: Manual Trigger → 100 items (texts unique per execution) → the vendor's bulk Create. */
function bulkWorkflow(id: string, prefix: string): WorkflowData {
	const { credential, sandbox } = running(id);
	const adapter = ADAPTERS[id];
	return {
		name: `Queue: ${id} bulk create`,
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				name: 'Items',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
				parameters: {
					jsCode: `return Array.from({ length: ${TASKS_PER_EXECUTION} }, (_, i) => ({ json: { text: '${prefix}' + $execution.id + '-' + i } }));`,
				},
			},
			{
				name: 'Create',
				type: adapter.nodeType,
				typeVersion: 1,
				position: [400, 0],
				parameters: adapter.createParameters(sandbox.sandbox),
				credentials: { [credential.type]: { id: credential.id, name: credential.name } },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: 'Create', type: 'main', index: 0 }]] },
		},
	};
}

/** The most answers with `status` in any window of `windowMs` among the logged requests. */
function peakAnswers(requests: readonly RequestLogEntry[], status: number, windowMs: number): number {
	const times = requests.filter((r) => r.status === status).map((r) => r.at);
	let peak = 0;
	for (let start = 0, end = 0; end < times.length; end++) {
		while (times[end] - times[start] >= windowMs) start++;
		peak = Math.max(peak, end - start + 1);
	}
	return peak;
}

interface BulkRun {
	vendor: string;
	mode: 'queue' | 'single';
	executions: number;
	items: number;
	workers: Record<string, number>;
	requests: number;
	limitAnswers: number;
	peakLimitAnswers: number;
	toleranceAnswers: number;
	toleranceWindowMs: number;
	blocked: boolean;
	timeMs: number;
	floorMs: number;
	floorRequests: number;
	storedOnce: boolean;
	failedExecutions: number;
}

/** Starts `EXECUTIONS` runs of the vendor's bulk workflow at once and waits for all of them. */
async function bulkRun(id: string, mode: 'queue' | 'single'): Promise<{ run: BulkRun; executions: Execution[]; ids: string[]; prefix: string }> {
	const adapter = ADAPTERS[id];
	const sandbox = running(id).sandbox.sandbox as SandboxServer;
	const prefix = `q-${mode}-${id}-`;
	const workflow = await stack.client.createWorkflow(bulkWorkflow(id, prefix));
	const firstRequest = sandbox.requests.length;
	const ids = await Promise.all(Array.from({ length: EXECUTIONS }, () => stack.client.runFrom(workflow.id, 'Start')));
	const finished = await waitFor(
		'the bulk executions to end',
		10 * 60_000,
		async () => {
			const all = await Promise.all(ids.map((e) => stack.client.execution(e)));
			return all.every((e) => !['new', 'running', 'waiting'].includes(e.status)) ? all : undefined;
		},
		2000,
	);
	const times = finished.map((e) => e as Execution & ExecutionTimes);
	const started = Math.min(...times.map((e) => Date.parse(e.startedAt!)));
	const stopped = Math.max(...times.map((e) => Date.parse(e.stoppedAt!)));
	const requests = sandbox.requests.slice(firstRequest);
	const stored = adapter.storedTasks(sandbox).filter((t) => t.text.startsWith(prefix));
	const texts = new Set(stored.map((t) => t.text));
	const expected = ids.flatMap((e) => Array.from({ length: TASKS_PER_EXECUTION }, (_, i) => `${prefix}${e}-${i}`));
	const bench = BENCH[id as keyof typeof BENCH];
	const floorRequests = EXECUTIONS * bench.createFloor(TASKS_PER_EXECUTION).requests;
	const workers: Record<string, number> = {};
	for (const e of ids) for (const w of workersOf(e)) workers[`worker ${w}`] = (workers[`worker ${w}`] ?? 0) + 1;
	const run: BulkRun = {
		vendor: id,
		mode,
		executions: EXECUTIONS,
		items: EXECUTIONS * TASKS_PER_EXECUTION,
		workers,
		requests: requests.length,
		limitAnswers: requests.filter((r) => r.status === adapter.limitStatus).length,
		peakLimitAnswers: peakAnswers(requests, adapter.limitStatus, adapter.limitTolerance.windowMs),
		toleranceAnswers: adapter.limitTolerance.answers,
		toleranceWindowMs: adapter.limitTolerance.windowMs,
		blocked: adapter.blocked(sandbox),
		timeMs: stopped - started,
		floorMs: rateFloorMs(bench.rate, floorRequests),
		floorRequests,
		storedOnce: stored.length === expected.length && texts.size === expected.length && expected.every((t) => texts.has(t)),
		failedExecutions: finished.filter((e) => e.status !== 'success').length,
	};
	return { run, executions: finished, ids, prefix };
}

describe('2. 20 bulk creates of 100 tasks at once per vendor, one sandbox account', () => {
	const runs: BulkRun[] = [];

	describe.each(VENDORS.map((v) => v.id))('%s', (id) => {
		let queued: Awaited<ReturnType<typeof bulkRun>>;

		beforeAll(async () => {
			queued = await bulkRun(id, 'queue');
			runs.push(queued.run);
			record('bulk', runs);
		}, 12 * 60_000);

		test('every execution succeeds, on a worker, spread over both workers', () => {
			for (const execution of queued.executions) expectSucceeded(execution);
			for (const e of queued.ids) expect(workersOf(e)).toHaveLength(1);
			expect(Object.keys(queued.run.workers).sort()).toEqual(['worker 1', 'worker 2']);
		});

		test('every task is stored exactly once and each item comes back with its own task', () => {
			expect(queued.run.storedOnce).toBe(true);
			for (const execution of queued.executions) {
				const out = nodeOutput(execution, 'Create');
				expect(out).toHaveLength(TASKS_PER_EXECUTION);
				expect(new Set(out.map((json) => ADAPTERS[id].outputId(json as never))).size).toBe(TASKS_PER_EXECUTION);
			}
		});

		test("limit answers stay within the vendor's tolerance; the account is not blocked", () => {
			expect(queued.run.blocked).toBe(false);
			expect(queued.run.peakLimitAnswers).toBeLessThanOrEqual(queued.run.toleranceAnswers);
		});
	});

	describe('the same 20 executions in one n8n process (one worker, concurrency 20)', () => {
		beforeAll(async () => {
			const queue = stack.queue!;
			await queue.stopWorker(1);
			await queue.restartWorker(0, { concurrency: EXECUTIONS });
			try {
				for (const v of VENDORS) {
					const single = await bulkRun(v.id, 'single');
					runs.push(single.run);
					record('bulk', runs);
				}
			} finally {
				await queue.restartWorker(0, { concurrency: CONCURRENCY });
				await queue.restartWorker(1, { concurrency: CONCURRENCY });
			}
		}, 20 * 60_000);

		test.each(VENDORS.map((v) => v.id))('%s: every task stored once, every execution on the one worker', (id) => {
			const single = runs.find((r) => r.vendor === id && r.mode === 'single');
			expect(single).toBeDefined();
			expect(single!.failedExecutions).toBe(0);
			expect(single!.storedOnce).toBe(true);
			expect(single!.workers).toEqual({ 'worker 1': EXECUTIONS });
			expect(single!.blocked).toBe(false);
		});
	});
});

describe('3. the four triggers active on main, a few hundred changes over several polls', () => {
	const ROUNDS = 3;
	const PER_ROUND = 25;
	interface Outcome {
		changed: string[];
		fired: string[];
		executions: Execution[];
		ranOn: number[][];
	}
	const outcomes = new Map<string, Promise<Outcome>>();

	/** Whether the example's trigger reports completions (changes = completing open tasks) or new tasks. */
	function completes(id: string): boolean {
		const { entry } = running(id);
		const example = stack.examples.find((e) => e.file === entry.trigger.example)!;
		const trigger = example.workflow.nodes.find((n) => n.name === triggerNodeName(example.workflow))!;
		return trigger.parameters.event === 'taskCompleted';
	}

	async function scenario(id: string): Promise<Outcome> {
		const { entry, sandbox } = running(id);
		const example = stack.examples.find((e) => e.file === entry.trigger.example)!;
		const triggerName = triggerNodeName(example.workflow);
		const server = sandbox.sandbox;
		const completing = completes(id);
		// Tasks to complete later are made before activation: their creation is not an event here.
		const open = completing
			? Array.from({ length: ROUNDS * PER_ROUND }, (_, i) => entry.commands.create(server, `Queue trigger task ${i + 1}`).id)
			: [];
		const before = new Set(await stack.client.executionIds(example.id));
		await stack.client.activate(example.id);
		const changed: string[] = [];
		try {
			const afterActivation = server.requests.length;
			await waitFor('the first scheduled poll', POLL_WAIT_MS, () => (server.requests.length > afterActivation ? true : undefined));
			for (let round = 0; round < ROUNDS; round++) {
				await sleep(3000);
				for (let i = 0; i < PER_ROUND; i++) {
					if (completing) changed.push(entry.commands.complete(server, open[round * PER_ROUND + i], `Done in round ${round + 1}`).id);
					else changed.push(entry.commands.create(server, `Queue round ${round + 1} change ${i + 1}`).id);
				}
				// The next poll reports them: wait for the execution it starts.
				const seen = (await stack.client.executionIds(example.id)).filter((e) => !before.has(e)).length;
				await waitFor(`${entry.title}: the poll after round ${round + 1}`, POLL_WAIT_MS, async () => {
					const now = (await stack.client.executionIds(example.id)).filter((e) => !before.has(e)).length;
					return now > seen ? true : undefined;
				});
			}
			// One more poll with nothing new: it must fire nothing.
			const requests = server.requests.length;
			await waitFor('one more poll', POLL_WAIT_MS, () => (server.requests.length > requests ? true : undefined));
			await sleep(5000);
		} finally {
			await stack.client.deactivate(example.id);
		}
		const ids = (await stack.client.executionIds(example.id)).filter((e) => !before.has(e));
		const executions = await Promise.all(ids.map((e) => stack.client.waitForExecution(e, 120_000)));
		const fired = executions.flatMap((e) => nodeOutput(e, triggerName).map((json) => String(json.id)));
		return { changed, fired, executions, ranOn: ids.map((e) => workersOf(e)) };
	}

	beforeAll(async () => {
		for (const v of VENDORS) outcomes.set(v.id, scenario(v.id));
		await Promise.allSettled(outcomes.values());
		const summary: Record<string, unknown> = {};
		for (const [id, outcome] of outcomes) {
			const o = await outcome.catch((error: unknown) => ({ error: String(error) }));
			summary[id] = 'error' in o ? o : { changes: o.changed.length, fired: o.fired.length, executions: o.executions.length, ranOn: o.ranOn };
		}
		record('triggers', summary);
	}, (ROUNDS + 3) * POLL_WAIT_MS + 120_000);

	test.each(VENDORS.map((v) => v.id))('%s: each change fires exactly once, in executions run by a worker', async (id) => {
		const { changed, fired, executions, ranOn } = await outcomes.get(id)!;
		expect(changed).toHaveLength(ROUNDS * PER_ROUND);
		expect([...fired].sort()).toEqual([...changed].sort());
		expect(executions.length).toBeGreaterThanOrEqual(ROUNDS);
		for (const execution of executions) {
			expect(execution.mode).toBe('trigger');
			expectSucceeded(execution);
		}
		for (const workers of ranOn) expect(workers).toHaveLength(1);
		for (const execution of executions) expect(enqueuedByMainOnly(execution.id)).toBe(true);
	});
});

describe('4. a worker killed (SIGKILL) in the middle of a bulk write', () => {
	const TASKS = 2000;
	let outcome: {
		executionId: string;
		victim: number;
		storedAtKill: number;
		storedAfter: number;
		storedOnce: boolean;
		statuses: Array<{ afterMs: number; status: string }>;
		report: unknown;
		writesAfterKill: number;
		rerun?: {
			status: string;
			workers: number[];
			outputItems: number;
			alreadyCreated: number;
			storedAfter: number;
			storedOnce: boolean;
		};
	};

	beforeAll(async () => {
		const id = 'amocrm';
		const adapter = ADAPTERS[id];
		const sandbox = running(id).sandbox.sandbox as SandboxServer;
		const prefix = 'q-kill-';
		const workflow = bulkWorkflow(id, prefix);
		const code = workflow.nodes.find((n) => n.name === 'Items')!;
		// The same texts in every run of it (no execution id in them): what a re-run sends again.
		code.parameters.jsCode = String(code.parameters.jsCode)
			.replace(`length: ${TASKS_PER_EXECUTION}`, `length: ${TASKS}`)
			.replace(`$execution.id + '-' + i`, `'run-' + i`);
		const created = await stack.client.createWorkflow({ ...workflow, name: 'Queue: amocrm bulk create, worker killed' });
		const stored = () => adapter.storedTasks(sandbox).filter((t) => t.text.startsWith(prefix));
		const executionId = await stack.client.runFrom(created.id, 'Start');
		await waitFor('the first 200 tasks to be stored', 120_000, () => (stored().length >= 200 ? true : undefined), 50);
		const victim = await waitFor('the worker that took the execution', 10_000, () => workersOf(executionId)[0], 100);
		// The whole process group (the worker and its task runner), as a container runtime kills it.
		process.kill(-stack.queue!.workers[victim - 1].process.pid, 'SIGKILL');
		const killedAt = Date.now();
		// A request the worker had already sent may still be read by the sandbox (same process): settle.
		await sleep(1000);
		const storedAtKill = stored().length;
		const requestsAtKill = sandbox.requests.length;
		// What n8n says about it over the next two minutes (Bull's stalled-job check runs every 30 s).
		const statuses: Array<{ afterMs: number; status: string }> = [];
		while (Date.now() - killedAt < 120_000) {
			const { status } = await stack.client.execution(executionId);
			if (statuses.at(-1)?.status !== status) statuses.push({ afterMs: Date.now() - killedAt, status });
			await sleep(2000);
		}
		const report = await stack.client.execution(executionId);
		const writesAfterKill = sandbox.requests.slice(requestsAtKill).filter((r) => r.method !== 'GET').length;
		const after = stored();
		outcome = {
			executionId,
			victim,
			storedAtKill,
			storedAfter: after.length,
			storedOnce: new Set(after.map((t) => t.text)).size === after.length,
			statuses,
			report: {
				status: report.status,
				finished: report.finished,
				error: report.data?.resultData?.error,
				nodesWithRunData: Object.keys(report.data?.resultData?.runData ?? {}),
				mainEvents: eventsOf(join(outDir, 'n8n'), executionId),
			},
			writesAfterKill,
		};
		await stack.queue!.restartWorker(victim - 1, { concurrency: CONCURRENCY });

		// The user re-runs the workflow with "Skip Tasks Already Created" on.
		const rerunWorkflow = structuredClone(workflow);
		const create = rerunWorkflow.nodes.find((n) => n.name === 'Create')!;
		create.parameters = { ...create.parameters, skipExisting: true };
		const rerunCreated = await stack.client.createWorkflow({ ...rerunWorkflow, name: 'Queue: amocrm bulk create, re-run by the user' });
		const rerunId = await stack.client.runFrom(rerunCreated.id, 'Start');
		const rerun = await stack.client.waitForExecution(rerunId, 180_000);
		await waitFor('the worker of the re-run', 10_000, () => workersOf(rerunId)[0], 100);
		const items = (rerun.data?.resultData?.runData?.Create?.[0]?.data?.main?.[0] ?? []) as Array<{ json: { alreadyCreated?: boolean } }>;
		const afterRerun = stored();
		outcome.rerun = {
			status: rerun.status,
			workers: workersOf(rerunId),
			outputItems: items.length,
			alreadyCreated: items.filter((item) => item.json.alreadyCreated === true).length,
			storedAfter: afterRerun.length,
			storedOnce: new Set(afterRerun.map((t) => t.text)).size === afterRerun.length,
		};
		record('killedWorker', outcome);
	}, 9 * 60_000);

	test('the write was cut short: part of the tasks stored, each once', () => {
		expect(outcome.storedAtKill).toBeGreaterThanOrEqual(200);
		expect(outcome.storedAfter).toBeLessThan(TASKS);
		expect(outcome.storedOnce).toBe(true);
	});

	test('n8n does not run the lost execution again: no write reaches the account after the kill', () => {
		expect(outcome.writesAfterKill).toBe(0);
		expect(outcome.storedAfter).toBe(outcome.storedAtKill);
	});

	test('n8n does not report the lost execution as a success', () => {
		expect(outcome.statuses.at(-1)?.status).not.toBe('success');
	});

	test('the user re-runs it with "Skip Tasks Already Created": every task stored exactly once, the written ones not sent again', () => {
		const rerun = outcome.rerun!;
		expect(rerun.status).toBe('success');
		expect(rerun.workers).toHaveLength(1);
		expect(rerun.outputItems).toBe(TASKS);
		expect(rerun.alreadyCreated).toBe(outcome.storedAtKill);
		expect(rerun.storedAfter).toBe(TASKS);
		expect(rerun.storedOnce).toBe(true);
	});
});
