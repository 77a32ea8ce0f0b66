/**
 * The amoCRM node under each reading of what amoCRM's documentation leaves open, against the
 * loopback sandbox switched to that reading (test/sandbox/amocrm.ts names the source of each):
 *
 * - `rejectedBatch`: whether a 400 with `validation-errors` for one element of an array left the
 *   other elements written (undocumented). The node never writes a task twice under either.
 * - a read after the write that fails: the item says what was written and that the read failed.
 * - `completeWithoutResult`: the tasks API («Выполнение задачи»,
 *   https://www.amocrm.ru/developers/content/crm_platform/tasks-api#tasks-complete) says a task is completed by sending
 *   `result` and `is_completed` together; whether amoCRM refuses `is_completed` alone is
 *   undocumented.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import { byId, runNode, setupNock } from '../harness';
import { AmoCrmSandbox, seedDemo } from '../sandbox/amocrm';
import { credentialTypes, NODE_TYPE, nodeTypes } from './fixtures';

setupNock({ allowLocalhost: true });

/** Helper and sandbox share one faster clock: the limit is still 7 per (scaled) second. */
const SCALE = 20;
let sandbox: AmoCrmSandbox;
let baseUrl: string;

beforeAll(() => setTimeScale(SCALE));
afterAll(() => setTimeScale(1));

beforeEach(async () => {
	resetProcessState();
	sandbox = new AmoCrmSandbox({ timeScale: SCALE });
	baseUrl = await sandbox.start();
	seedDemo(sandbox, { tasks: 0 });
});

afterEach(async () => {
	await sandbox.stop();
});

async function run(parameters: INodeParameters, input: IDataObject[] = [{}], continueOnFail = false) {
	const credentials = { amoCrmApi: { domain: 'custom', baseUrl, accessToken: 'test-token' } };
	return await runNode({ nodeTypes, credentialTypes, type: NODE_TYPE }, credentials, parameters, {
		input,
		continueOnFail,
		timezone: 'Europe/Moscow',
	});
}

const DUE = '2026-12-01T10:00:00';
/** 10:00 in Moscow (+03:00). */
const DUE_SECONDS = Date.UTC(2026, 11, 1, 7) / 1000;

const createParameters: INodeParameters = {
	resource: 'task',
	operation: 'create',
	text: '={{ $json.text }}',
	completeTill: '={{ $json.due }}',
	additionalFields: { responsibleUserId: '={{ $json.user }}', taskTypeId: '2' },
};

/** Three creates; the middle one names a user the account does not have, so amoCRM rejects it. */
const threeWithOneBad = [
	{ text: 'Call client 0', due: DUE, user: '504142' },
	{ text: 'Call client 1', due: DUE, user: '999' },
	{ text: 'Call client 2', due: DUE, user: '504142' },
];

const storedTexts = () => [...sandbox.store.tasks.values()].map((task) => task.text).sort();
const requestCount = (method: string, path = '/api/v4/tasks') =>
	sandbox.requests.filter((r) => r.method === method && r.path === path).length;
const taskIdByText = (text: string) => [...sandbox.store.tasks.values()].find((task) => task.text === text)?.id;

/** Scripted 503s for the next `count` reads of the task list. */
function failTaskReads(count: number): void {
	for (let i = 0; i < count; i++) sandbox.faults.enqueue({ status: 503, match: { method: 'GET', path: '/api/v4/tasks' } });
}

