/**
 * Mass writes in which some elements fail, through n8n's engine against the loopback sandbox in
 * each reading of what the docs leave open: the status of such an answer (400, as the client
 * wmakeev/moysklad met it, or 200) and whether the batch is atomic. Elements without `errors`
 * were saved: they output their task, only the failing items get an error, and nothing that was
 * saved is sent again (not by the node, not by n8n's Retry On Fail).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode, runWorkflow } from '../harness';
import type { RunWorkflowResult } from '../harness';
import { MoySkladSandbox, seedDemo, type SeedDemoResult } from '../sandbox/moysklad';
import { NODE_TYPE, credentialTypes, nodeTypes, useMsEnvironment } from './fixtures';

useMsEnvironment({ allowLocalhost: true });

const sandbox = new MoySkladSandbox({ rateLimit: false });
let demo: SeedDemoResult;
/** A valid id nothing in the sandbox has. */
const GHOST = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
	await sandbox.start();
	demo = seedDemo(sandbox);
});
afterAll(async () => await sandbox.stop());
afterEach(() => {
	sandbox.bulkErrorStatus = 400;
	sandbox.bulkRejection = 'perElement';
	sandbox.clearLog();
});

function credentials() {
	return { moySkladApi: { authType: 'token', accessToken: 'test-token', requestCost: 4, baseUrl: sandbox.api } };
}

async function run(parameters: INodeParameters, input: IDataObject[], continueOnFail: boolean): Promise<RunWorkflowResult> {
	return await runNode({ nodeTypes, credentialTypes, type: NODE_TYPE }, credentials(), parameters, { input, continueOnFail });
}

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const CREATE = { resource: 'task', operation: 'create', description: '={{ $json.text }}', assignee: '={{ $json.who }}' };
const tasksNamed = (text: string) => [...sandbox.store.tasks.values()].filter((task) => task.description === text);
const posts = (suffix: string) => sandbox.requests.filter((r) => r.method === 'POST' && r.path.endsWith(suffix));

