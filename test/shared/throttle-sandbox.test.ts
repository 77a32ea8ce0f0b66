/**
 * The throttle against a real loopback server that enforces amoCRM's limit (7 requests a
 * second per account): real HTTP through n8n's engine, sandbox and helper always on the same
 * time scale. Assertions are counts (429s drawn, requests sent, items out), never durations.
 */
import { AmoCrmApi } from '../../credentials/AmoCrmApi.credentials';
import { AmoCrm } from '../../nodes/AmoCrm/AmoCrm.node';
import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import { runWorkflow, setupNock } from '../harness';
import type { RunWorkflowResult } from '../harness';
import { AmoCrmSandbox, seedDemo } from '../sandbox/amocrm';
import { PROBE_NODE, probeCredentialTypes, probeNodeTypes, probeProfile, probeProfiles } from './fixtures';

const SCALE = 20;
const AMO_NODE = 'n8n-nodes-crm-tasks.amoCrm';

setupNock({ allowLocalhost: true });

beforeEach(() => {
	resetProcessState();
	setTimeScale(SCALE);
});

afterAll(() => {
	resetProcessState();
	setTimeScale(1);
});

function items(count: number): Array<{ n: number }> {
	return Array.from({ length: count }, (_, n) => ({ n }));
}

describe('amoCRM profile against a sandbox enforcing 7 requests a second', () => {
	const sandbox = new AmoCrmSandbox({ timeScale: SCALE });
	let baseUrl = '';

	beforeAll(async () => {
		baseUrl = await sandbox.start();
		seedDemo(sandbox, { tasks: 5 });
	});

	afterAll(async () => {
		await sandbox.stop();
	});

	beforeEach(() => {
		sandbox.clearLog();
		sandbox.resetStats();
		sandbox.unblock();
	});

	async function getManyRun(input: Array<{ n: number }>): Promise<RunWorkflowResult> {
		return await runWorkflow({
			nodeTypes: { [AMO_NODE]: new AmoCrm() },
			credentialTypes: { amoCrmApi: new AmoCrmApi() },
			credentials: { amoCrmApi: { domain: 'custom', baseUrl, accessToken: 'test-token' } },
			node: {
				type: AMO_NODE,
				parameters: { resource: 'task', operation: 'getAll', returnAll: false, limit: 1, simplify: false },
			},
			input,
		});
	}

	it('sends a burst of 50 requests (one get-many per item) without drawing a single 429', async () => {
		const result = await getManyRun(items(50));

		expect(result.error).toBeUndefined();
		expect(sandbox.stats.limitRejections).toBe(0);
		expect(sandbox.stats.total).toBe(50);
		expect(sandbox.stats.byStatus).toEqual({ 200: 50 });
		expect(result.items).toHaveLength(50);
		expect(result.items.map((item) => item.pairedItem)).toEqual(items(50).map(({ n }) => ({ item: n })));
		expect(sandbox.blocked).toBe(false);
	});

	it('4 executions at once, requests reaching the server late and out of step: 100 requests, no 429', async () => {
		// Each request waits up to 40 ms (about six times the send spacing here) before the server counts it.
		sandbox.faults.set({ latencyMs: [0, 40] });

		const results = await Promise.all([0, 1, 2, 3].map(async () => await getManyRun(items(25))));
		sandbox.faults.reset();

		for (const result of results) {
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(25);
		}
		expect(sandbox.stats.limitRejections).toBe(0);
		expect(sandbox.stats.total).toBe(100);
		expect(sandbox.blocked).toBe(false);
	});
});

