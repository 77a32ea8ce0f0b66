/**
 * The MoySklad budget against the loopback sandbox enforcing it: 45 units per 3 s per user
 * (4 units a request), at most 5 requests in flight, 429 with X-Lognex-Retry-After. Helper
 * and sandbox run on one shared faster time scale; assertions are counts, never durations.
 */
import { sleep } from 'n8n-workflow';

import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import { runWorkflow, setupNock } from '../harness';
import type { RunWorkflowResult } from '../harness';
import { MoySkladSandbox, seedDemo } from '../sandbox/moysklad';
import { NODE_TYPE, credentialTypes, nodeTypes } from './fixtures';

setupNock({ allowLocalhost: true });

afterAll(() => {
	resetProcessState();
	setTimeScale(1);
});

function items(count: number): Array<{ n: number }> {
	return Array.from({ length: count }, (_, n) => ({ n }));
}

async function reads(sandbox: MoySkladSandbox, count: number, continueOnFail = false): Promise<RunWorkflowResult> {
	return await runWorkflow({
		nodeTypes,
		credentialTypes,
		credentials: { moySkladApi: { authType: 'token', accessToken: 'test-token', requestCost: 4, baseUrl: sandbox.api } },
		node: { type: NODE_TYPE, parameters: { resource: 'task', operation: 'getAll', returnAll: false, limit: 1 } },
		input: items(count),
		continueOnFail,
	});
}

describe('a burst against the per-user budget', () => {
	const SCALE = 20;
	const sandbox = new MoySkladSandbox({ timeScale: SCALE, processingMs: 2 });

	beforeAll(async () => {
		await sandbox.start();
		seedDemo(sandbox, { tasks: 5 });
	});
	afterAll(async () => await sandbox.stop());
	beforeEach(() => {
		setTimeScale(SCALE);
		resetProcessState();
		sandbox.resetLimits();
		sandbox.resetStats();
		sandbox.faults.reset();
	});

	it('sends 100 reads (one get-many per item) without drawing a single 429', async () => {
		const result = await reads(sandbox, 100);

		expect(result.error).toBeUndefined();
		expect(sandbox.stats.limitRejections).toBe(0);
		expect(sandbox.stats.byStatus).toEqual({ 200: 100 });
		expect(sandbox.maxParallelSeen).toBeLessThanOrEqual(5);
		expect(result.items).toHaveLength(100);
		expect(result.items.map((item) => item.pairedItem)).toEqual(items(100).map(({ n }) => ({ item: n })));
	});
});

describe('the budget spent by other apps of the same user', () => {
	// Slower scale: requests are spaced ~55 ms apart, far more than one takes, so each answer
	// is read before the next request leaves.
	const SCALE = 5;
	const sandbox = new MoySkladSandbox({ timeScale: SCALE });

	beforeAll(async () => {
		await sandbox.start();
		seedDemo(sandbox, { tasks: 3 });
		setTimeScale(SCALE);
		resetProcessState();
	});
	afterAll(async () => await sandbox.stop());

	/**
	 * Other integrations of the same user spend `units` just before request number `at` of the
	 * run arrives (after the answers before it were read).
	 */
	function othersSpend(units: number, at: number): void {
		let arrived = 0;
		sandbox.onArrival = () => {
			arrived++;
			if (arrived === at) sandbox.spendBudget(units);
		};
	}
	afterEach(() => (sandbox.onArrival = undefined));
	beforeEach(() => {
		resetProcessState();
		sandbox.resetLimits();
		sandbox.resetStats();
		sandbox.clearLog();
	});

	it('waits for X-Lognex-Reset when an answer says X-RateLimit-Remaining: 0, drawing no 429', async () => {
		// As the first request arrives, room is left for it and one more.
		othersSpend(45 - 2 * 4, 1);

		const result = await reads(sandbox, 6);

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(6);
		expect(sandbox.stats.limitRejections).toBe(0);
		expect(sandbox.stats.total).toBe(6);
	});

	it('waits out a 429 as X-Lognex-Retry-After says: one refusal, then the reads succeed', async () => {
		// Just before the second request arrives the budget is gone: it is refused with the time
		// to the reset, which is only when the others' spending leaves the 3 s window.
		othersSpend(45, 2);

		const result = await reads(sandbox, 3);

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(3);
		// A shorter wait (the helper's own backoff starts at 200 ms here) would draw more 429s.
		expect(sandbox.stats.limitRejections).toBe(1);
		expect(sandbox.stats.total).toBe(4);
		expect(sandbox.banned).toBe(false);
	});
});

async function list(sandbox: MoySkladSandbox, paging: { returnAll: boolean; limit?: number }): Promise<RunWorkflowResult> {
	return await runWorkflow({
		nodeTypes,
		credentialTypes,
		credentials: { moySkladApi: { authType: 'token', accessToken: 'test-token', requestCost: 4, baseUrl: sandbox.api } },
		// Expanded references: pages of 100 tasks.
		node: { type: NODE_TYPE, parameters: { resource: 'task', operation: 'getAll', ...paging, options: { expand: ['assignee'] } } },
		input: items(1),
	});
}