describe.each([
	['400 (what the live API answered wmakeev/moysklad)', 400],
	['200 (the other reading)', 200],
] as const)('a mass answer with failing elements, status %s', (_, status) => {
	beforeEach(() => {
		sandbox.bulkErrorStatus = status;
	});

	it('create with Continue On Fail: saved items give their task, the failing one its own error', async () => {
		const tag = `create-cof-${status}`;
		const result = await run(
			CREATE,
			[
				{ text: `${tag} one`, who: demo.employees[1].id },
				{ text: `${tag} two`, who: GHOST },
				{ text: `${tag} three`, who: demo.employees[2].id },
			],
			true,
		);

		expect(posts('/entity/task')).toHaveLength(1);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[0].json).toMatchObject({ id: tasksNamed(`${tag} one`)[0].id, description: `${tag} one` });
		expect(result.items[1].json).toEqual({
			error: `MoySklad rejected this task: Объект с типом 'employee' и UUID '${GHOST}' не найден (code 1021, parameter assignee)`,
			description: expect.stringContaining('the other elements were processed on their own'),
		});
		expect(result.items[2].json).toMatchObject({ id: tasksNamed(`${tag} three`)[0].id });
		// Saved once each; the failing one not at all.
		expect([`${tag} one`, `${tag} two`, `${tag} three`].map((text) => tasksNamed(text).length)).toEqual([1, 0, 1]);
	});

	it('create without Continue On Fail: fails on the rejected item, naming the saved items and their ids; sends nothing more', async () => {
		const tag = `create-stop-${status}`;
		const result = await run(
			CREATE,
			[
				{ text: `${tag} one`, who: demo.employees[1].id },
				{ text: `${tag} two`, who: GHOST },
				{ text: `${tag} three`, who: demo.employees[2].id },
			],
			false,
		);

		expect(posts('/entity/task')).toHaveLength(1);
		const [one] = tasksNamed(`${tag} one`);
		const [three] = tasksNamed(`${tag} three`);
		expect(result.error).toMatchObject({
			message: `MoySklad rejected this task: Объект с типом 'employee' и UUID '${GHOST}' не найден (code 1021, parameter assignee)`,
			context: { itemIndex: 1 },
		});
		expect(result.error!.description).toContain(`Saved in MoySklad before the run stopped (do not send these items again): item 0 (task ${one.id}), item 2 (task ${three.id})`);
	});

	it('update, complete and reopen: only the item of an unknown task fails', async () => {
		const [a, b] = [sandbox.addTask({ description: `upd-${status} a` }), sandbox.addTask({ description: `upd-${status} b` })];
		const input = [{ id: a.id }, { id: GHOST }, { id: b.id }];

		const updated = await run(
			{ resource: 'task', operation: 'update', taskId: byId('={{ $json.id }}'), updateFields: { description: '={{ "renamed " + $json.id }}' } },
			input,
			true,
		);
		expect(updated.items.map((item) => item.json.error ?? item.json.description)).toEqual([
			`renamed ${a.id}`,
			`MoySklad rejected this task: Объект с типом 'task' и UUID '${GHOST}' не найден (code 1021)`,
			`renamed ${b.id}`,
		]);

		const completed = await run({ resource: 'task', operation: 'complete', taskId: byId('={{ $json.id }}') }, input, true);
		expect(completed.items.map((item) => item.json.error ?? item.json.done)).toEqual([
			true,
			expect.stringContaining('(code 1021)'),
			true,
		]);
		expect([a.id, b.id].map((id) => sandbox.store.tasks.get(id)!.done)).toEqual([true, true]);

		const reopened = await run({ resource: 'task', operation: 'reopen', taskId: byId('={{ $json.id }}') }, input, false);
		expect(reopened.error).toMatchObject({ message: expect.stringContaining('(code 1021)'), context: { itemIndex: 1 } });
		expect(reopened.error!.description).toContain(`item 0 (task ${a.id}), item 2 (task ${b.id})`);
		expect([a.id, b.id].map((id) => sandbox.store.tasks.get(id)!.done)).toEqual([false, false]);
	});

	it('mass delete: deleted items give { deleted: true }, the unknown one its error', async () => {
		const [a, b] = [sandbox.addTask({ description: 'del a' }), sandbox.addTask({ description: 'del b' })];

		const result = await run({ resource: 'task', operation: 'delete', taskId: byId('={{ $json.id }}') }, [{ id: a.id }, { id: GHOST }, { id: b.id }], true);

		expect(posts('/entity/task/delete')).toHaveLength(1);
		expect(result.items.map((item) => item.json)).toEqual([
			{ deleted: true },
			{ error: `MoySklad rejected this task: Объект с типом 'task' и UUID '${GHOST}' не найден (code 1021)`, description: expect.any(String) },
			{ deleted: true },
		]);
		expect(sandbox.store.tasks.has(a.id) || sandbox.store.tasks.has(b.id)).toBe(false);
	});

	it('mass delete without Continue On Fail names the tasks already deleted', async () => {
		const [a, b] = [sandbox.addTask({ description: 'del c' }), sandbox.addTask({ description: 'del d' })];

		const result = await run({ resource: 'task', operation: 'delete', taskId: byId('={{ $json.id }}') }, [{ id: a.id }, { id: GHOST }, { id: b.id }], false);

		expect(result.error).toMatchObject({ context: { itemIndex: 1 } });
		expect(result.error!.description).toContain(`Deleted in MoySklad before the run stopped (do not send these items again): item 0 (task ${a.id}), item 2 (task ${b.id})`);
	});

	it('task types: several items go out as one mass write; an unknown type fails its own item only', async () => {
		const known = sandbox.addState({ name: `Known ${status}`, color: 1 });

		const result = await run(
			{ resource: 'taskType', operation: 'update', taskTypeId: '={{ $json.id }}', updateFields: { color: '={{ $json.color }}' } },
			[{ id: known.id, color: '#0000FF' }, { id: GHOST, color: '#00FF00' }],
			true,
		);

		expect(posts('/entity/task/metadata/states')).toHaveLength(1);
		expect(result.items.map((item) => item.json.error ?? item.json.colorHex)).toEqual([
			'#0000FF',
			`MoySklad rejected this task type: Объект с типом 'state' и UUID '${GHOST}' не найден (code 1021, parameter meta)`,
		]);
		expect(sandbox.store.states.get(known.id)!.color).toBe(255);
	});
});

describe('the other reading of atomicity: one failing element saves nothing (bulkRejection whole)', () => {
	beforeEach(() => {
		sandbox.bulkRejection = 'whole';
	});

	it('every item of the request gets the vendor\'s error and no task is reported as saved', async () => {
		const result = await run(CREATE, [{ text: 'whole one', who: demo.employees[1].id }, { text: 'whole two', who: GHOST }], true);

		expect(tasksNamed('whole one')).toHaveLength(0);
		expect(result.items.map((item) => item.json.error)).toEqual([
			`MoySklad: Объект с типом 'employee' и UUID '${GHOST}' не найден (code 1021, parameter assignee)`,
			`MoySklad: Объект с типом 'employee' и UUID '${GHOST}' не найден (code 1021, parameter assignee)`,
		]);
	});
});

describe('n8n\'s Retry On Fail after a partly saved mass create', () => {
	it('runs the node again without sending what the first try saved', async () => {
		const input = [
			{ text: 'retry one', who: demo.employees[1].id },
			{ text: 'retry two', who: GHOST },
			{ text: 'retry three', who: demo.employees[2].id },
		];
		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: credentials(),
			node: { type: NODE_TYPE, parameters: CREATE, settings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 10 } },
			input,
		});

		// Three tries, as n8n makes them; the second and third send only the element that failed.
		const sent = posts('/entity/task').map((request) => (request.body as IDataObject[]).map((element) => element.description));
		expect(sent).toEqual([['retry one', 'retry two', 'retry three'], ['retry two'], ['retry two']]);
		expect(['retry one', 'retry three'].map((text) => tasksNamed(text).length)).toEqual([1, 1]);
		expect(result.error).toMatchObject({ context: { itemIndex: 1 } });
	});
});
