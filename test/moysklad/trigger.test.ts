/**
 * MoySklad trigger over sequences of polls through n8n-core's poll context, against the
 * loopback MoySklad sandbox (real HTTP, gzip). The sandbox clock is frozen per step so that
 * "the same second" is exact; its times are Moscow local time without offset.
 */
import { resetProcessState } from '../../nodes/shared/transport/clock';
import { DateTime } from 'luxon';
import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import { MoySkladApi } from '../../credentials/MoySkladApi.credentials';
import { MoySkladTrigger } from '../../nodes/MoySklad/MoySkladTrigger.node';
import { pollSequence, runPoll } from '../harness';
import { MoySkladSandbox, fromMsk, type MsTask } from '../sandbox/moysklad';
import { TRIGGER_TYPE, credentialTypes, nodeTypes, useMsEnvironment } from './fixtures';

useMsEnvironment({ allowLocalhost: true });

let sandbox: MoySkladSandbox;
/** Start of a whole second, the reference time of each test. */
let t0: number;

beforeAll(async () => {
	sandbox = new MoySkladSandbox({ rateLimit: false });
	await sandbox.start();
});

afterAll(async () => {
	await sandbox.stop();
});

beforeEach(() => {
	sandbox.store.tasks.clear();
	sandbox.store.states.clear();
	sandbox.clearLog();
	sandbox.faults.reset();
	sandbox.timeFormat = 'millis';
	sandbox.repeatedFilterField = 'or';
	t0 = Math.floor(Date.now() / 1000) * 1000;
	sandbox.clock.freeze(t0);
});

afterEach(() => sandbox.clock.unfreeze());

/** Moves the sandbox's frozen clock to t0 + seconds (+ ms). */
function at(seconds: number, ms = 0): void {
	sandbox.clock.freeze(t0 + seconds * 1000 + ms);
}

function credentials(): ICredentialDataDecryptedObject {
	return { authType: 'token', accessToken: 'test-token', requestCost: 4, baseUrl: sandbox.api };
}

function trigger(parameters: INodeParameters) {
	return pollSequence({ nodeTypes, credentialTypes, type: TRIGGER_TYPE }, () => ({ moySkladApi: credentials() }), parameters);
}

const taskRequests = () => sandbox.requests.filter((r) => r.path === '/api/remap/1.2/entity/task');
const add = (partial: Partial<MsTask> = {}) => sandbox.addTask(partial);