describe('a list spends the budget as a burst', () => {
	// The helper waits in real time, as in production; the sandbox's 3 s window is scaled down
	// to 2 s. Requests spread evenly over the budget (one every ~273 ms) never put more than 8
	// (32 units) in one such window; a burst puts every page of a short list in one.
	const sandbox = new MoySkladSandbox({ timeScale: 1.5 });

	beforeAll(async () => {
		await sandbox.start();
		seedDemo(sandbox, { tasks: 1150 });
	});
	afterAll(async () => await sandbox.stop());
	beforeEach(() => {
		setTimeScale(1);
		resetProcessState();
		sandbox.resetLimits();
		sandbox.resetStats();
	});

	it('reads 10 pages within one budget window (40 of the 45 units) without a 429', async () => {
		const result = await list(sandbox, { returnAll: false, limit: 1000 });

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1000);
		expect(sandbox.stats.byStatus).toEqual({ 200: 10 });
		expect(sandbox.peakUnitsSpent).toBe(40);
	});

	it('reaches the limit (11 requests, 44 units) and waits for the window before the 12th page: no 429', async () => {
		const result = await list(sandbox, { returnAll: true });

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1150);
		expect(sandbox.stats.byStatus).toEqual({ 200: 12 });
		expect(sandbox.peakUnitsSpent).toBe(44);
	});
});

describe('after a 429 the list goes on evenly, not as a burst', () => {
	// The helper waits in real time; the sandbox's 3 s window is scaled down to 1 s. After the
	// 429 the process's share is half the budget: one request every ~545 ms (~455 ms once ten
	// answers won some back), never more than 3 in such a window. A burst of what the bucket
	// refilled during the wait for the 429 would put 5 or more in one.
	const sandbox = new MoySkladSandbox({ timeScale: 3 });

	beforeAll(async () => {
		await sandbox.start();
		seedDemo(sandbox, { tasks: 600 });
	});
	afterAll(async () => await sandbox.stop());
	afterEach(() => (sandbox.onArrival = undefined));
	beforeEach(() => {
		setTimeScale(1);
		resetProcessState();
		sandbox.resetLimits();
		sandbox.resetStats();
	});

	it('another app empties the budget as the first page arrives: one 429, then 6 pages at most 3 to a window', async () => {
		let arrived = 0;
		sandbox.onArrival = () => {
			arrived++;
			if (arrived === 1) sandbox.spendBudget(45);
		};

		const result = await list(sandbox, { returnAll: true });

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(600);
		expect(sandbox.stats.byStatus).toEqual({ 200: 6, 429: 1 });
		expect(sandbox.peakUnitsSpent).toBeLessThanOrEqual(3 * 4);
		expect(sandbox.banned).toBe(false);
	});
});

describe('sustained 429 pressure', () => {
	// One scaled minute is 600 ms; the ban comes after more than 200 answers 429 a minute.
	const SCALE = 100;
	const MINUTE_MS = 60_000 / SCALE;
	const sandbox = new MoySkladSandbox({ timeScale: SCALE });

	beforeAll(async () => {
		await sandbox.start();
		seedDemo(sandbox, { tasks: 3 });
		setTimeScale(SCALE);
		resetProcessState();
	});
	afterAll(async () => await sandbox.stop());

	it('the circuit breaker keeps 429s far below the automatic-ban rate over three minutes', async () => {
		// Every request is refused, as when other clients keep the user's budget spent.
		sandbox.faults.set({ limitRate: 1 });
		const started = Date.now();
		let runs = 0;
		let circuitErrors = 0;
		while (Date.now() - started < 3 * MINUTE_MS) {
			const result = await reads(sandbox, 20, true);
			runs++;
			circuitErrors += result.items.filter((item) => String(item.json.error).includes('too many rate-limit answers')).length;
			expect(result.items).toHaveLength(20);
			await sleep(MINUTE_MS / 20);
		}
		sandbox.faults.reset();

		const total = sandbox.stats.limitRejections;
		// Without the breaker each item would try 5 times: 100 refusals a run.
		expect(runs).toBeGreaterThan(3);
		expect(circuitErrors).toBeGreaterThan(0);
		expect(total).toBeGreaterThan(0);
		// The most 429s in any one (scaled) minute: the breaker's 10, plus at most the 5 already
		// in flight when it opened; the ban needs more than 200.
		const refusedAt = sandbox.requests.filter((r) => r.status === 429).map((r) => r.at);
		const busiestMinute = Math.max(...refusedAt.map((t) => refusedAt.filter((u) => u >= t && u < t + MINUTE_MS).length));
		expect(busiestMinute).toBeLessThanOrEqual(15);
		expect(sandbox.banned).toBe(false);
	});
});
