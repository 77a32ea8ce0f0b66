/**
 * A list's tasks past one page (issue 11, Pyrus point 10), through n8n's engine against the
 * loopback sandbox: Get Many (runWorkflow) and the list trigger (runPoll). The order of
 * `GET /lists/{id}/tasks` is not documented, nor whether `modified_after` includes its second:
 * every test runs under each order the sandbox can give (newest change first, oldest first, by
 * id) and each reading of the bound.
 */
import { DateTime } from 'luxon';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { CredentialDataMap } from '../harness';
import { pollSequence } from '../harness';
import { DEMO_FORM, PyrusSandbox, type PyrusListOrder, type PyrusTask } from '../sandbox/pyrus';
import { TRIGGER_TYPE, credentialTypes, nodeTypes, runPyrus, usePyrusEnvironment } from './fixtures';

usePyrusEnvironment({ allowLocalhost: true });

let sandbox: PyrusSandbox;
let credentials: CredentialDataMap;
/** Start of a whole second, the reference time of each test. */
let t0: number;

beforeAll(async () => {
	sandbox = new PyrusSandbox({ rateLimit: 0 });
	const baseUrl = await sandbox.start();
	sandbox.addList({ id: 501, name: 'Projects' });
	credentials = { pyrusApi: { login: 'bot@sandbox', secretKey: 'sandbox-security-key', serverUrl: `${baseUrl}/api/v4` } };
});

afterAll(async () => await sandbox.stop());

beforeEach(() => {
	sandbox.tasks.clear();
	sandbox.clearLog();
	t0 = Math.floor(Date.now() / 1000) * 1000;
	sandbox.clock.freeze(t0);
});

afterEach(() => sandbox.clock.unfreeze());

function pyrusTime(ms: number): string {
	return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** A task of list 501 last changed `seconds` after t0 (negative: before). */
function listTask(seconds: number): PyrusTask {
	const time = pyrusTime(t0 + seconds * 1000);
	return sandbox.addTask({ text: `Task at ${seconds}`, list_ids: [501], create_date: time, last_modified_date: time });
}

/** Newest change first, then the higher id: the order Get Many returns. */
function newestFirst(tasks: PyrusTask[]): number[] {
	return [...tasks].sort((a, b) => b.last_modified_date.localeCompare(a.last_modified_date) || b.id - a.id).map((task) => task.id);
}

const listCalls = () => sandbox.requests.filter((r) => r.path === '/api/v4/lists/501/tasks');

const READINGS: Array<[PyrusListOrder, boolean]> = (['newestFirst', 'oldestFirst', 'byId'] as const).flatMap((order) => [
	[order, true] as [PyrusListOrder, boolean],
	[order, false] as [PyrusListOrder, boolean],
]);

describe.each(READINGS)('a list in %s order, modified_after inclusive: %s', (listOrder, afterBoundInclusive) => {
	beforeEach(() => sandbox.setSwitches({ listOrder, afterBoundInclusive }));

	/**
	 * 480 tasks over the last 450 seconds, ids not in time order; the 30 extra ones share a
	 * second with another task, all older than the newest 250.
	 */
	function crowdedList(): PyrusTask[] {
		const tasks: PyrusTask[] = [];
		for (let i = 0; i < 450; i++) tasks.push(listTask(-((i * 37) % 450) - 1));
		for (let i = 0; i < 30; i++) tasks.push(listTask(-400 - i));
		return tasks;
	}

	it('Get Many, Return All: every task once, newest change first', async () => {
		const tasks = crowdedList();

		const result = await runPyrus({ resource: 'task', operation: 'getAll', source: 'list', listId: '501', returnAll: true }, { credentials });

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.id)).toEqual(newestFirst(tasks));
		for (const call of listCalls()) expect(Number(call.query.item_count)).toBeLessThanOrEqual(200);
	});

	it('Get Many, Limit: the most recently changed tasks', async () => {
		const tasks = crowdedList();

		const result = await runPyrus({ resource: 'task', operation: 'getAll', source: 'list', listId: '501', limit: 250 }, { credentials });

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.id)).toEqual(newestFirst(tasks).slice(0, 250));
	});

	it('Get Many within Modified After / Before: exactly the tasks of that window', async () => {
		const tasks = crowdedList();
		const from = t0 - 300_000;
		const to = t0 - 50_000;
		const inside = tasks.filter((task) => task.last_modified_date > pyrusTime(from) && task.last_modified_date <= pyrusTime(to));

		const result = await runPyrus(
			{
				resource: 'task',
				operation: 'getAll',
				source: 'list',
				listId: '501',
				returnAll: true,
				filters: { modifiedAfter: new Date(from + 1000).toISOString(), modifiedBefore: new Date(to).toISOString() },
			},
			{ credentials },
		);

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.id)).toEqual(newestFirst(inside));
	});

	function trigger(parameters: INodeParameters) {
		return pollSequence({ nodeTypes, credentialTypes, type: TRIGGER_TYPE }, () => credentials, parameters);
	}

	it('the trigger emits a burst larger than a page, around one second, each task once, then nothing', async () => {
		const { poll } = trigger({ event: 'taskUpdated', source: 'list', listId: '501', simplify: false });
		expect((await poll()).result.items).toBeNull();

		// 250 changes in one second and 10 in the next: more than a page (200) in any window
		// that holds both seconds.
		const burst = [...Array.from({ length: 250 }, () => listTask(4)), ...Array.from({ length: 10 }, () => listTask(5))];
		sandbox.clock.freeze(t0 + 6000);
		const second = await poll();
		expect(second.result.error).toBeUndefined();
		expect([...second.ids].sort()).toEqual(burst.map((task) => String(task.id)).sort());

		sandbox.clock.freeze(t0 + 8000);
		const third = await poll();
		expect(third.result.items).toBeNull();
	});

	it('a manual run of the trigger shows the most recently changed task', async () => {
		const tasks = crowdedList();
		const { poll, state } = trigger({ event: 'taskUpdated', source: 'list', listId: '501', simplify: false });

		const manual = await poll('manual');

		expect(manual.ids).toEqual([String(newestFirst(tasks)[0])]);
		expect(state()).toEqual({});
	});
});