describe('a rejected create array: every valid task is stored once, under either reading', () => {
	for (const reading of ['storesNone', 'storesValid'] as const) {
		it(`${reading}: the valid items are created exactly once, the rejected one has its error`, async () => {
			sandbox.rejectedBatch = reading;

			const result = await run(createParameters, threeWithOneBad, true);

			expect(result.error).toBeUndefined();
			expect(storedTexts()).toEqual(['Call client 0', 'Call client 2']);
			// storesNone: sent again once nothing was found; storesValid: found, not sent again.
			expect(requestCount('POST')).toBe(reading === 'storesNone' ? 2 : 1);
			expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(result.items[0].json).toMatchObject({ id: taskIdByText('Call client 0'), text: 'Call client 0', complete_till: DUE_SECONDS });
			expect(result.items[2].json).toMatchObject({ id: taskIdByText('Call client 2'), text: 'Call client 2' });
			expect(result.items[1].json.error).toBe(
				'amoCRM rejected this task: responsible_user_id: The value you selected is not a valid choice.',
			);
		});

		it(`${reading}: two identical items are two tasks, never more`, async () => {
			sandbox.rejectedBatch = reading;
			const same = { text: 'Same call', due: DUE, user: '504142' };

			const result = await run(createParameters, [same, { ...same, user: '999' }, same], true);

			expect(storedTexts()).toEqual(['Same call', 'Same call']);
			const ids = [result.items[0].json.id, result.items[2].json.id];
			expect(new Set(ids).size).toBe(2);
			expect(ids.every((id) => sandbox.store.tasks.has(id as number))).toBe(true);
		});

		it(`${reading}: a look-alike task from someone else at the same moment: nothing is sent again, the items say why`, async () => {
			sandbox.rejectedBatch = reading;
			// A colleague adds a task with the same deadline while the array is processed.
			let added = false;
			sandbox.use((req) => {
				if (req.method === 'POST' && req.path === '/api/v4/tasks' && !added) {
					added = true;
					sandbox.addTask({ text: 'A colleague\'s call', complete_till: DUE_SECONDS, created_by: 504143 });
				}
				return undefined;
			});

			const result = await run(createParameters, threeWithOneBad, true);

			expect(requestCount('POST')).toBe(1);
			const expected = reading === 'storesNone' ? ['A colleague\'s call'] : ['A colleague\'s call', 'Call client 0', 'Call client 2'];
			expect(storedTexts()).toEqual(expected);
			for (const index of [0, 2]) {
				expect(String(result.items[index].json.error)).toContain('could not establish whether amoCRM stored this task');
				expect(String(result.items[index].json.error)).toContain('not sent again');
			}
		});

		it(`${reading}: the look-up itself fails: nothing is sent again, the items say so`, async () => {
			sandbox.rejectedBatch = reading;
			failTaskReads(5);

			const result = await run(createParameters, threeWithOneBad, true);

			expect(requestCount('POST')).toBe(1);
			expect(storedTexts()).toEqual(reading === 'storesNone' ? [] : ['Call client 0', 'Call client 2']);
			for (const index of [0, 2]) {
				expect(String(result.items[index].json.error)).toContain('could not establish whether amoCRM stored this task');
			}
		});
	}

	it('storesValid with amoCRM\'s clock an hour behind n8n\'s: the look-up uses amoCRM\'s clock', async () => {
		sandbox.rejectedBatch = 'storesValid';
		sandbox.clock.skewMs = -3_600_000;

		const result = await run(createParameters, threeWithOneBad, true);

		expect(storedTexts()).toEqual(['Call client 0', 'Call client 2']);
		expect(result.items[0].json.id).toBe(taskIdByText('Call client 0'));
	});

	it('without Continue On Fail the node stops at the rejected item and says the others may be stored', async () => {
		sandbox.rejectedBatch = 'storesValid';

		const result = await run(createParameters, threeWithOneBad);

		expect(requestCount('POST')).toBe(1);
		expect(result.error?.message).toBe(
			'amoCRM rejected this task: responsible_user_id: The value you selected is not a valid choice.',
		);
		expect(result.error?.description).toContain('amoCRM does not document whether it stored the other tasks');
	});
});

describe('a rejected update array: every valid change is applied, under either reading', () => {
	for (const reading of ['storesNone', 'storesValid'] as const) {
		it(`${reading}: the valid changes are in place, sent again only when they were not`, async () => {
			sandbox.rejectedBatch = reading;
			const tasks = [0, 1, 2].map((n) => sandbox.addTask({ text: `Before ${n}` }));

			const result = await run(
				{
					resource: 'task',
					operation: 'update',
					taskId: byId('={{ $json.id }}'),
					updateFields: { text: '={{ $json.text }}', taskTypeId: '={{ $json.type }}' },
				},
				tasks.map((task, n) => ({ id: task.id, text: `After ${n}`, type: n === 1 ? '77' : '2' })),
				true,
			);

			expect(requestCount('PATCH')).toBe(reading === 'storesNone' ? 2 : 1);
			expect(tasks.map((task) => sandbox.store.tasks.get(task.id)?.text)).toEqual(['After 0', 'Before 1', 'After 2']);
			expect(result.items[0].json).toMatchObject({ id: tasks[0].id, text: 'After 0', task_type_id: 2 });
			expect(result.items[2].json).toMatchObject({ id: tasks[2].id, text: 'After 2', task_type_id: 2 });
			expect(String(result.items[1].json.error)).toContain('amoCRM rejected this task: task_type_id');
		});
	}
});