describe('a sliding-window budget against a sandbox enforcing 7 requests a second', () => {
	// amoCRM's budget, plus the vendor's window kept on answer times.
	const WINDOWED = 'windowed';
	const sandbox = new AmoCrmSandbox({ timeScale: SCALE, tokens: ['probe-token'], seed: 7 });
	let baseUrl = '';

	beforeAll(async () => {
		baseUrl = await sandbox.start();
		seedDemo(sandbox, { tasks: 5 });
		probeProfiles[WINDOWED] = probeProfile({
			displayName: 'Windowed',
			rateLimit: { capacity: 1, refillPerSecond: 7, maxInFlight: 4, window: { limit: 7, windowMs: 1000 } },
		});
	});

	afterAll(async () => {
		delete probeProfiles[WINDOWED];
		await sandbox.stop();
	});

	beforeEach(() => {
		sandbox.clearLog();
		sandbox.resetStats();
		sandbox.faults.reset();
		sandbox.unblock();
	});

	async function run(offset: number, count: number): Promise<RunWorkflowResult> {
		return await runWorkflow({
			nodeTypes: probeNodeTypes,
			credentialTypes: probeCredentialTypes,
			credentials: { probeApi: { baseUrl, token: 'probe-token' } },
			node: {
				type: PROBE_NODE,
				parameters: { profile: WINDOWED, method: 'GET', path: `/api/v4/tasks/${1000001 + offset}` },
			},
			input: items(count),
		});
	}

	function expectAllAnswered(results: RunWorkflowResult[], count: number): void {
		results.forEach((result, offset) => {
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(count);
			for (const item of result.items) {
				expect(item.json.statusCode).toBe(200);
				expect((item.json.body as { id: number }).id).toBe(1000001 + offset);
			}
		});
	}

	it('shares one budget between executions on the same account: 5 parallel runs of 10 draw no 429', async () => {
		const results = await Promise.all([0, 1, 2, 3, 4].map(async (offset) => await run(offset, 10)));

		expectAllAnswered(results, 10);
		expect(sandbox.stats.limitRejections).toBe(0);
		expect(sandbox.stats.total).toBe(50);
	});

	it('draws no 429 even when requests reach the server late and out of step', async () => {
		// Each request waits up to 40 ms (five times the send spacing) before the server counts it.
		sandbox.faults.set({ latencyMs: [0, 40] });

		const results = await Promise.all([0, 1, 2, 3, 4].map(async (offset) => await run(offset, 10)));

		expectAllAnswered(results, 10);
		expect(sandbox.stats.limitRejections).toBe(0);
		expect(sandbox.stats.total).toBe(50);
	});
});

describe('a helper budget larger than the server allows', () => {
	// Three times what the sandbox takes, and no gap between sequential requests. A slower
	// scale here: the server's window (500 ms) is long enough that 8 requests land in it even
	// on a loaded machine, so the limit is certainly hit.
	const RECOVERY_SCALE = 2;
	const GREEDY = 'greedy';
	const sandbox = new AmoCrmSandbox({ timeScale: RECOVERY_SCALE, retryAfterHeader: true, tokens: ['probe-token'] });
	let baseUrl = '';

	beforeAll(async () => {
		baseUrl = await sandbox.start();
		seedDemo(sandbox, { tasks: 3 });
		probeProfiles[GREEDY] = probeProfile({
			displayName: 'Greedy',
			rateLimit: { capacity: 20, refillPerSecond: 21, maxInFlight: 10 },
		});
	});

	afterAll(async () => {
		delete probeProfiles[GREEDY];
		await sandbox.stop();
	});

	beforeEach(() => {
		setTimeScale(RECOVERY_SCALE);
		sandbox.clearLog();
		sandbox.resetStats();
		sandbox.unblock();
	});

	it('recovers from the real 429s it draws, honouring Retry-After, and loses no item', async () => {
		const count = 24;
		const result = await runWorkflow({
			nodeTypes: probeNodeTypes,
			credentialTypes: probeCredentialTypes,
			credentials: { probeApi: { baseUrl, token: 'probe-token' } },
			node: {
				type: PROBE_NODE,
				parameters: {
					profile: GREEDY,
					method: 'GET',
					path: '={{ "/api/v4/tasks/" + (1000001 + $json.n % 3) }}',
				},
			},
			input: items(count),
		});

		expect(result.error).toBeUndefined();
		// The budget was too big: the server refused some requests...
		expect(sandbox.stats.limitRejections).toBeGreaterThan(0);
		// ...and every refused request was sent again until it went through.
		expect(sandbox.stats.total).toBe(count + sandbox.stats.limitRejections);
		expect(sandbox.stats.byStatus[200]).toBe(count);
		expect(sandbox.blocked).toBe(false);
		expect(result.items).toHaveLength(count);
		result.items.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json.statusCode).toBe(200);
			expect((item.json.body as { id: number }).id).toBe(1000001 + (index % 3));
		});
	});

	it('recovers the same way when parallel executions share the account', async () => {
		const run = async (offset: number) =>
			await runWorkflow({
				nodeTypes: probeNodeTypes,
				credentialTypes: probeCredentialTypes,
				credentials: { probeApi: { baseUrl, token: 'probe-token' } },
				node: {
					type: PROBE_NODE,
					parameters: { profile: GREEDY, method: 'GET', path: `/api/v4/tasks/${1000001 + offset}` },
				},
				input: items(10),
			});

		// Two executions, each with a request in flight: a refused window costs up to two 429s,
		// below the 10 a minute that open the circuit breaker.
		const results = await Promise.all([run(0), run(1)]);

		results.forEach((result, offset) => {
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(10);
			result.items.forEach((item, index) => expect(item.pairedItem).toEqual({ item: index }));
			for (const item of result.items) expect((item.json.body as { id: number }).id).toBe(1000001 + offset);
		});
		expect(sandbox.stats.limitRejections).toBeGreaterThan(0);
		expect(sandbox.stats.total).toBe(20 + sandbox.stats.limitRejections);
		expect(sandbox.stats.byStatus[200]).toBe(20);
		expect(sandbox.blocked).toBe(false);
	});
});
