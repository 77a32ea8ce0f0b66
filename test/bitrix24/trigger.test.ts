/**
 * Bitrix24 trigger over sequences of polls through n8n-core's poll context, against the
 * loopback sandbox with a webhook credential (no public URL, no event.bind). The portal runs
 * at UTC-05:00, the workflow in Moscow time; the sandbox clock is frozen per step so that
 * "the same second" is exact.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { pollSequence, runPoll } from '../harness';
import { TRIGGER_TYPE, credentialTypes, hook, nodeTypes, useSandbox, webhookCredentials } from './fixtures';

const { sandbox, baseUrl } = useSandbox({ offset: '-05:00' });
/** Start of a whole second, the reference time of each test. */
let t0: number;

beforeEach(() => {
	t0 = Math.floor(Date.now() / 1000) * 1000;
	sandbox.clock.freeze(t0);
});

afterEach(() => sandbox.clock.unfreeze());

/** Moves the sandbox's frozen clock to t0 + seconds. */
function at(seconds: number): void {
	sandbox.clock.freeze(t0 + seconds * 1000);
}

function trigger(parameters: INodeParameters) {
	return pollSequence({ nodeTypes, credentialTypes, type: TRIGGER_TYPE }, () => webhookCredentials(baseUrl()), parameters);
}

const listRequests = () => sandbox.requests.filter((request) => request.path === hook('tasks.task.list'));