describe('a list whose one second holds more than a page', () => {
	it('Get Many reads that second whole, in one larger request', async () => {
		const tasks = Array.from({ length: 230 }, () => listTask(-10));
		sandbox.setSwitches({ listOrder: 'byId' });

		const result = await runPyrus({ resource: 'task', operation: 'getAll', source: 'list', listId: '501', returnAll: true }, { credentials });

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.id as number).sort((a, b) => a - b)).toEqual(tasks.map((task) => task.id));
		expect(listCalls().some((call) => Number(call.query.item_count) > 200)).toBe(true);
		expect((result.items[0].json as IDataObject).last_modified_date).toBe(pyrusTime(t0 - 10_000));
	});
});

describe('the order of a long list', () => {
	beforeEach(() => sandbox.setSwitches({ listOrder: 'byId', afterBoundInclusive: true }));

	// Sorting with a comparator that parses both tasks' change times parses each task about
	// 2 × log2(n) times: seconds of CPU for a list of 100,000. Each time is parsed once for the
	// order, once for the window, and once for each answer the task came in (where a cut answer
	// is split), no more.
	it('Get Many of 4,000 tasks in no order parses each change time a bounded number of times', async () => {
		// Change times over the last hour in no order (ids are not in time order).
		const tasks = Array.from({ length: 4000 }, (_, i) => listTask(-((i * 7919) % 3600) - 1));
		const parse = jest.spyOn(DateTime, 'fromISO');
		try {
			const result = await runPyrus({ resource: 'task', operation: 'getAll', source: 'list', listId: '501', returnAll: true, simplify: false }, { credentials });
			expect(result.error).toBeUndefined();
			expect(result.items.map((item) => item.json.id)).toEqual(newestFirst(tasks));
			// Tasks answered: at most item_count per list request.
			const answered = listCalls().reduce((sum, call) => sum + Number(call.query.item_count), 0);
			expect(parse.mock.calls.length).toBeLessThanOrEqual(answered + 2 * tasks.length);
		} finally {
			parse.mockRestore();
		}
	});

	it("the trigger's manual run on a form of 4,000 tasks in no order parses each creation time a bounded number of times", async () => {
		sandbox.addForm(DEMO_FORM);
		// Created in no order (ids are not in time order), within the trigger's sample period.
		const created = Array.from({ length: 4000 }, (_, i) => {
			const time = pyrusTime(t0 - (1 + ((i * 7919) % 3600)) * 1000);
			return sandbox.addTask({ form_id: DEMO_FORM.id, text: `Request ${i}`, current_step: 1, fields: [], create_date: time, last_modified_date: time });
		});
		const newestCreated = [...created].sort((a, b) => b.create_date.localeCompare(a.create_date) || b.id - a.id)[0];
		const { poll } = pollSequence({ nodeTypes, credentialTypes, type: TRIGGER_TYPE }, () => credentials, {
			event: 'taskCreated',
			source: 'form',
			formId: String(DEMO_FORM.id),
			simplify: false,
		});
		const parse = jest.spyOn(DateTime, 'fromISO');
		try {
			const manual = await poll('manual');
			expect(manual.ids).toEqual([String(newestCreated.id)]);
			// Reading the register and picking the newest: a few parses a task, not one per comparison.
			expect(parse.mock.calls.length).toBeLessThanOrEqual(4 * created.length);
		} finally {
			parse.mockRestore();
		}
	});

	it('Skip Tasks Already Created over 4,000 tasks in no order parses each creation time a bounded number of times', async () => {
		// Created within the hour before the last one, changed within the last hour: the two
		// orders differ from each other and from the ids.
		const tasks = Array.from({ length: 4000 }, (_, i) =>
			sandbox.addTask({
				text: `Task ${i}`,
				list_ids: [501],
				create_date: pyrusTime(t0 - (3601 + ((i * 7919) % 3600)) * 1000),
				last_modified_date: pyrusTime(t0 - (1 + ((i * 6131) % 3600)) * 1000),
			}),
		);
		const parse = jest.spyOn(DateTime, 'fromISO');
		try {
			const result = await runPyrus(
				{ resource: 'task', operation: 'create', taskKind: 'simple', text: 'A task not there yet', skipExisting: true, additionalFields: { listIds: ['501'] } },
				{ credentials },
			);
			expect(result.error).toBeUndefined();
			expect(result.items.map((item) => item.json.text)).toEqual(['A task not there yet']);
			expect(sandbox.tasks.size).toBe(tasks.length + 1);
			const answered = listCalls().reduce((sum, call) => sum + Number(call.query.item_count), 0);
			// The list read (2 a task), the look-up's window and order (2 a task).
			expect(parse.mock.calls.length).toBeLessThanOrEqual(answered + 4 * tasks.length);
		} finally {
			parse.mockRestore();
		}
	});
});
