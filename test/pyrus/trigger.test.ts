/**
 * Pyrus trigger over sequences of polls through n8n-core's poll context, against the loopback
 * Pyrus sandbox (real HTTP, token exchange included). The sandbox clock is frozen per step so
 * that "the same second" is exact.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { CredentialDataMap } from '../harness';
import { pollSequence, runPoll } from '../harness';
import { DEMO_FORM, PyrusSandbox } from '../sandbox/pyrus';
import { TRIGGER_TYPE, credentialTypes, nodeTypes, usePyrusEnvironment } from './fixtures';

usePyrusEnvironment({ allowLocalhost: true });

let sandbox: PyrusSandbox;
let baseUrl: string;
/** Start of a whole second, the reference time of each test. */
let t0: number;
let credentials: CredentialDataMap;

beforeAll(async () => {
	sandbox = new PyrusSandbox({ rateLimit: 0 });
	baseUrl = await sandbox.start();
	sandbox.addForm(DEMO_FORM);
	sandbox.addList({ id: 501, name: 'Projects' });
});

afterAll(async () => await sandbox.stop());

beforeEach(() => {
	sandbox.tasks.clear();
	sandbox.clearLog();
	sandbox.authCalls = 0;
	t0 = Math.floor(Date.now() / 1000) * 1000;
	sandbox.clock.freeze(t0);
	credentials = { pyrusApi: { login: 'bot@sandbox', secretKey: 'sandbox-security-key', serverUrl: `${baseUrl}/api/v4` } };
});

afterEach(() => sandbox.clock.unfreeze());

/** Moves the sandbox's frozen clock to t0 + seconds. */
function at(seconds: number): void {
	sandbox.clock.freeze(t0 + seconds * 1000);
}

function formTask(id: number, extra: IDataObject = {}) {
	return sandbox.addTask({ id, form_id: 321, text: 'Purchase request', current_step: 1, fields: [], ...extra });
}

function trigger(parameters: INodeParameters) {
	return pollSequence({ nodeTypes, credentialTypes, type: TRIGGER_TYPE }, () => credentials, parameters);
}

const registerCalls = () => sandbox.requests.filter((r) => r.path === '/api/v4/forms/321/register');

