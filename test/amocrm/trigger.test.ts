/**
 * amoCRM trigger over sequences of polls through n8n-core's poll context, against the
 * loopback amoCRM sandbox (real HTTP). The sandbox clock is frozen per step so that
 * "the same second" is exact.
 */
import { resetProcessState } from '../../nodes/shared/transport/clock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { AmoCrmApi } from '../../credentials/AmoCrmApi.credentials';
import { AmoCrmTrigger } from '../../nodes/AmoCrm/AmoCrmTrigger.node';
import { itWhereEngineHas, pollSequence, runPoll, useVendorEnvironment } from '../harness';
import { AmoCrmSandbox } from '../sandbox/amocrm';

useVendorEnvironment({ allowLocalhost: true });

const TYPE = 'n8n-nodes-crm-tasks.amoCrmTrigger';
let sandbox: AmoCrmSandbox;
let baseUrl: string;
/** Start of a whole second, the reference time of each test. */
let t0: number;

beforeAll(async () => {
	sandbox = new AmoCrmSandbox({ rateLimit: false });
	baseUrl = await sandbox.start();
});

afterAll(async () => await sandbox.stop());

beforeEach(() => {
	sandbox.store.tasks.clear();
	sandbox.clearLog();
	sandbox.clock.skewMs = 0;
	t0 = Math.floor(Date.now() / 1000) * 1000;
	sandbox.clock.freeze(t0);
});

afterEach(() => sandbox.clock.unfreeze());

/** Moves the sandbox's frozen clock to t0 + seconds. */
function at(seconds: number): number {
	sandbox.clock.freeze(t0 + seconds * 1000);
	return t0 / 1000 + seconds;
}

function trigger(parameters: INodeParameters) {
	return pollSequence(
		{ nodeTypes: { [TYPE]: new AmoCrmTrigger() }, credentialTypes: { amoCrmApi: new AmoCrmApi() }, type: TYPE },
		() => ({ amoCrmApi: { domain: 'custom', baseUrl, accessToken: 'test-token' } }),
		parameters,
	);
}

/** The engine's watermark in the trigger node's static data. */
function cursorOf(staticData: IDataObject): number {
	const nodeData = staticData['node:Node'] as { poll?: { cursorMs?: number } } | undefined;
	const cursor = nodeData?.poll?.cursorMs;
	if (typeof cursor !== 'number') throw new Error(`no cursor in ${JSON.stringify(staticData)}`);
	return cursor;
}

const taskRequests = () => sandbox.requests.filter((r) => r.path === '/api/v4/tasks');

