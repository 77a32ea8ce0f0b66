/**
 * A task type (task state) given by name as well as by id, through n8n-core's engine: the
 * account's types are read once per run, the name matched exactly then ignoring case, and
 * an unknown name fails its item before any write leaves.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	API,
	IDS,
	byId,
	lines,
	ms,
	msList,
	msMetadata,
	msState,
	msTask,
	record,
	runMs,
	stateRef,
	taskRef,
	useMsEnvironment,
} from './fixtures';

useMsEnvironment();

const METADATA = `${API}/entity/task/metadata`;
const TASKS = `${API}/entity/task`;
const MEETING = msState(IDS.state, 'Встреча', 15106326);
const CALL = msState(IDS.state2, 'Связаться', 10667543);
const STATES = msMetadata([MEETING, CALL]);
/** A state reference exactly as the list gave it (with metadataHref). */
const listedRef = (state: IDataObject) => ({ meta: state.meta });

const CREATE = {
	resource: 'task',
	operation: 'create',
	description: '={{ $json.text }}',
	assignee: IDS.employee,
	additionalFields: { state: '={{ $json.stateName }}' },
};
const UNKNOWN = 'Parameter "Additional Fields → Task Type": no task state named "Звонок"; the account has: Встреча, Связаться';

describe('task type by name: create and update', () => {
	it('resolves names for a run of several items with one read of the task types', async () => {
		const scope = ms()
			.get(METADATA)
			.reply(200, STATES)
			.post(TASKS)
			.reply(200, [msTask(IDS.task), msTask(IDS.task2), msTask(IDS.task3)]);
		const log = record(scope);

		const result = await runMs(CREATE, {
			input: [
				{ text: 'a', stateName: 'Встреча' },
				// Differs only in case: matched ignoring case.
				{ text: 'b', stateName: ' связаться ' },
				{ text: 'c', stateName: 'Встреча' },
			],
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${METADATA}`, `POST ${TASKS}`]);
		expect(log.requests[0].query).toEqual({});
		expect((log.requests[1].body as IDataObject[]).map((element) => element.state)).toEqual([
			listedRef(MEETING),
			listedRef(CALL),
			listedRef(MEETING),
		]);
		expect(result.items.map((item) => [item.json.id, item.pairedItem])).toEqual([
			[IDS.task, { item: 0 }],
			[IDS.task2, { item: 1 }],
			[IDS.task3, { item: 2 }],
		]);
		expect(scope.isDone()).toBe(true);
	});

	it('prefers the exact name over one that differs only in case', async () => {
		const upper = msState(IDS.state2, 'ВСТРЕЧА');
		const scope = ms().get(METADATA).reply(200, msMetadata([MEETING, upper])).post(TASKS).reply(200, [msTask()]);
		const log = record(scope);

		const result = await runMs(CREATE, { input: [{ text: 'a', stateName: 'ВСТРЕЧА' }] });

		log.stop();
		expect(result.error).toBeUndefined();
		expect((log.requests[1].body as IDataObject[])[0].state).toEqual(listedRef(upper));
	});

	it('refuses a name that matches several types only when ignoring case', async () => {
		const scope = ms()
			.get(METADATA)
			.reply(200, msMetadata([msState(IDS.state, 'Call'), msState(IDS.state2, 'CALL')]))
			.post(TASKS)
			.reply(200, [msTask()]);
		const log = record(scope);

		const result = await runMs(CREATE, { input: [{ text: 'a', stateName: 'call' }] });

		log.stop();
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Parameter "Additional Fields → Task Type": "call" matches several task states (Call, CALL); give the exact name or the ID',
		});
		expect(lines(log)).toEqual([`GET ${METADATA}`]);
	});

	it('builds the reference from an id without reading the task types', async () => {
		const scope = ms().post(TASKS).reply(200, [msTask()]);
		const log = record(scope);

		const result = await runMs(CREATE, { input: [{ text: 'a', stateName: IDS.state.toUpperCase() }] });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`POST ${TASKS}`]);
		expect((log.requests[0].body as IDataObject[])[0].state).toEqual(stateRef());
	});

	it('update sends the named type\'s meta', async () => {
		const scope = ms().get(METADATA).reply(200, STATES).post(TASKS).reply(200, [msTask()]);
		const log = record(scope);

		const result = await runMs({
			resource: 'task',
			operation: 'update',
			taskId: byId(IDS.task),
			updateFields: { state: 'Связаться' },
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${METADATA}`, `POST ${TASKS}`]);
		expect(log.requests[1].body).toEqual([{ ...taskRef(), state: listedRef(CALL) }]);
	});
});