describe('Pyrus trigger on a form register', () => {
	it('emits no backlog on first activation, then each new task once, then nothing', async () => {
		at(-3600);
		formTask(1);
		at(-5);
		formTask(2);
		at(0);
		const { poll } = trigger({ event: 'taskCreated', source: 'form', formId: '321', simplify: false });

		const first = await poll();
		expect(first.result.items).toBeNull();
		expect(sandbox.authCalls).toBe(1);

		at(5);
		formTask(3);
		const second = await poll();
		expect(second.ids).toEqual(['3']);
		expect(second.json[0]).toMatchObject({ id: 3, form_id: 321 });
		// The token from the first poll is reused.
		expect(sandbox.authCalls).toBe(1);

		at(6);
		const third = await poll();
		expect(third.result.items).toBeNull();

		const query = registerCalls().at(-1)!.query;
		expect(query).toMatchObject({ sort: 'id', item_count: '1000', include_archived: 'y' });
		expect(String(query.modified_after)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
		expect(String(query.modified_before)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
	});

	it('emits two changes of one task within the same second, each once', async () => {
		at(0);
		const task = formTask(10);
		const { poll } = trigger({ event: 'taskUpdated', source: 'form', formId: '321' });
		await poll();

		at(10);
		sandbox.addComment(task, { text: 'first change' });
		const first = await poll();
		expect(first.ids).toEqual(['10']);
		expect(first.json[0]).toMatchObject({ vendor: 'pyrus', id: '10', typeId: '321', status: 'open' });

		// Same second, another change: the same last_modified_date, a new last_note_id.
		sandbox.addComment(task, { text: 'second change' });
		const second = await poll();
		expect(second.ids).toEqual(['10']);

		const third = await poll();
		expect(third.result.items).toBeNull();
	});

	it('pages through more changes than a register page holds, each emitted once', async () => {
		at(0);
		const { poll } = trigger({ event: 'taskCreated', source: 'form', formId: '321', simplify: false });
		await poll();

		at(3);
		for (let id = 1; id <= 1005; id++) formTask(id);
		const first = await poll();
		expect(first.ids).toHaveLength(1005);
		expect(new Set(first.ids).size).toBe(1005);
		const pages = registerCalls().slice(-2).map((r) => r.query.id);
		expect(pages).toEqual([undefined, 'gt1000']);

		at(4);
		const second = await poll();
		expect(second.result.items).toBeNull();
	});

	it('fires "completed" once per completion, not for later changes of the closed task', async () => {
		at(0);
		const task = formTask(20);
		const { poll } = trigger({ event: 'taskCompleted', source: 'form', formId: '321' });
		await poll();

		at(10);
		sandbox.addComment(task, { action: 'finished' });
		const first = await poll();
		expect(first.ids).toEqual(['20']);
		expect(first.json[0]).toMatchObject({ status: 'completed', vendorStatus: 'closed' });

		at(12);
		sandbox.addComment(task, { text: 'after closing' });
		const second = await poll();
		expect(second.result.items).toBeNull();
	});

	it('a manual run shows the newest matching task and leaves the state alone', async () => {
		at(-120);
		formTask(30);
		at(-60);
		formTask(31);
		const { poll, state } = trigger({ event: 'taskCreated', source: 'form', formId: '321', simplify: false });

		const manual = await poll('manual');
		expect(manual.ids).toEqual(['31']);
		expect(state()).toEqual({});
	});
});

describe.each([true, false])('Pyrus trigger on a form register, modified_after inclusive: %s', (afterBoundInclusive) => {
	beforeEach(() => sandbox.setSwitches({ afterBoundInclusive }));
	afterEach(() => sandbox.setSwitches({ afterBoundInclusive: true }));

	it('emits each change once, a change at the edge of the re-read window included', async () => {
		at(0);
		const task = formTask(70);
		const { poll } = trigger({ event: 'taskUpdated', source: 'form', formId: '321', simplify: false });
		await poll();

		at(60);
		sandbox.addComment(task, { text: 'change' });
		const first = await poll();
		expect(first.ids).toEqual(['70']);

		// The next poll re-reads the last 60 s, whose first second holds the change.
		at(120);
		const second = await poll();
		expect(second.result.items).toBeNull();

		at(121);
		formTask(71);
		const third = await poll();
		expect(third.ids).toEqual(['71']);
	});
});

describe('Pyrus trigger: failures', () => {
	it('a failing poll reports its error, keeps the watermark, and the next poll catches up', async () => {
		at(0);
		const parameters = { event: 'taskCreated', source: 'form', formId: '321', simplify: false };
		const { poll, state } = trigger(parameters);
		await poll();

		at(5);
		formTask(50);
		sandbox.faults.enqueue({
			status: 403,
			body: { error: 'Access to the form is denied.', error_code: 'access_denied_form' },
			match: { path: '/api/v4/forms/321/register' },
		});
		const failed = await runPoll({ nodeTypes, credentialTypes, credentials, node: { type: TRIGGER_TYPE, parameters }, staticData: state() });
		expect(failed.error).toMatchObject({ message: 'Pyrus: Access to the form is denied. (access_denied_form)' });
		expect(failed.items).toBeNull();
		expect(failed.committed).toBe(false);
		expect(failed.staticData).toEqual(state());

		at(7);
		const next = await poll();
		expect(next.ids).toEqual(['50']);
	});

	it('a token that expires between polls is renewed once inside the poll', async () => {
		at(0);
		const { poll } = trigger({ event: 'taskCreated', source: 'form', formId: '321', simplify: false });
		await poll();
		expect(sandbox.authCalls).toBe(1);

		at(5);
		formTask(60);
		sandbox.expireTokens();
		const next = await poll();
		expect(next.ids).toEqual(['60']);
		expect(sandbox.authCalls).toBe(2);
		expect(next.result.preAuthenticationCalls).toEqual([{ type: 'pyrusApi', forced: true, node: 'Node' }]);
	});
});

describe('Pyrus trigger on a list', () => {
	it('emits new simple tasks of the list, then nothing', async () => {
		at(-5);
		sandbox.addTask({ id: 40, text: 'Old', list_ids: [501] });
		at(0);
		const { poll } = trigger({ event: 'taskCreated', source: 'list', listId: '501', simplify: false });
		const first = await poll();
		expect(first.result.items).toBeNull();

		at(8);
		sandbox.addTask({ id: 41, text: 'New', list_ids: [501] });
		sandbox.addTask({ id: 42, text: 'Elsewhere', list_ids: [] });
		const second = await poll();
		expect(second.ids).toEqual(['41']);

		const lastCall = sandbox.requests.filter((r) => r.path === '/api/v4/lists/501/tasks').at(-1)!;
		expect(lastCall.query).toMatchObject({ include_archived: 'y', item_count: '200' });
		const third = await poll();
		expect(third.result.items).toBeNull();
	});
});