describe('the read after a write fails', () => {
	it('complete: the item has the id, the completion as sent, updated_at, and says the read failed', async () => {
		const task = sandbox.addTask({ text: 'Meet the client' });
		failTaskReads(5);

		const result = await run({ resource: 'task', operation: 'complete', taskId: byId(String(task.id)), resultText: 'Met' });

		expect(result.error).toBeUndefined();
		expect(requestCount('PATCH')).toBe(1);
		expect(sandbox.store.tasks.get(task.id)).toMatchObject({ is_completed: true, result: { text: 'Met' } });
		expect(result.items).toEqual([
			{
				json: {
					id: task.id,
					updated_at: sandbox.store.tasks.get(task.id)?.updated_at,
					is_completed: true,
					result: { text: 'Met' },
					readBackError: expect.stringContaining('The task was written, but reading it back failed: amoCRM:'),
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('complete with Simplify: the common shape from what is known', async () => {
		const task = sandbox.addTask({ text: 'Meet the client' });
		failTaskReads(5);

		const result = await run({
			resource: 'task',
			operation: 'complete',
			taskId: byId(String(task.id)),
			resultText: 'Met',
			simplify: true,
		});

		const updatedAt = new Date((sandbox.store.tasks.get(task.id)?.updated_at ?? 0) * 1000);
		expect(result.items[0].json).toMatchObject({
			vendor: 'amoCrm',
			id: String(task.id),
			status: 'completed',
			vendorStatus: 'completed',
			text: null,
			resultText: 'Met',
			readBackError: expect.stringContaining('reading it back failed'),
		});
		expect(Date.parse(String(result.items[0].json.updatedAt))).toBe(updatedAt.getTime());
		expect(result.items[0].json.completedAt).toBe(result.items[0].json.updatedAt);
	});

	it('update: the fields sent, id and updated_at; simplified, the completion state is unknown', async () => {
		const task = sandbox.addTask({ text: 'Old text' });
		failTaskReads(5);

		const result = await run({
			resource: 'task',
			operation: 'update',
			taskId: byId(String(task.id)),
			updateFields: { text: 'New text', completeTill: DUE },
			simplify: true,
		});

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			vendor: 'amoCrm',
			id: String(task.id),
			text: 'New text',
			title: 'New text',
			dueAt: '2026-12-01T10:00:00+03:00',
			status: null,
			vendorStatus: null,
			completedAt: null,
			readBackError: expect.stringContaining('reading it back failed'),
		});
	});

	it('create: the id amoCRM gave and the fields sent, with the reason', async () => {
		failTaskReads(5);

		const result = await run(createParameters, [{ text: 'Call client', due: DUE, user: '504142' }]);

		const id = taskIdByText('Call client');
		expect(result.items[0].json).toEqual({
			id,
			text: 'Call client',
			complete_till: DUE_SECONDS,
			responsible_user_id: 504142,
			task_type_id: 2,
			readBackError: expect.stringContaining('reading it back failed'),
		});
	});
});

describe('complete: result and is_completed together (amoCRM tasks API, #tasks-complete «Выполнение задачи»)', () => {
	for (const reading of ['accepted', 'rejected'] as const) {
		it(`${reading}: with a result text, both go in one element and the task is completed with it`, async () => {
			sandbox.completeWithoutResult = reading;
			const task = sandbox.addTask({ text: 'Call' });

			const result = await run({ resource: 'task', operation: 'complete', taskId: byId(String(task.id)), resultText: 'Reached' });

			expect(result.error).toBeUndefined();
			const patch = sandbox.requests.find((r) => r.method === 'PATCH');
			expect(patch?.body).toEqual([{ id: task.id, is_completed: true, result: { text: 'Reached' }, request_id: '1' }]);
			expect(sandbox.store.tasks.get(task.id)).toMatchObject({ is_completed: true, result: { text: 'Reached' } });
			expect(result.items[0].json).toMatchObject({ id: task.id, is_completed: true, result: { text: 'Reached' } });
		});

		it(`${reading}: without a result text, is_completed goes alone`, async () => {
			sandbox.completeWithoutResult = reading;
			const task = sandbox.addTask({ text: 'Call' });

			const result = await run({ resource: 'task', operation: 'complete', taskId: byId(String(task.id)) }, [{}], true);

			const patch = sandbox.requests.find((r) => r.method === 'PATCH');
			expect(patch?.body).toEqual([{ id: task.id, is_completed: true, request_id: '1' }]);
			if (reading === 'accepted') {
				expect(result.items[0].json).toMatchObject({ id: task.id, is_completed: true });
				expect(sandbox.store.tasks.get(task.id)?.is_completed).toBe(true);
			} else {
				expect(result.items[0].json.error).toBe(
					'amoCRM rejected this task: result: This value should not be blank. amoCRM wants a result to complete this task: fill in "Result Text"',
				);
				expect(sandbox.store.tasks.get(task.id)?.is_completed).toBe(false);
			}
		});
	}
});
