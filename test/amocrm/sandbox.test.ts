/**
 * The amoCRM node end to end against the loopback sandbox (real HTTP, the vendor's paging,
 * validation and rate limit), including faults that leave a write's outcome unknown.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import { runNode, setupNock } from '../harness';
import { AmoCrmSandbox, seedDemo } from '../sandbox/amocrm';
import { credentialTypes, NODE_TYPE, nodeTypes } from './fixtures';

setupNock({ allowLocalhost: true });

/** Helper and sandbox share one faster clock: the limit is still 7 per (scaled) second. */
const SCALE = 20;
let sandbox: AmoCrmSandbox;
let baseUrl: string;

beforeAll(async () => {
	setTimeScale(SCALE);
	sandbox = new AmoCrmSandbox({ timeScale: SCALE });
	baseUrl = await sandbox.start();
});

afterAll(async () => {
	await sandbox.stop();
	setTimeScale(1);
});

beforeEach(() => {
	resetProcessState();
	sandbox.store.tasks.clear();
	sandbox.faults.reset();
	sandbox.resetStats();
	sandbox.clearLog();
});

async function run(parameters: INodeParameters, input: IDataObject[], continueOnFail = false) {
	const credentials = { amoCrmApi: { domain: 'custom', baseUrl, accessToken: 'test-token' } };
	return await runNode({ nodeTypes, credentialTypes, type: NODE_TYPE }, credentials, parameters, {
		input,
		continueOnFail,
		timezone: 'Europe/Moscow',
	});
}

const createParameters: INodeParameters = {
	resource: 'task',
	operation: 'create',
	text: '={{ $json.text }}',
	completeTill: '={{ $json.due }}',
	additionalFields: { responsibleUserId: '504142', taskTypeId: '2' },
};

describe('amoCRM node against the sandbox', () => {
	it('creates 120 tasks in 3 requests, reads them all back, and draws no limit answer', async () => {
		seedDemo(sandbox, { tasks: 0 });
		const input = Array.from({ length: 120 }, (_, n) => ({ text: `Call client ${n}`, due: '2026-12-01T10:00:00' }));
		const created = await run(createParameters, input);
		expect(created.error).toBeUndefined();
		expect(created.items).toHaveLength(120);
		expect(sandbox.store.tasks.size).toBe(120);
		created.items.forEach((item, n) => {
			expect(item.pairedItem).toEqual({ item: n });
			expect(item.json).toMatchObject({ text: `Call client ${n}`, responsible_user_id: 504142, task_type_id: 2 });
			// 10:00 in the workflow's zone (Moscow, +03:00) is 07:00 UTC.
			expect(item.json.complete_till).toBe(Date.UTC(2026, 11, 1, 7) / 1000);
		});
		expect(sandbox.requests.filter((r) => r.method === 'POST').map((r) => (r.body as unknown[]).length)).toEqual([
			50, 50, 20,
		]);

		const all = await run({ resource: 'task', operation: 'getAll', returnAll: true, simplify: true }, [{}]);
		expect(all.items.map((item) => item.json.text).sort()).toEqual(input.map((i) => i.text).sort());
		expect(all.items[0].json).toMatchObject({ vendor: 'amoCrm', status: 'open', dueAt: '2026-12-01T10:00:00+03:00' });
		expect(sandbox.stats.limitRejections).toBe(0);
	});

	it('reports writes whose answer was lost as unknown, never resends them, and keeps the other items', async () => {
		seedDemo(sandbox, { tasks: 0 });
		// The second array (items 50-59) is stored, then the connection drops before the answer.
		// Faults are drawn before middleware runs: the first POST arms one for the next.
		let posts = 0;
		sandbox.use((req) => {
			if (req.method === 'POST' && ++posts === 1) {
				sandbox.faults.enqueue({ drop: true, afterHandler: true, match: { method: 'POST' } });
			}
			return undefined;
		});
		const input = Array.from({ length: 60 }, (_, n) => ({ text: `Task ${n}`, due: '2026-12-01T10:00:00' }));
		const result = await run(createParameters, input, true);

		expect(result.items).toHaveLength(60);
		expect(result.items.slice(0, 50).every((item) => typeof item.json.id === 'number')).toBe(true);
		for (const item of result.items.slice(50)) {
			expect(String(item.json.error)).toContain('the outcome of this write is unknown');
		}
		expect(sandbox.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
		// Every task exists exactly once: nothing was resent.
		const texts = [...sandbox.store.tasks.values()].map((t) => t.text).sort();
		expect(texts).toEqual(input.map((i) => i.text).sort());
	});

	it('completes and reopens a task, and Get shows each state', async () => {
		const task = sandbox.addTask({ text: 'Meet the client' });
		const done = await run(
			{ resource: 'task', operation: 'complete', taskId: { __rl: true, mode: 'id', value: String(task.id) }, resultText: 'Met' },
			[{}],
		);
		expect(done.items[0].json).toMatchObject({ id: task.id, is_completed: true, result: { text: 'Met' } });
		const reopened = await run(
			{ resource: 'task', operation: 'reopen', taskId: { __rl: true, mode: 'id', value: String(task.id) }, simplify: true },
			[{}],
		);
		expect(reopened.items[0].json).toMatchObject({ id: String(task.id), status: 'open' });
		expect(sandbox.store.tasks.get(task.id)?.is_completed).toBe(false);
	});
});
