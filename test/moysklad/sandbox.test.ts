/**
 * The MoySklad node end to end against the loopback sandbox (real HTTP, gzip, Basic and
 * Bearer auth, the budget on): a task's whole life, bulk partial failure, lost answers.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode } from '../harness';
import type { RunWorkflowResult } from '../harness';
import { MoySkladSandbox, seedDemo, type SeedDemoResult } from '../sandbox/moysklad';
import { NODE_TYPE, credentialTypes, nodeTypes, useMsEnvironment } from './fixtures';

useMsEnvironment({ allowLocalhost: true });

const sandbox = new MoySkladSandbox({ timeScale: 1000 });
let demo: SeedDemoResult;

beforeAll(async () => {
	await sandbox.start();
	demo = seedDemo(sandbox);
});
afterAll(async () => await sandbox.stop());
beforeEach(() => {
	sandbox.resetLimits();
	sandbox.faults.reset();
});

async function run(parameters: INodeParameters, input: IDataObject[] = [{}], continueOnFail = false): Promise<RunWorkflowResult> {
	const credentials = {
		moySkladApi: { authType: 'basic', login: 'admin@sandbox', password: 'sandbox-password', requestCost: 4, baseUrl: sandbox.api },
	};
	return await runNode({ nodeTypes, credentialTypes, type: NODE_TYPE }, credentials, parameters, {
		input,
		continueOnFail,
		timezone: 'Europe/Moscow',
	});
}

const byId = (value: string) => ({ __rl: true, mode: 'id', value });

describe('MoySklad node against the sandbox', () => {
	it('creates, reads, updates, completes, comments on and deletes a task', async () => {
		const [, ivan] = demo.employees;
		const created = await run({
			resource: 'task',
			operation: 'create',
			description: 'Call the client',
			assignee: ivan.id,
			additionalFields: {
				dueToDate: '2026-06-01T10:00:00',
				state: demo.states[1].id,
				agent: { __rl: true, mode: 'list', value: demo.counterparties[0].id },
			},
			simplify: true,
		});
		expect(created.error).toBeUndefined();
		const task = created.items[0].json;
		expect(task).toMatchObject({
			vendor: 'moySklad',
			title: 'Call the client',
			responsibleId: ivan.id,
			typeId: demo.states[1].id,
			dueAt: '2026-06-01T10:00:00+03:00',
			entity: { type: 'counterparty', id: demo.counterparties[0].id },
		});
		const id = String(task.id);
		expect(sandbox.store.tasks.get(id)?.author).toBe(sandbox.currentUserId);

		const updated = await run({ resource: 'task', operation: 'update', taskId: byId(id), updateFields: { description: 'Call the client again' } });
		expect(updated.items[0].json).toMatchObject({ id, description: 'Call the client again', done: false });

		const completed = await run({ resource: 'task', operation: 'complete', taskId: byId(id) });
		expect(completed.items[0].json).toMatchObject({ id, done: true, completed: expect.any(String) });

		const got = await run({ resource: 'task', operation: 'get', taskId: byId(id), options: { expand: ['assignee', 'state'] } });
		expect(got.items[0].json).toMatchObject({ assignee: { name: ivan.name }, state: { name: demo.states[1].name } });

		const mention = `{{employee;${ivan.id}}}, please check`;
		const note = await run({ resource: 'comment', operation: 'create', taskId: byId(id), text: mention });
		expect(note.items[0].json).toMatchObject({ text: mention });
		const notes = await run({ resource: 'comment', operation: 'getAll', taskId: byId(id), returnAll: true });
		expect(notes.items.map((item) => item.json.text)).toEqual([mention]);

		const reopened = await run({ resource: 'task', operation: 'reopen', taskId: byId(id) });
		expect(reopened.items[0].json).toMatchObject({ done: false });

		const deleted = await run({ resource: 'task', operation: 'delete', taskId: byId(id) });
		expect(deleted.items[0].json).toEqual({ deleted: true });
		expect(sandbox.store.tasks.has(id)).toBe(false);
		expect(sandbox.stats.byStatus[429]).toBeUndefined();
	});

	it('bulk create: an unknown assignee fails its own item only', async () => {
		const ghost = '00000000-0000-0000-0000-000000000000';
		const result = await run(
			{ resource: 'task', operation: 'create', description: '={{ $json.text }}', assignee: '={{ $json.who }}' },
			[
				{ text: 'first', who: demo.employees[1].id },
				{ text: 'second', who: ghost },
				{ text: 'third', who: demo.employees[2].id },
			],
			true,
		);
		const posts = sandbox.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/entity/task'));
		expect((posts[posts.length - 1].body as unknown[]).length).toBe(3);
		expect(result.items.map((item) => item.json.error ?? item.json.description)).toEqual([
			'first',
			`MoySklad rejected this task: Объект с типом 'employee' и UUID '${ghost}' не найден (code 1021, parameter assignee)`,
			'third',
		]);
	});

	it('task types: create with #RRGGBB, list, update, delete', async () => {
		const created = await run({ resource: 'taskType', operation: 'create', name: 'Звонок', color: '#A2C617' });
		expect(created.items[0].json).toMatchObject({ name: 'Звонок', color: 10667543, colorHex: '#A2C617' });
		const id = String(created.items[0].json.id);
		const updated = await run({ resource: 'taskType', operation: 'update', taskTypeId: id, updateFields: { color: 255 } });
		expect(updated.items[0].json).toMatchObject({ color: 255, colorHex: '#0000FF' });
		const listed = await run({ resource: 'taskType', operation: 'getAll' });
		expect(listed.items.map((item) => item.json.name)).toContain('Звонок');
		await run({ resource: 'taskType', operation: 'delete', taskTypeId: id });
		expect(sandbox.store.states.has(id)).toBe(false);
	});

	it('a create whose answer was lost is reported as unknown and not sent again', async () => {
		const before = sandbox.store.tasks.size;
		sandbox.faults.enqueue({ afterHandler: true, drop: true, match: { method: 'POST' } });
		const result = await run(
			{ resource: 'task', operation: 'create', description: 'Lost answer', assignee: demo.employees[1].id },
			[{}],
			true,
		);
		expect(String(result.items[0].json.error)).toContain('the outcome of this write is unknown');
		expect(sandbox.store.tasks.size).toBe(before + 1);
		expect(sandbox.requests.filter((r) => r.method === 'POST' && (r.body as IDataObject[])[0]?.description === 'Lost answer')).toHaveLength(1);
	});

	it('get many with a filter and Return All reads every page of the sandbox', async () => {
		const result = await run({ resource: 'task', operation: 'getAll', returnAll: true, filters: { assignee: demo.employees[1].id, status: 'all' } });
		const expected = [...sandbox.store.tasks.values()].filter((t) => t.assignee === demo.employees[1].id);
		expect(result.items.map((item) => item.json.id).sort()).toEqual(expected.map((t) => t.id).sort());
	});
});