describe('Bitrix24 trigger', () => {
	it('first activation emits no backlog; then only what is new, with windows in the portal\'s offset', async () => {
		at(-7200);
		sandbox.addTask({ title: 'old' });
		at(-20);
		sandbox.addTask({ title: 'recent backlog' });
		at(0);
		const { poll } = trigger({ event: 'taskCreated' });

		const first = await poll();
		expect(first.ids).toEqual([]);
		expect(first.result.items).toBeNull();
		const request = listRequests().at(-1)!;
		expect(request.method).toBe('POST');
		const body = request.body as { filter: IDataObject; order: IDataObject; start: number; select: string[] };
		expect(body.order).toEqual({ ID: 'asc' });
		expect(body.start).toBe(-1);
		expect(String(body.filter['>=CHANGED_DATE'])).toMatch(/-05:00$/);
		expect(String(body.filter['<=CHANGED_DATE'])).toMatch(/-05:00$/);
		expect(body.select).toEqual(expect.arrayContaining(['ID', 'TITLE', 'STATUS', 'CHANGED_DATE', 'CREATED_DATE']));
		expect(sandbox.calls).not.toContain('event.bind');

		expect((await poll()).ids).toEqual([]); // nothing new

		at(5);
		sandbox.addTask({ title: 'Call the client', responsibleId: '2' });
		const third = await poll();
		expect(third.ids).toEqual(['3']);
		expect(third.json[0]).toMatchObject({
			vendor: 'bitrix24',
			id: '3',
			title: 'Call the client',
			status: 'open',
			responsibleId: '2',
			createdAt: expect.stringMatching(/\+03:00$/),
			url: `${baseUrl()}/company/personal/user/2/tasks/task/view/3/`,
		});
		// The portal's -05:00 wall time and Moscow time name the same instant.
		expect(Date.parse(String(third.json[0].createdAt))).toBe(t0 + 5000);
		expect((await poll()).ids).toEqual([]);
	});

	it('manual run returns the newest matching task as a sample and keeps the cursor', async () => {
		sandbox.addTask({ title: 'a' });
		sandbox.addTask({ title: 'b' });
		const { poll, state } = trigger({ event: 'taskUpdated', simplify: false });
		await poll();
		const before = JSON.stringify(state());

		const manual = await poll('manual');

		expect(manual.ids).toEqual(['2']);
		expect(manual.json[0]).toHaveProperty('changedDate'); // raw vendor object
		expect(JSON.stringify(state())).toBe(before);
	});

	it('emits changes of the same second exactly once each, also two changes of one task', async () => {
		at(-5);
		sandbox.addTask({});
		sandbox.addTask({});
		at(0);
		const { poll } = trigger({ event: 'taskUpdated', simplify: false });
		await poll();

		at(10);
		sandbox.updateTask(1, { title: 'first change' });
		expect((await poll()).ids).toEqual(['1']);
		// Same second: task 2 changes after the poll already read second 10, then task 1 again.
		sandbox.updateTask(2, { title: 'second change' });
		expect((await poll()).ids).toEqual(['2']);
		sandbox.updateTask(1, { title: 'third change' });
		expect((await poll()).json.map((task) => task.title)).toEqual(['third change']);
		expect((await poll()).ids).toEqual([]);
	});

	it('pages by key through more than 50 changes of one second, each emitted once', async () => {
		const { poll } = trigger({ event: 'taskCreated' });
		await poll();
		at(20);
		for (let n = 0; n < 120; n++) sandbox.addTask({});
		sandbox.clearLog();

		const { ids } = await poll();

		expect(ids).toHaveLength(120);
		expect(new Set(ids).size).toBe(120);
		const cursors = listRequests().map((request) => (request.body as { filter: IDataObject }).filter['>ID']);
		expect(cursors).toEqual(expect.arrayContaining([undefined, 50, 100]));
		expect((await poll()).ids).toEqual([]);
	});

	it('fires "completed" once per completion, with the filters sent to Bitrix24', async () => {
		sandbox.addTask({ responsibleId: '2', groupId: '3' });
		sandbox.addTask({ responsibleId: '4', groupId: '3' });
		const { poll } = trigger({ event: 'taskCompleted', filters: { responsibleIds: ['2'], groupIds: ['3'], statuses: ['5', '3'] } });
		await poll();

		at(30);
		sandbox.updateTask(1, { status: '5', closedDate: sandbox.portalDate() });
		sandbox.updateTask(2, { status: '5', closedDate: sandbox.portalDate() });
		const done = await poll();

		expect(done.ids).toEqual(['1']);
		expect(done.json[0]).toMatchObject({ status: 'completed', vendorStatus: 'Completed', completedAt: expect.stringMatching(/\+03:00$/) });
		const filter = (listRequests().at(-1)!.body as { filter: IDataObject }).filter;
		expect(filter).toMatchObject({ RESPONSIBLE_ID: [2], GROUP_ID: [3], REAL_STATUS: [5, 3] });
		at(31);
		sandbox.updateTask(1, { title: 'renamed while completed' });
		expect((await poll()).ids).toEqual([]);
	});

	it('rejects an unknown status filter, naming it, before any request', async () => {
		const result = await runPoll({
			nodeTypes,
			credentialTypes,
			credentials: webhookCredentials(baseUrl()),
			node: { type: TRIGGER_TYPE, parameters: { event: 'taskCreated', filters: { statuses: '={{ ["8"] }}' } } },
		});

		expect(result.items).toBeNull();
		expect(result.error?.message).toBe('Parameter "Filters → Status": "8" is not a status: use 2 to 6 (or 1, 7)');
		expect(sandbox.requests).toHaveLength(0);
	});
	it.each(['completion', 'submission'] as const)(
		'fires "completed" once when a task under control is approved minutes after it was submitted (CLOSED_DATE set on %s)',
		async (closedDateAt) => {
			sandbox.closedDateAt = closedDateAt;
			const call = async (method: string, params: IDataObject) => {
				const response = await fetch(`${baseUrl()}${hook(method)}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(params),
				});
				expect(response.status).toBe(200);
			};
			at(-300);
			// Created by user 2 with task control, done by the webhook's user 1.
			const task = sandbox.addTask({ title: 'Check the contract', createdBy: '2', responsibleId: '1', taskControl: 'Y' });
			at(0);
			const { poll } = trigger({ event: 'taskCompleted', simplify: false });
			await poll();
			at(10);
			await call('tasks.task.complete', { taskId: task.id });
			expect(sandbox.tasks.get(Number(task.id))?.status).toBe('4');
			// The trigger polls every minute while the task waits for the creator.
			for (let second = 11; second < 310; second += 60) {
				at(second);
				expect((await poll()).ids).toEqual([]);
			}
			at(310);
			await call('tasks.task.approve', { taskId: task.id });
			at(311);
			const approved = await poll();
			expect(approved.ids).toEqual([String(task.id)]);
			expect(approved.json[0]).toMatchObject({ status: '5' });
			at(320);
			expect((await poll()).ids).toEqual([]);
		},
	);
});