describe('MoySklad trigger', () => {
	it('emits no backlog on first activation, then only what is new, once', async () => {
		at(-7200);
		add({ description: 'old' });
		at(-20);
		add({ description: 'inside the overlap: still backlog' });
		at(0);
		const { poll } = trigger({ event: 'taskCreated' });

		expect((await poll()).ids).toEqual([]);
		// Windows in Moscow time, done tasks included (see the next test), ordered by updated then id.
		const window = taskRequests()[taskRequests().length - 1];
		expect(window.headers).toMatchObject({ authorization: 'Bearer test-token', 'accept-encoding': 'gzip' });
		expect(window.query).toMatchObject({ order: 'updated,asc;id,asc', limit: '1000', offset: '0' });
		const filter = String(window.query.filter);
		expect(filter).toMatch(/^done=true;done=false;updated>=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d;updated<=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.999$/);
		const upper = fromMsk(filter.split('updated<=')[1])!;
		// The window ends with the activation's second (Moscow time read back into epoch ms): the
		// second the poll started in, or the one before (the Date header has whole seconds and
		// the answer took its time).
		expect([t0 - 1, t0 + 999]).toContain(upper);

		expect((await poll()).ids).toEqual([]);

		at(5);
		const task = add({ description: 'Call the client\nabout the offer' });
		const third = await poll();
		expect(third.ids).toEqual([task.id]);
		expect(third.json[0]).toMatchObject({
			vendor: 'moySklad',
			id: task.id,
			title: 'Call the client',
			status: 'open',
			createdAt: expect.stringMatching(/\+03:00$/),
		});
		expect((await poll()).ids).toEqual([]);
	});

	it('"created" emits a task created and completed between two polls, exactly once', async () => {
		const { poll } = trigger({ event: 'taskCreated' });
		await poll();

		at(3);
		const task = add({ description: 'Quick call' });
		at(4);
		sandbox.changeTask(task.id, { done: true });
		at(5);
		const created = await poll();
		expect(created.ids).toEqual([task.id]);
		expect(created.json[0]).toMatchObject({ title: 'Quick call', status: 'completed' });
		expect(String(taskRequests()[taskRequests().length - 1].query.filter)).toMatch(/^done=true;done=false;updated>=/);

		// Later changes of the same task, done or reopened, are not new again.
		expect((await poll()).ids).toEqual([]);
		at(6);
		sandbox.changeTask(task.id, { description: 'Quick call, notes added' });
		expect((await poll()).ids).toEqual([]);
		at(7);
		sandbox.changeTask(task.id, { done: false });
		expect((await poll()).ids).toEqual([]);
	});

	it('returns a sample in manual mode and keeps the cursor', async () => {
		add({ description: 'older' });
		at(1);
		const newest = add({ description: 'newest' });
		const { poll, state } = trigger({ event: 'taskUpdated', simplify: false });
		await poll();
		const before = JSON.stringify(state());
		const manual = await poll('manual');
		expect(manual.ids).toEqual([newest.id]);
		expect(manual.json[0]).toHaveProperty('updated'); // raw vendor object
		expect(JSON.stringify(state())).toBe(before);
	});

	it('emits changes of the same second exactly once each, across polls', async () => {
		at(-5);
		const a = add();
		const b = add();
		at(0);
		const { poll } = trigger({ event: 'taskUpdated' });
		await poll();

		at(10);
		sandbox.changeTask(a.id, { description: 'first change' });
		expect((await poll()).ids).toEqual([a.id]);
		// Same second: b changes after the poll already read second 10.
		sandbox.changeTask(b.id, { description: 'second change' });
		expect((await poll()).ids).toEqual([b.id]);
		// And a again, still within second 10 (a later millisecond).
		at(10, 400);
		sandbox.changeTask(a.id, { description: 'third change' });
		expect((await poll()).json.map((t) => t.text)).toEqual(['third change']);
		expect((await poll()).ids).toEqual([]);
	});

	it('fires "completed" once per completion, reading done tasks too', async () => {
		const a = add();
		const b = add();
		const { poll } = trigger({ event: 'taskCompleted' });
		await poll();
		expect(String(taskRequests()[taskRequests().length - 1].query.filter)).toMatch(/^done=true;done=false;/);

		at(3);
		sandbox.changeTask(a.id, { done: true });
		const done = await poll();
		expect(done.ids).toEqual([a.id]);
		expect(done.json[0]).toMatchObject({ status: 'completed', completedAt: expect.stringMatching(/\+03:00$/) });

		at(4);
		sandbox.changeTask(a.id, { description: 'edited after completion' });
		sandbox.changeTask(b.id, { description: 'still open' });
		expect((await poll()).ids).toEqual([]);

		at(5);
		sandbox.changeTask(a.id, { done: false });
		expect((await poll()).ids).toEqual([]);
		at(6);
		sandbox.changeTask(a.id, { done: true });
		expect((await poll()).ids).toEqual([a.id]);
	});

	it('"updated" sees a task whose change was to complete it', async () => {
		const a = add();
		const { poll } = trigger({ event: 'taskUpdated', simplify: false });
		await poll();
		at(2);
		sandbox.changeTask(a.id, { done: true });
		const updated = await poll();
		expect(updated.ids).toEqual([a.id]);
		expect(updated.json[0]).toMatchObject({ done: true });
	});

	it('misses nothing and repeats nothing when more than a page changes in one second', async () => {
		const { poll } = trigger({ event: 'taskCreated' });
		await poll();
		at(20);
		const created = Array.from({ length: 1050 }, (_, n) => add({ description: `Bulk ${n}` }));
		at(21);
		const result = await poll();
		expect(result.ids).toHaveLength(1050);
		expect(new Set(result.ids)).toEqual(new Set(created.map((t) => t.id)));
		// One instant holds more than a page: it was paged by offset.
		expect(taskRequests().some((r) => r.query.offset === '1000')).toBe(true);
		expect((await poll()).ids).toEqual([]);
	});

	it('misses nothing when a task changes between two pages of the same second', async () => {
		const { poll } = trigger({ event: 'taskUpdated' });
		await poll();
		at(20);
		const created = Array.from({ length: 1010 }, (_, n) => add({ description: `Paged ${n}` }));
		const mover = created[5];

		// The poll runs a second later. While it reads the second page of second 20, a task of
		// the first page changes (stamped with the server's present, second 21) and leaves that
		// second, shifting every later task one place towards the first page.
		let moved = false;
		sandbox.use((req) => {
			if (!moved && req.path.endsWith('/entity/task') && req.query.offset === '1000') {
				moved = true;
				sandbox.changeTask(mover.id, { description: 'changed while paging' });
			}
			return undefined;
		});
		at(21);
		const paged = await poll();
		expect(moved).toBe(true);
		expect(new Set(paged.ids)).toEqual(new Set(created.map((t) => t.id)));
		// Every task of second 20 once, and the mover's change of second 21, which the poll reads
		// after second 20: its windows reach the server's present.
		expect(paged.ids).toHaveLength(1011);
		expect(paged.json.filter((t) => t.id === mover.id).map((t) => t.text)).toEqual(['Paged 5', 'changed while paging']);

		at(26);
		expect((await poll()).ids).toEqual([]);
	});

	it('reads windows across Moscow midnight without a gap or a repeat', async () => {
		// 23:59:58 Moscow time is 20:59:58 UTC (Moscow is UTC+3 all year).
		t0 = Date.UTC(2026, 11, 31, 20, 59, 58);
		at(0);
		const { poll } = trigger({ event: 'taskUpdated' });
		await poll();
		at(1, 500);
		const before = add({ description: 'at 23:59:59.5 Moscow time' });
		at(2);
		const after = add({ description: 'at 00:00:00 Moscow time, the next day' });
		at(3);
		// The trigger estimates the server's clock from earlier answers plus real time, which
		// barely moves during a test: a manual run (it changes no state) shows it the sandbox's
		// new time, so that the next poll's first window reaches past midnight.
		await poll('manual');
		const result = await poll();
		expect(result.ids).toEqual([before.id, after.id]);
		expect(result.json.map((t) => t.updatedAt)).toEqual(['2026-12-31T23:59:59.500+03:00', '2027-01-01T00:00:00+03:00']);
		// One window of that poll ran from before Moscow midnight to after it.
		const filters = taskRequests().map((r) => String(r.query.filter));
		expect(filters.some((f) => /updated>=2026-12-31 23:\d\d:\d\d;updated<=2027-01-01 00:00:\d\d\.999$/.test(f))).toBe(true);
		expect((await poll()).ids).toEqual([]);
	});

	it('sends the assignee and task type filters', async () => {
		const employee = sandbox.addEmployee({ name: 'Ivan Petrov' });
		const meeting = sandbox.addState({ name: 'Встреча', color: 1 });
		const call = sandbox.addState({ name: 'Связаться', color: 2 });
		const match = add({ assignee: employee.id, state: meeting.id });
		const other = add({ assignee: employee.id, state: call.id });
		const { poll } = trigger({ event: 'taskUpdated', filters: { assignee: employee.id, stateName: 'Встреча' } });
		await poll();
		expect(String(taskRequests()[0].query.filter)).toContain(
			`assignee=${sandbox.api}/entity/employee/${employee.id};state.name=Встреча;updated>=`,
		);
		at(2);
		sandbox.changeTask(match.id, { description: 'x' });
		sandbox.changeTask(other.id, { description: 'y' });
		expect((await poll()).ids).toEqual([match.id]);
	});

	it.each([
		['its name in another case', 'встреча'],
		['its id', 'id'],
	])('filters on the task type given by %s, under the type\'s own name', async (_how, value) => {
		const meeting = sandbox.addState({ name: 'Встреча', color: 1 });
		const { poll } = trigger({ event: 'taskCreated', filters: { stateName: value === 'id' ? meeting.id : value } });
		await poll();
		expect(String(taskRequests()[0].query.filter)).toMatch(/^done=true;done=false;state\.name=Встреча;updated>=/);
		// The types were read once for the poll.
		expect(sandbox.requests.filter((r) => r.path.endsWith('/entity/task/metadata'))).toHaveLength(1);
	});

	it('fails a poll whose task type filter names no type of the account, before reading tasks', async () => {
		sandbox.addState({ name: 'Встреча', color: 1 });
		sandbox.addState({ name: 'Связаться', color: 2 });
		const result = await runPoll({
			nodeTypes: { [TRIGGER_TYPE]: new MoySkladTrigger() },
			credentialTypes: { moySkladApi: new MoySkladApi() },
			credentials: { moySkladApi: credentials() },
			node: { type: TRIGGER_TYPE, parameters: { event: 'taskCreated', filters: { stateName: 'Звонок' } } },
		});
		expect(result.items).toBeNull();
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Parameter "Filters → Task Type": no task state named "Звонок"; the account has: Встреча, Связаться',
		});
		expect(taskRequests()).toHaveLength(0);
	});

	it('reports a failing poll as an error, keeps its state, and catches up on the next poll', async () => {
		const { poll, state } = trigger({ event: 'taskCreated' });
		await poll();
		const before = JSON.stringify(state());
		at(3);
		const task = add();
		sandbox.faults.enqueue(...Array.from({ length: 5 }, () => ({ status: 500 })));
		const failed = await runPoll({
			nodeTypes: { [TRIGGER_TYPE]: new MoySkladTrigger() },
			credentialTypes: { moySkladApi: new MoySkladApi() },
			credentials: { moySkladApi: credentials() },
			node: { type: TRIGGER_TYPE, parameters: { event: 'taskCreated' } },
			staticData: state(),
		});
		expect(failed.items).toBeNull();
		expect(failed.error?.message).toContain('MoySklad');
		expect(JSON.stringify(failed.staticData)).toBe(before);
		expect((await poll()).ids).toEqual([task.id]);
	});

	it('rejects an assignee filter that is not an employee id, naming it, before any request', async () => {
		resetProcessState();
		const result = await runPoll({
			nodeTypes: { [TRIGGER_TYPE]: new MoySkladTrigger() },
			credentialTypes: { moySkladApi: new MoySkladApi() },
			credentials: { moySkladApi: credentials() },
			node: { type: TRIGGER_TYPE, parameters: { event: 'taskCreated', filters: { assignee: 'ivan@acme' } } },
		});
		expect(result.items).toBeNull();
		expect(result.error?.message).toBe(
			'Parameter "Filters → Assignee": "ivan@acme" is not a MoySklad ID (a UUID such as 12a8b923-692c-11e6-8a84-bae500000053); choose from the list or pass the ID',
		);
		expect(taskRequests()).toHaveLength(0);
	});

	describe('times written with fewer fraction digits (sandbox timeFormat trimmed: "…:03.12", "…:03.2", "…:04")', () => {
		beforeEach(() => {
			sandbox.timeFormat = 'trimmed';
		});

		it('"created" fires once for each task, whatever its fraction', async () => {
			const { poll } = trigger({ event: 'taskCreated' });
			await poll();
			at(3, 120);
			const a = add({ description: 'at .120' });
			at(3, 200);
			const b = add({ description: 'at .200' });
			at(4);
			const c = add({ description: 'at .000' });
			at(5);
			const created = await poll();
			expect(created.ids).toEqual([a.id, b.id, c.id]);
			const moscow = (ms: number) => DateTime.fromMillis(t0 + ms, { zone: 'Europe/Moscow' }).toISO({ suppressMilliseconds: true });
			expect(created.json.map((t) => t.createdAt)).toEqual([moscow(3120), moscow(3200), moscow(4000)]);
			expect((await poll()).ids).toEqual([]);
		});

		it('"updated" emits each change once and does not repeat it on later polls', async () => {
			const a = add();
			const b = add();
			const { poll } = trigger({ event: 'taskUpdated' });
			await poll();
			at(3, 120);
			sandbox.changeTask(a.id, { description: 'changed at .120' });
			at(3, 200);
			sandbox.changeTask(b.id, { description: 'changed at .200' });
			at(4);
			expect((await poll()).json.map((t) => t.text)).toEqual(['changed at .120', 'changed at .200']);
			expect((await poll()).ids).toEqual([]);
			at(5);
			expect((await poll()).ids).toEqual([]);
		});
	});
});