describe('amoCRM trigger', () => {
	it('emits no backlog on first activation, then only what is new', async () => {
		at(-7200);
		sandbox.addTask({ id: 1 });
		at(-20);
		sandbox.addTask({ id: 2 }); // inside the overlap window: still backlog
		at(0);
		const { poll } = trigger({ event: 'taskCreated' });

		expect((await poll()).ids).toEqual([]);
		// A one-second read tells the server's clock; the watermark starts on it.
		const [probe, first] = taskRequests();
		const probed = (probe.query.filter as { updated_at: { from: string; to: string } }).updated_at;
		expect(Number(probed.to) - Number(probed.from)).toBe(2); // one second, asked one wider each side
		expect(first.method).toBe('GET');
		expect(first.headers.authorization).toBe('Bearer test-token');
		expect(first.query).toMatchObject({ order: { id: 'asc' }, limit: '250' });
		// A window of the overlap (60 s) up to the activation moment (the whole second the poll
		// started in, or the one before: the Date header has whole seconds and the answer took
		// its time), asked one second wider on each side (amoCRM does not say whether its bounds
		// are inclusive).
		const window = (first.query.filter as { updated_at: { from: string; to: string } }).updated_at;
		expect(Number(window.to) - Number(window.from)).toBe(62);
		expect([t0 / 1000, t0 / 1000 + 1]).toContain(Number(window.to));

		expect((await poll()).ids).toEqual([]); // nothing new

		at(5);
		sandbox.addTask({ id: 3, text: 'Call the client\nabout the offer', responsible_user_id: 504141 });
		const third = await poll();
		expect(third.ids).toEqual(['3']);
		expect(third.json[0]).toMatchObject({
			vendor: 'amoCrm',
			id: '3',
			title: 'Call the client',
			status: 'open',
			responsibleId: '504141',
			createdAt: expect.stringMatching(/\+03:00$/),
			url: `${baseUrl}/todo/line/`,
		});
		expect((await poll()).ids).toEqual([]);
	});

	it('returns a sample in manual mode and keeps the cursor', async () => {
		sandbox.addTask({ id: 10 });
		sandbox.addTask({ id: 11 });
		const { poll, state } = trigger({ event: 'taskUpdated', simplify: false });
		await poll();
		const before = JSON.stringify(state());
		const manual = await poll('manual');
		expect(manual.ids).toEqual(['11']);
		expect(manual.json[0]).toHaveProperty('updated_at'); // raw vendor object
		expect(JSON.stringify(state())).toBe(before);
	});

	it('emits two updates of the same second exactly once each', async () => {
		at(-5);
		sandbox.addTask({ id: 20 });
		sandbox.addTask({ id: 21 });
		at(0);
		const { poll } = trigger({ event: 'taskUpdated' });
		await poll();

		at(10);
		sandbox.updateTask(20, { text: 'first change' });
		expect((await poll()).ids).toEqual(['20']);
		// Same second: task 21 changes after the poll already read second 10.
		sandbox.updateTask(21, { text: 'second change' });
		expect((await poll()).ids).toEqual(['21']);
		expect((await poll()).ids).toEqual([]);

		at(11);
		sandbox.updateTask(20, { text: 'third change' });
		sandbox.updateTask(21, { text: 'fourth change' });
		expect((await poll()).ids.sort()).toEqual(['20', '21']);
	});

	it('emits two changes of one task within the same second', async () => {
		sandbox.addTask({ id: 22 });
		const { poll } = trigger({ event: 'taskUpdated', simplify: false });
		await poll();
		at(12);
		sandbox.updateTask(22, { text: 'first version' });
		expect((await poll()).json.map((task) => task.text)).toEqual(['first version']);
		sandbox.updateTask(22, { text: 'second version' }); // still second 12
		expect((await poll()).json.map((task) => task.text)).toEqual(['second version']);
		expect((await poll()).ids).toEqual([]);
	});

	it('reports a failing poll as an error, keeps the watermark, and catches up on the next poll', async () => {
		const { poll, state } = trigger({ event: 'taskCreated' });
		await poll();
		const cursor = cursorOf(state());
		at(3);
		sandbox.addTask({ id: 70 });
		sandbox.faults.enqueue({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
		const failed = await runPoll({
			nodeTypes: { [TYPE]: new AmoCrmTrigger() },
			credentialTypes: { amoCrmApi: new AmoCrmApi() },
			credentials: { amoCrmApi: { domain: 'custom', baseUrl, accessToken: 'test-token' } },
			node: { type: TYPE, parameters: { event: 'taskCreated' } },
			staticData: state(),
		});
		expect(failed.items).toBeNull();
		expect(failed.error?.message).toContain('amoCRM');
		expect(cursorOf(failed.staticData)).toBe(cursor);
		expect((await poll()).ids).toEqual(['70']);
	});

	it('rejects a filter that is not a list of user ids, naming it, before any request', async () => {
		const result = await runPoll({
			nodeTypes: { [TYPE]: new AmoCrmTrigger() },
			credentialTypes: { amoCrmApi: new AmoCrmApi() },
			credentials: { amoCrmApi: { domain: 'custom', baseUrl, accessToken: 'test-token' } },
			node: { type: TYPE, parameters: { event: 'taskCreated', filters: { responsibleUserIds: '={{ ["ivan@acme.ru"] }}' } } },
		});
		expect(result.items).toBeNull();
		expect(result.error?.message).toBe(
			'Parameter "Filters → Responsible Users": "ivan@acme.ru" is not a valid id: expected a positive whole number',
		);
		expect(taskRequests()).toHaveLength(0);
	});

	it('misses nothing when a task changes between two pages of the same second', async () => {
		const { poll } = trigger({ event: 'taskUpdated' });
		await poll(); // activation
		at(20);
		for (let id = 100; id < 700; id++) sandbox.addTask({ id });

		// The poll runs a second later. While it reads page 2 of second 20, task 105 (on page 1)
		// changes (stamped with the server's present, second 21) and leaves that second,
		// shifting every later task one place towards page 1.
		at(21);
		let moved = false;
		sandbox.use((req) => {
			const window = (req.query.filter as { updated_at?: { from?: string } } | undefined)?.updated_at;
			// Page 2 of the window of second 20 (asked one second wider on each side).
			if (!moved && req.path === '/api/v4/tasks' && req.query.page === '2' && window?.from === String(t0 / 1000 + 19)) {
				moved = true;
				sandbox.updateTask(105, { text: 'changed while paging' });
			}
			return undefined;
		});
		const paged = await poll();
		expect(moved).toBe(true);
		// Every task of second 20 once, and task 105's change of second 21, which the poll reads
		// after second 20: its windows reach the server's present.
		expect(paged.ids).toHaveLength(601);
		expect(new Set(paged.ids).size).toBe(600);
		expect(paged.json.filter((task) => task.id === '105').map((task) => task.title)).toEqual(['Task 105', 'changed while paging']);

		at(26);
		expect((await poll()).ids).toEqual([]);
	});

	it('reads a large window as smaller windows, each in one request', async () => {
		const { poll } = trigger({ event: 'taskCreated' });
		await poll();
		for (let second = 1; second <= 10; second++) {
			at(second);
			for (let n = 0; n < 60; n++) sandbox.addTask({ id: second * 1000 + n });
		}
		at(11);
		sandbox.clearLog();
		const result = await poll();
		expect(result.ids).toHaveLength(600);
		expect(new Set(result.ids).size).toBe(600);
		expect(taskRequests().every((r) => r.query.page === '1')).toBe(true);
	});

	it('loses nothing whether amoCRM reads the updated_at bounds as inclusive or exclusive', async () => {
		for (const bounds of ['exclusive', 'inclusive'] as const) {
			sandbox.updatedAtBounds = bounds;
			sandbox.store.tasks.clear();
			resetProcessState();
			at(0);
			const { poll } = trigger({ event: 'taskCreated' });
			await poll();
			// 45 seconds with 6 tasks each: more than a page, so the window is split.
			for (let second = 1; second <= 45; second++) {
				at(second);
				for (let n = 0; n < 6; n++) sandbox.addTask({ id: second * 100 + n });
			}
			at(46);
			const result = await poll();
			expect(result.ids).toHaveLength(270);
			expect(new Set(result.ids).size).toBe(270);
			expect((await poll()).ids).toEqual([]);
		}
	});

	it('fires "completed" once per completion', async () => {
		sandbox.addTask({ id: 30 });
		sandbox.addTask({ id: 31 });
		const { poll } = trigger({ event: 'taskCompleted' });
		await poll();

		at(3);
		sandbox.completeTask(30, 'Reached the client');
		const done = await poll();
		expect(done.ids).toEqual(['30']);
		expect(done.json[0]).toMatchObject({ status: 'completed', resultText: 'Reached the client' });

		at(4);
		sandbox.updateTask(30, { text: 'edited after completion' });
		sandbox.updateTask(31, { text: 'still open' });
		expect((await poll()).ids).toEqual([]);

		at(5);
		sandbox.updateTask(30, { is_completed: false });
		expect((await poll()).ids).toEqual([]);
		at(6);
		sandbox.completeTask(30);
		expect((await poll()).ids).toEqual(['30']);
	});

	it('sends the responsible user and task type filters', async () => {
		sandbox.addTask({ id: 40, responsible_user_id: 504142, task_type_id: 2 });
		sandbox.addTask({ id: 41, responsible_user_id: 504141, task_type_id: 2 });
		const { poll } = trigger({
			event: 'taskUpdated',
			filters: { responsibleUserIds: ['504142'], taskTypeIds: ['2'] },
		});
		await poll();
		expect(taskRequests()[0].query.filter).toMatchObject({ responsible_user_id: ['504142'], task_type: ['2'] });
		at(2);
		sandbox.updateTask(40, { text: 'x' });
		sandbox.updateTask(41, { text: 'y' });
		expect((await poll()).ids).toEqual(['40']);
	});

	it('follows the server clock when it runs minutes ahead of or behind n8n, across restarts', async () => {
		for (const skew of [150_000, -150_000]) {
			sandbox.store.tasks.clear();
			sandbox.clock.unfreeze();
			sandbox.clock.skewMs = skew;
			const { poll } = trigger({ event: 'taskCreated' });
			// Each poll starts as a fresh n8n process would: the server's clock is not known yet.
			const restartAndPoll = async () => {
				resetProcessState();
				return await poll();
			};
			expect((await restartAndPoll()).ids).toEqual([]);
			const created = sandbox.addTask({ id: skew > 0 ? 50 : 51 });
			expect((await restartAndPoll()).ids).toEqual([String(created.id)]);
			expect((await restartAndPoll()).ids).toEqual([]);
			const second = sandbox.addTask({ id: skew > 0 ? 52 : 53 });
			expect((await poll()).ids).toEqual([String(second.id)]);
			// Every window sent had from <= to.
			for (const request of taskRequests()) {
				const window = (request.query.filter as { updated_at: { from: string; to: string } }).updated_at;
				expect(Number(window.from)).toBeLessThanOrEqual(Number(window.to));
			}
		}
	});

	// n8n 1.x gives a poll no budget (the trigger then reads to the end: every other test here).
	itWhereEngineHas('pollBudget')('stops early when the poll budget runs out and resumes on the next poll', async () => {
		const { poll, state } = trigger({ event: 'taskCreated' });
		await poll();
		const cursorAfterActivation = cursorOf(state());
		at(4);
		sandbox.addTask({ id: 60 });
		const starved = await poll('trigger', { pollBudgetMs: 0 });
		expect(starved.ids).toEqual([]);
		expect(cursorOf(state())).toBe(cursorAfterActivation);
		expect((await poll()).ids).toEqual(['60']);
		expect(cursorOf(state())).toBeGreaterThan(cursorAfterActivation);
	});
});
