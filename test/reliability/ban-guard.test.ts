/**
 * MoySklad bans a user automatically after more than 200 answers 429 within a minute
 * (MoySklad API documentation, restrictions: https://dev.moysklad.ru/doc/api/remap/1.2/). Here the sandbox answers nothing but 429 for one (scaled) minute
 * while a workflow asks for 200 items: the node must send a handful of requests, far below the
 * ban rate, and fail with a message that names the rate limit; once the minute is over the
 * account works again. (Repeated executions under sustained 429s, where the circuit breaker
 * takes over, are proven in test/moysklad/throttle.test.ts "sustained 429 pressure".)
 */
import { sleep } from 'n8n-workflow';

import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import { runWorkflow, setupNock } from '../harness';
import type { MoySkladSandbox } from '../sandbox/moysklad';
import { moySklad } from './vendors';

setupNock({ allowLocalhost: true });

/** One scaled minute is 600 ms. */
const SCALE = 100;
const MINUTE_MS = 60_000 / SCALE;
const BAN_RATE = 200;

let sandbox: MoySkladSandbox;
let taskId: string;

beforeAll(async () => {
	setTimeScale(SCALE);
	resetProcessState();
	sandbox = moySklad.createSandbox({ timeScale: SCALE });
	await sandbox.start();
	[taskId] = moySklad.seedTasks(sandbox, 1);
});

afterAll(async () => {
	await sandbox.stop();
	setTimeScale(1);
});

async function readTask(count: number) {
	return await runWorkflow({
		nodeTypes: moySklad.nodeTypes,
		credentialTypes: moySklad.credentialTypes,
		credentials: moySklad.credentials(sandbox),
		node: { type: moySklad.nodeType, parameters: { resource: 'task', operation: 'get', taskId: { __rl: true, mode: 'id', value: taskId } } },
		input: Array.from({ length: count }, () => ({})),
	});
}

it('a minute of nothing but 429: a handful of requests, far below the ban rate, and an error naming the limit', async () => {
	sandbox.faults.set({ limitRate: 1 });
	const minuteStarted = Date.now();

	const refused = await readTask(200);

	expect(refused.items).toEqual([]);
	expect(refused.error).toMatchObject({ name: 'NodeApiError', httpCode: '429' });
	const text = `${refused.error?.message} ${String(refused.error?.description)}`;
	expect(text).toContain('code 1049');
	expect(text).toContain('Still refused for exceeding the rate limit after 5 attempts');
	// Every request of the run fell in the 429-only minute: 5 attempts of the first item.
	expect(sandbox.stats.total).toBe(5);
	expect(sandbox.stats.limitRejections).toBe(5);
	expect(sandbox.stats.limitRejections).toBeLessThan(BAN_RATE / 10);
	expect(sandbox.banned).toBe(false);

	// Once the minute is over, the account answers again and the same workflow succeeds.
	await sleep(Math.max(0, minuteStarted + MINUTE_MS - Date.now()));
	sandbox.faults.reset();
	const served = await readTask(20);
	expect(served.error).toBeUndefined();
	expect(served.items.map((item) => item.json.id)).toEqual(Array(20).fill(taskId));
	expect(sandbox.banned).toBe(false);
});
