/**
 * Task delete (issue 11, Pyrus point 9) through n8n's engine against the loopback sandbox.
 *
 * - A DELETE is repeated after an unknown outcome (a server error or a lost answer after Pyrus
 *   may have deleted): a repeat that finds the task gone means the first attempt deleted it.
 *   "Gone" reads as each answer the sandbox may give a missing task (switch `missingTask`).
 *   A "gone" answer to the first attempt is an error.
 * - `task_delete_limit_exceeded` is its own quota (an error code of the official SDKs,
 *   https://github.com/simplygoodsoftware/pyrusapi-typescript, src/enums/errorCodeType.ts; the
 *   quota itself is unconfirmed): its answer is
 *   honoured (its own `Retry-After` when it names one, else no repeat), not the general
 *   `X-RateLimit-Reset` of the 5,000-request window.
 */
import type { IDataObject } from 'n8n-workflow';

import { setTimeScale } from '../../nodes/shared/transport/clock';
import type { CredentialDataMap } from '../harness';
import { SUITE_TIME_SCALE } from '../harness';
import { PyrusSandbox, seedDemo, type PyrusSandboxSwitches } from '../sandbox/pyrus';
import { byId, runPyrus, usePyrusEnvironment } from './fixtures';

usePyrusEnvironment({ allowLocalhost: true });

let sandbox: PyrusSandbox;
let credentials: CredentialDataMap;

beforeEach(async () => {
	sandbox = new PyrusSandbox({ timeScale: 1000 });
	const baseUrl = await sandbox.start();
	seedDemo(sandbox, { tasks: 0 });
	credentials = { pyrusApi: { login: 'bot@sandbox', secretKey: 'sandbox-security-key', serverUrl: `${baseUrl}/api/v4` } };
});

afterEach(async () => {
	setTimeScale(SUITE_TIME_SCALE);
	await sandbox.stop();
});

const deletes = () => sandbox.requests.filter((r) => r.method === 'DELETE').map((r) => `${r.path} ${r.status ?? 'dropped'}`);

const MISSING: Array<PyrusSandboxSwitches['missingTask']> = ['access_denied_task', 'unrecognized_task_id', 'not_found'];

describe.each(MISSING)('delete, a missing task answered as %s', (missingTask) => {
	beforeEach(() => sandbox.setSwitches({ missingTask }));

	it('a server error after the task was deleted: the repeat finds it gone, and the item says deleted, with a note', async () => {
		const task = sandbox.addTask({ text: 'Old' });
		sandbox.faults.enqueue({ status: 502, afterHandler: true, match: { method: 'DELETE' } });

		const result = await runPyrus({ resource: 'task', operation: 'delete', taskId: byId(String(task.id)) }, { credentials });

		expect(result.error).toBeUndefined();
		expect(sandbox.tasks.has(task.id)).toBe(false);
		expect(deletes()).toEqual([`/api/v4/tasks/${task.id} 502`, `/api/v4/tasks/${task.id} ${{ access_denied_task: 403, unrecognized_task_id: 400, not_found: 404 }[missingTask]}`]);
		expect(result.items).toEqual([
			{ json: { deleted: true, note: expect.stringContaining('already deleted') as unknown as string }, pairedItem: { item: 0 } },
		]);
	});

	it('a lost answer (connection dropped after the delete): the same', async () => {
		const task = sandbox.addTask({ text: 'Old' });
		sandbox.faults.enqueue({ drop: true, afterHandler: true, match: { method: 'DELETE' } });

		const result = await runPyrus({ resource: 'task', operation: 'delete', taskId: byId(String(task.id)) }, { credentials });

		expect(result.error).toBeUndefined();
		expect(deletes()).toHaveLength(2);
		expect(result.items[0].json).toMatchObject({ deleted: true, note: expect.stringContaining('already deleted') });
	});

	it('a task missing at the first attempt is an error, sent once', async () => {
		const result = await runPyrus({ resource: 'task', operation: 'delete', taskId: byId('424242') }, { credentials });

		expect(result.error).toMatchObject({ name: 'NodeApiError', message: expect.stringContaining(`(${missingTask})`) });
		expect(deletes()).toHaveLength(1);
	});
});

describe('delete: the separate quota of deletions (task_delete_limit_exceeded)', () => {
	it('without a wait of its own, a refused deletion fails its item after one request; the others go on', async () => {
		const tasks = [1, 2, 3].map(() => sandbox.addTask({ text: 'x' }));
		// A day: 86 s at this time scale, far longer than the run.
		sandbox.setSwitches({ deleteLimit: { limit: 1, windowMs: 86_400_000 } });

		const result = await runPyrus(
			{ resource: 'task', operation: 'delete', taskId: byId('={{ $json.id }}') },
			{ credentials, input: tasks.map((task) => ({ id: task.id })), continueOnFail: true },
		);

		expect(result.error).toBeUndefined();
		expect(deletes()).toEqual([`/api/v4/tasks/${tasks[0].id} 200`, `/api/v4/tasks/${tasks[1].id} 429`, `/api/v4/tasks/${tasks[2].id} 429`]);
		expect(result.items[0].json).toEqual({ deleted: true });
		for (const item of result.items.slice(1)) {
			expect(String((item.json as IDataObject).error)).toContain('task_delete_limit_exceeded');
		}
		expect(sandbox.tasks.has(tasks[1].id)).toBe(true);
	});

	it('with its own Retry-After, the refused deletion waits that long and is repeated once', async () => {
		// The quota's window must outlast the run's first two requests on a loaded machine, and its
		// Retry-After stay under the two minutes a run waits: 60 s at time scale 20 (3 s here),
		// the node's waits on the same scale.
		await sandbox.stop();
		sandbox = new PyrusSandbox({ timeScale: 20 });
		const baseUrl = await sandbox.start();
		seedDemo(sandbox, { tasks: 0 });
		credentials = { pyrusApi: { login: 'bot@sandbox', secretKey: 'sandbox-security-key', serverUrl: `${baseUrl}/api/v4` } };
		setTimeScale(20);
		const tasks = [1, 2].map(() => sandbox.addTask({ text: 'x' }));
		sandbox.setSwitches({ deleteLimit: { limit: 1, windowMs: 60_000 }, deleteLimitRetryAfter: true });

		const result = await runPyrus(
			{ resource: 'task', operation: 'delete', taskId: byId('={{ $json.id }}') },
			{ credentials, input: tasks.map((task) => ({ id: task.id })) },
		);

		expect(result.error).toBeUndefined();
		expect(deletes()).toEqual([`/api/v4/tasks/${tasks[0].id} 200`, `/api/v4/tasks/${tasks[1].id} 429`, `/api/v4/tasks/${tasks[1].id} 200`]);
		expect(result.items.map((item) => item.json)).toEqual([{ deleted: true }, { deleted: true }]);
	});
});
