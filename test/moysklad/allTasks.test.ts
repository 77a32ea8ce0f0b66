/**
 * "All tasks" asks MoySklad for `filter=done=true;done=false`: a repeated "=" is an OR in the
 * docs' general part, unconfirmed for tasks. With the sandbox rejecting a repeated field (error
 * 1030), Get Many (status All) and the trigger still see open and completed tasks: the node meets
 * the rejection once and reads open and completed tasks apart from then on.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { pollSequence, runNode } from '../harness';
import type { RunWorkflowResult } from '../harness';
import { MoySkladSandbox, seedDemo, type MsTask } from '../sandbox/moysklad';
import { API, NODE_TYPE, TRIGGER_TYPE, credentialTypes, msError, ms, nodeTypes, record, runMs, useMsEnvironment } from './fixtures';

useMsEnvironment({ allowLocalhost: true });

const BOTH = 'done=true;done=false';

function credentials(sandbox: MoySkladSandbox): { moySkladApi: ICredentialDataDecryptedObject } {
	return { moySkladApi: { authType: 'token', accessToken: 'test-token', requestCost: 4, baseUrl: sandbox.api } };
}

function taskReads(sandbox: MoySkladSandbox): string[] {
	return sandbox.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/entity/task')).map((r) => String(r.query.filter ?? ''));
}

describe('Get Many with status All, against a server that rejects a repeated filter field', () => {
	const sandbox = new MoySkladSandbox({ rateLimit: false, repeatedFilterField: 'reject' });
	let tasks: MsTask[];

	beforeAll(async () => {
		await sandbox.start();
		tasks = seedDemo(sandbox).tasks;
	});
	afterAll(async () => await sandbox.stop());
	beforeEach(() => sandbox.clearLog());

	async function run(parameters: INodeParameters): Promise<RunWorkflowResult> {
		return await runNode({ nodeTypes, credentialTypes, type: NODE_TYPE }, credentials(sandbox), { resource: 'task', operation: 'getAll', ...parameters });
	}

	const byCreated = (a: MsTask, b: MsTask) => a.created - b.created || a.id.localeCompare(b.id);

	it('returns open and completed tasks in the requested order, after meeting the rejection once', async () => {
		const result = await run({ returnAll: true });

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.id)).toEqual([...tasks].sort(byCreated).map((task) => task.id));
		expect(result.items.some((item) => item.json.done === true)).toBe(true);
		const reads = taskReads(sandbox);
		expect(reads[0]).toBe(BOTH);
		expect(reads.slice(1).sort()).toEqual(['done=false', 'done=true']);
	});

	it('remembers the rejection: the next run reads open and completed tasks apart at once; a limit takes the first of both', async () => {
		// A run that meets the rejection (each test starts from a clean process state).
		await run({ returnAll: true });
		expect(taskReads(sandbox)[0]).toBe(BOTH);
		sandbox.clearLog();

		const result = await run({ returnAll: false, limit: 5, options: { sortBy: 'created', sortDirection: 'desc' } });

		expect(result.error).toBeUndefined();
		const newest = [...tasks].sort(byCreated).reverse().slice(0, 5);
		expect(result.items.map((item) => item.json.id)).toEqual(newest.map((task) => task.id));
		expect(newest.some((task) => task.done)).toBe(true);
		expect(taskReads(sandbox).sort()).toEqual(['done=false', 'done=true']);
	});

	it('keeps the other filters on both reads', async () => {
		const assignee = tasks[1].assignee;
		const result = await run({ returnAll: true, filters: { assignee } });

		expect(result.items.map((item) => item.json.id).sort()).toEqual(tasks.filter((task) => task.assignee === assignee).map((task) => task.id).sort());
		for (const filter of taskReads(sandbox)) expect(filter).toContain(`assignee=${sandbox.api}/entity/employee/${assignee}`);
	});
});

describe('the trigger against a server that rejects a repeated filter field', () => {
	const sandbox = new MoySkladSandbox({ rateLimit: false, repeatedFilterField: 'reject' });
	let t0: number;
	const at = (seconds: number) => sandbox.clock.freeze(t0 + seconds * 1000);

	beforeAll(async () => await sandbox.start());
	afterAll(async () => await sandbox.stop());
	beforeEach(() => {
		sandbox.store.tasks.clear();
		t0 = Math.floor(Date.now() / 1000) * 1000;
		at(0);
	});
	afterEach(() => sandbox.clock.unfreeze());

	function trigger(parameters: INodeParameters) {
		return pollSequence({ nodeTypes, credentialTypes, type: TRIGGER_TYPE }, () => credentials(sandbox), parameters);
	}

	it('"created" emits a task created and completed between two polls; "completed" fires once; a manual run shows a sample', async () => {
		const created = trigger({ event: 'taskCreated' });
		const completed = trigger({ event: 'taskCompleted' });
		await created.poll();
		await completed.poll();
		expect(taskReads(sandbox).filter((filter) => filter.startsWith(`${BOTH};`))).toHaveLength(1);

		at(3);
		const quick = sandbox.addTask({ description: 'Quick call' });
		at(4);
		sandbox.changeTask(quick.id, { done: true });
		at(5);
		const createdNow = await created.poll();
		expect(createdNow.ids).toEqual([quick.id]);
		expect(createdNow.json[0]).toMatchObject({ status: 'completed' });
		expect((await completed.poll()).ids).toEqual([quick.id]);
		expect((await created.poll()).ids).toEqual([]);
		expect((await completed.poll()).ids).toEqual([]);

		const sample = await trigger({ event: 'taskUpdated', simplify: false }).poll('manual');
		expect(sample.ids).toEqual([quick.id]);
		expect((sample.json[0] as IDataObject).done).toBe(true);
		// The combined filter was tried once, on the first poll, never again.
		expect(taskReads(sandbox).filter((filter) => filter.startsWith(`${BOTH};`))).toHaveLength(1);
	});

	it('pages both parts when one second holds more than a page of open and completed tasks', async () => {
		const { poll } = trigger({ event: 'taskCreated' });
		await poll();
		at(20);
		const created = Array.from({ length: 1100 }, (_, n) => sandbox.addTask({ description: `Busy ${n}`, done: n % 2 === 0 }));
		at(21);
		const result = await poll();
		expect(result.ids).toHaveLength(1100);
		expect(new Set(result.ids)).toEqual(new Set(created.map((task) => task.id)));
		expect((await poll()).ids).toEqual([]);
	});
});

describe('a refusal for another reason is not taken for a refused repeated field', () => {
	it('the vendor\'s own error comes through, and the next run asks for both again', async () => {
		const badDate = msError('Ошибка фильтрации: неверный формат даты параметра фильтрации', 1035, 'updated');
		const scope = ms().get(`${API}/entity/task`).query(true).times(4).reply(400, badDate);
		const log = record(scope);
		const parameters = { resource: 'task', operation: 'getAll', returnAll: true };

		const first = await runMs(parameters);
		const second = await runMs(parameters);

		log.stop();
		for (const result of [first, second]) {
			expect(result.error).toMatchObject({ message: 'MoySklad: Ошибка фильтрации: неверный формат даты параметра фильтрации (code 1035, parameter updated)' });
		}
		// Each run: the combined read, then the open tasks' read, which fails the same way.
		expect(log.requests.map((request) => request.query.filter)).toEqual([BOTH, 'done=false', BOTH, 'done=false']);
	});
});