describe('task type by name: unknown names', () => {
	it('fails with the known names, naming the parameter, after the read and before any write', async () => {
		const scope = ms().get(METADATA).reply(200, STATES).post(TASKS).reply(200, [msTask()]);
		const log = record(scope);

		const result = await runMs(CREATE, { input: [{ text: 'a', stateName: 'Звонок' }] });

		log.stop();
		expect(result.error).toMatchObject({ name: 'NodeOperationError', message: UNKNOWN });
		expect((result.error as unknown as IDataObject).context).toMatchObject({ itemIndex: 0 });
		expect(lines(log)).toEqual([`GET ${METADATA}`]);
		expect(log.unmatched).toEqual([]);
		// The write was offered and not taken.
		expect(scope.pendingMocks()).toEqual([`POST ${'https://api.moysklad.ru:443'}${TASKS}`]);
	});

	it('names the update\'s parameter and the item', async () => {
		const scope = ms().get(METADATA).reply(200, STATES).post(TASKS).reply(200, [msTask(), msTask()]);
		const log = record(scope);

		const result = await runMs(
			{ resource: 'task', operation: 'update', taskId: byId(IDS.task), updateFields: { state: '={{ $json.stateName }}' } },
			{ input: [{ stateName: 'Встреча' }, { stateName: 'Звонок' }] },
		);

		log.stop();
		expect(result.error).toMatchObject({
			message: 'Parameter "Update Fields → Task Type": no task state named "Звонок"; the account has: Встреча, Связаться',
		});
		expect((result.error as unknown as IDataObject).context).toMatchObject({ itemIndex: 1 });
		expect(lines(log)).toEqual([`GET ${METADATA}`]);
	});

	it('keeps the other items going with Continue On Fail, writing only them', async () => {
		const scope = ms()
			.get(METADATA)
			.reply(200, STATES)
			.post(TASKS)
			.reply(200, [msTask(IDS.task), msTask(IDS.task3)]);
		const log = record(scope);

		const result = await runMs(CREATE, {
			input: [
				{ text: 'a', stateName: 'Встреча' },
				{ text: 'b', stateName: 'Звонок' },
				{ text: 'c', stateName: IDS.state2 },
			],
			continueOnFail: true,
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${METADATA}`, `POST ${TASKS}`]);
		expect(log.requests[1].body).toEqual([
			expect.objectContaining({ description: 'a', state: listedRef(MEETING) }),
			expect.objectContaining({ description: 'c', state: stateRef(IDS.state2) }),
		]);
		expect(result.items).toEqual([
			{ json: expect.objectContaining({ id: IDS.task }), pairedItem: { item: 0 } },
			{ json: { error: UNKNOWN }, pairedItem: { item: 1 } },
			{ json: expect.objectContaining({ id: IDS.task3 }), pairedItem: { item: 2 } },
		]);
	});

	it('without Continue On Fail an earlier bad item stops the run before the types are read', async () => {
		const scope = ms().get(METADATA).reply(200, STATES).post(TASKS).reply(200, [msTask()]);
		const log = record(scope);

		const result = await runMs(CREATE, { input: [{ text: '', stateName: 'Встреча' }, { text: 'b', stateName: 'Встреча' }] });

		log.stop();
		expect(result.error).toMatchObject({ message: 'Parameter "Description": is required and must not be empty' });
		expect(log.requests).toEqual([]);
		expect(log.unmatched).toEqual([]);
	});
});

describe('task type filter of Get Many', () => {
	it('filters on the type\'s own name, given by name in any case or by id, reading the types once', async () => {
		const scope = ms()
			.get(METADATA)
			.reply(200, STATES)
			.get(TASKS)
			.query(true)
			.times(2)
			.reply(200, msList([msTask()]));
		const log = record(scope);

		const result = await runMs(
			{ resource: 'task', operation: 'getAll', limit: 1, filters: { stateName: '={{ $json.stateName }}' } },
			{ input: [{ stateName: 'встреча' }, { stateName: IDS.state2 }] },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${METADATA}`, `GET ${TASKS}`, `GET ${TASKS}`]);
		expect(log.requests.slice(1).map((request) => request.query.filter)).toEqual([
			'done=true;done=false;state.name=Встреча',
			'done=true;done=false;state.name=Связаться',
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it.each([
		['Звонок', 'no task state named "Звонок"'],
		[IDS.task, `no task state with ID "${IDS.task}"`],
	])('refuses %s, listing the known types, with only the read sent', async (value, problem) => {
		const scope = ms().get(METADATA).reply(200, STATES).get(TASKS).query(true).reply(200, msList([]));
		const log = record(scope);

		const result = await runMs({ resource: 'task', operation: 'getAll', filters: { stateName: value } });

		log.stop();
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: `Parameter "Filters → Task Type": ${problem}; the account has: Встреча, Связаться`,
		});
		expect((result.error as unknown as IDataObject).context).toMatchObject({ itemIndex: 0 });
		expect(lines(log)).toEqual([`GET ${METADATA}`]);
	});
});
