/**
 * MoySklad node, task operations, run through n8n-core's engine: the requests that go out
 * (method, path, query, body, Authorization, Accept-Encoding) and the items that come out.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	API,
	BASE,
	BASIC,
	BEARER,
	IDS,
	basicCredentials,
	byId,
	employeeRef,
	lines,
	msList,
	msMetadata,
	msState,
	msTask,
	ms,
	record,
	ref,
	runMs,
	stateRef,
	taskRange,
	taskRef,
	useMsEnvironment,
} from './fixtures';

useMsEnvironment();

const EXAMPLE = msTask();

describe('task: get', () => {
	it('reads one task By ID with the token and gzip headers, and returns it untouched', async () => {
		const scope = ms().get(`${API}/entity/task/${IDS.task}`).reply(200, EXAMPLE);
		const log = record(scope);

		const result = await runMs({ resource: 'task', operation: 'get', taskId: byId(IDS.task) });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(1);
		expect(log.requests[0]).toMatchObject({
			method: 'GET',
			path: `${API}/entity/task/${IDS.task}`,
			query: {},
			body: undefined,
			headers: { authorization: BEARER, 'accept-encoding': 'gzip', accept: 'application/json;charset=utf-8' },
		});
		expect(result.items).toEqual([{ json: EXAMPLE, pairedItem: { item: 0 } }]);
		expect(scope.isDone()).toBe(true);
	});

	it('signs in with login and password as Basic auth', async () => {
		const scope = ms().get(`${API}/entity/task/${IDS.task}`).reply(200, EXAMPLE);
		const log = record(scope);

		const result = await runMs({ resource: 'task', operation: 'get', taskId: byId(IDS.task) }, { credentials: basicCredentials() });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0].headers.authorization).toBe(BASIC);
	});

	it.each([
		// Any link to the web app that carries the task's id: MoySklad documents no route for tasks.
		[`https://online.moysklad.ru/app/#task/edit?id=${IDS.task2}`],
		[`https://online.moysklad.ru/app/#tasks?id=${IDS.task2}&from=list`],
		[`https://online.moysklad.ru/app/#Task/view/${IDS.task2}`],
		[`https://online.moysklad.ru/app/?lang=en#crm/${IDS.task2}`],
		[`${BASE}/entity/task/${IDS.task2}`],
		[`${BASE}/entity/task/${IDS.task2}/notes/${IDS.note}`],
	])('reads the task a By URL link points to: %s', async (link) => {
		const scope = ms().get(`${API}/entity/task/${IDS.task2}`).reply(200, msTask(IDS.task2));
		const log = record(scope);

		const result = await runMs({ resource: 'task', operation: 'get', taskId: { __rl: true, mode: 'url', value: link } });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/entity/task/${IDS.task2}`]);
		expect(result.items[0].json.id).toBe(IDS.task2);
	});

	it('asks for expanded references', async () => {
		const scope = ms().get(`${API}/entity/task/${IDS.task}`).query({ expand: 'assignee,state' }).reply(200, EXAMPLE);
		const log = record(scope);

		const result = await runMs({
			resource: 'task',
			operation: 'get',
			taskId: byId(IDS.task),
			options: { expand: ['assignee', 'state'] },
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0].query).toEqual({ expand: 'assignee,state' });
	});

	it('simplifies into the common task shape, Moscow times turned into the workflow zone', async () => {
		const done = msTask(IDS.task, {
			done: true,
			completed: '2026-05-03 00:15:00.000',
			state: { ...stateRef(), name: 'Встреча' },
		});
		ms().get(`${API}/entity/task/${IDS.task}`).reply(200, done);

		const result = await runMs(
			{ resource: 'task', operation: 'get', taskId: byId(IDS.task), simplify: true },
			{ timezone: 'Europe/Berlin' },
		);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: {
					vendor: 'moySklad',
					id: IDS.task,
					title: 'Fix legal entity details',
					text: 'Fix legal entity details\nin the contract',
					status: 'completed',
					vendorStatus: 'Встреча',
					responsibleId: IDS.employee,
					authorId: IDS.employee2,
					typeId: IDS.state,
					// 17:12 Moscow (UTC+3) is 16:12 in Berlin summer time (UTC+2).
					dueAt: '2026-05-12T16:12:00+02:00',
					createdAt: '2026-05-01T08:00:00+02:00',
					updatedAt: '2026-05-02T09:30:15.123+02:00',
					// Fifteen minutes past midnight in Moscow is still the day before in Berlin.
					completedAt: '2026-05-02T23:15:00+02:00',
					entity: { type: 'counterparty', id: IDS.counterparty },
					// No uuidHref in the answer, and MoySklad documents no web-app route for tasks: no link.
					url: null,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('outputs as url the web-app link MoySklad gives in meta.uuidHref, as it is', async () => {
		const link = `https://online.moysklad.ru/app/#somewhere?id=${IDS.task}`;
		const task = msTask(IDS.task);
		ms().get(`${API}/entity/task/${IDS.task}`).reply(200, { ...task, meta: { ...(task.meta as IDataObject), uuidHref: link } });

		const result = await runMs({ resource: 'task', operation: 'get', taskId: byId(IDS.task), simplify: true });

		expect(result.items[0].json.url).toBe(link);
	});
});

describe('task: get many', () => {
	it('lists open and done tasks by default, with a stable order and the largest page', async () => {
		const scope = ms().get(`${API}/entity/task`).query(true).reply(200, msList(taskRange(1, 3)));
		const log = record(scope);

		const result = await runMs({ resource: 'task', operation: 'getAll', returnAll: true });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0].query).toEqual({
			filter: 'done=true;done=false',
			order: 'created,asc;id,asc',
			limit: '1000',
			offset: '0',
		});
		expect(result.items.map((item) => item.json.id)).toEqual(taskRange(1, 3).map((task) => task.id));
		expect(result.items.every((item) => item.pairedItem !== undefined)).toBe(true);
	});

	it('builds the filter from every field, dates in Moscow time, a ";" escaped', async () => {
		const scope = ms()
			.get(`${API}/entity/task/metadata`)
			.reply(200, msMetadata([msState(IDS.state, 'Встреча')]))
			.get(`${API}/entity/task`)
			.query(true)
			.reply(200, msList([EXAMPLE]));
		const log = record(scope);

		const result = await runMs(
			{
				resource: 'task',
				operation: 'getAll',
				limit: 5,
				filters: {
					status: 'open',
					assignee: IDS.employee,
					author: IDS.employee2,
					agent: IDS.counterparty,
					stateName: 'Встреча',
					description: 'call; then write',
					updatedFrom: '2026-03-01T00:30:00',
					updatedTo: '2026-03-01T23:59:59Z',
				},
				options: { sortBy: 'updated', sortDirection: 'desc' },
			},
			{ timezone: 'UTC' },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		// The task type is checked against the account's types (the API filters on its name).
		expect(lines(log)).toEqual([`GET ${API}/entity/task/metadata`, `GET ${API}/entity/task`]);
		expect(log.requests[1].query).toEqual({
			filter: [
				'done=false',
				`assignee=${BASE}/entity/employee/${IDS.employee}`,
				`author=${BASE}/entity/employee/${IDS.employee2}`,
				`agent=${BASE}/entity/counterparty/${IDS.counterparty}`,
				'state.name=Встреча',
				'description~call\\; then write',
				// 00:30 UTC is 03:30 in Moscow; 23:59:59 UTC is 02:59:59 the next day.
				'updated>=2026-03-01 03:30:00',
				'updated<=2026-03-02 02:59:59',
			].join(';'),
			order: 'updated,desc;id,asc',
			limit: '5',
			offset: '0',
		});
		expect(result.items).toEqual([{ json: EXAMPLE, pairedItem: { item: 0 } }]);
	});

	it('pages with offset until meta.size is reached', async () => {
		const first = taskRange(1, 1000);
		const second = taskRange(1001, 2);
		const scope = ms()
			.get(`${API}/entity/task`)
			.query((q) => q.offset === '0')
			.reply(200, msList(first, { size: 1002 }))
			.get(`${API}/entity/task`)
			.query((q) => q.offset === '1000')
			.reply(200, msList(second, { size: 1002, offset: 1000 }));
		const log = record(scope);

		const result = await runMs({ resource: 'task', operation: 'getAll', returnAll: true, filters: { status: 'completed' } });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests.map((r) => [r.query.filter, r.query.limit, r.query.offset])).toEqual([
			['done=true', '1000', '0'],
			['done=true', '1000', '1000'],
		]);
		expect(result.items).toHaveLength(1002);
		expect(scope.isDone()).toBe(true);
	});

	it('reads at most 100 a page when references are expanded (the API ignores expand above 100)', async () => {
		const scope = ms()
			.get(`${API}/entity/task`)
			.query((q) => q.offset === '0')
			.reply(200, msList(taskRange(1, 60), { size: 150, limit: 60 }))
			.get(`${API}/entity/task`)
			.query((q) => q.offset === '60')
			.reply(200, msList(taskRange(61, 60), { size: 150, offset: 60, limit: 60 }));
		const log = record(scope);

		const result = await runMs({ resource: 'task', operation: 'getAll', limit: 120, options: { expand: ['agent'] } });

		log.stop();
		expect(result.error).toBeUndefined();
		// 120 at a maximum of 100 go as two pages of 60.
		expect(log.requests.map((r) => [r.query.limit, r.query.offset, r.query.expand])).toEqual([
			['60', '0', 'agent'],
			['60', '60', 'agent'],
		]);
		expect(result.items).toHaveLength(120);
	});
});

describe('task: create', () => {
	it('sends one element with meta references built from ids and a Moscow due date', async () => {
		const created = msTask();
		const scope = ms().post(`${API}/entity/task`).reply(200, [created]);
		const log = record(scope);

		const result = await runMs(
			{
				resource: 'task',
				operation: 'create',
				description: 'Fix legal entity details',
				assignee: IDS.employee,
				additionalFields: {
					dueToDate: '2026-05-12T14:12:00Z',
					state: IDS.state,
					agent: { __rl: true, mode: 'list', value: IDS.organization },
					agentType: 'organization',
				},
			},
			{ timezone: 'UTC' },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(1);
		expect(log.requests[0].headers).toMatchObject({ authorization: BEARER, 'accept-encoding': 'gzip', 'content-type': 'application/json' });
		expect(log.requests[0].body).toEqual([
			{
				description: 'Fix legal entity details',
				assignee: employeeRef(),
				dueToDate: '2026-05-12 17:12:00',
				state: stateRef(),
				agent: ref('organization', `entity/organization/${IDS.organization}`),
			},
		]);
		expect(result.items).toEqual([{ json: created, pairedItem: { item: 0 } }]);
	});

	it('links a document instead of an agent', async () => {
		const scope = ms().post(`${API}/entity/task`).reply(200, [msTask()]);
		const log = record(scope);

		const result = await runMs({
			resource: 'task',
			operation: 'create',
			description: 'Ship the order',
			assignee: IDS.employee,
			additionalFields: { operationType: 'customerorder', operationId: IDS.order },
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect((log.requests[0].body as object[])[0]).toEqual({
			description: 'Ship the order',
			assignee: employeeRef(),
			operation: ref('customerorder', `entity/customerorder/${IDS.order}`),
		});
	});
});

describe('task: update, complete, reopen', () => {
	it('updates only the fields given, addressed by the task meta', async () => {
		const updated = msTask(IDS.task, { description: 'New text' });
		const scope = ms().post(`${API}/entity/task`).reply(200, [updated]);
		const log = record(scope);

		const result = await runMs({
			resource: 'task',
			operation: 'update',
			taskId: byId(IDS.task),
			updateFields: { description: 'New text', assignee: IDS.employee2 },
			simplify: true,
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0].body).toEqual([{ ...taskRef(), description: 'New text', assignee: employeeRef(IDS.employee2) }]);
		expect(result.items[0].json).toMatchObject({ vendor: 'moySklad', id: IDS.task, title: 'New text', status: 'open' });
	});

	it.each([
		['complete', true],
		['reopen', false],
	])('%s sends done=%s for every item in one array', async (operation, done) => {
		const scope = ms()
			.post(`${API}/entity/task`)
			.reply(200, [msTask(IDS.task, { done }), msTask(IDS.task2, { done })]);
		const log = record(scope);

		const result = await runMs(
			{ resource: 'task', operation, taskId: byId('={{ $json.id }}') },
			{ input: [{ id: IDS.task }, { id: IDS.task2 }] },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`POST ${API}/entity/task`]);
		expect(log.requests[0].body).toEqual([
			{ ...taskRef(IDS.task), done },
			{ ...taskRef(IDS.task2), done },
		]);
		expect(result.items.map((item) => [item.json.id, item.json.done, item.pairedItem])).toEqual([
			[IDS.task, done, { item: 0 }],
			[IDS.task2, done, { item: 1 }],
		]);
	});
});

describe('task: delete', () => {
	it('deletes one task with DELETE and returns { deleted: true }', async () => {
		const scope = ms().delete(`${API}/entity/task/${IDS.task}`).reply(200);
		const log = record(scope);

		const result = await runMs({ resource: 'task', operation: 'delete', taskId: byId(IDS.task) });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`DELETE ${API}/entity/task/${IDS.task}`]);
		expect(log.requests[0].headers.authorization).toBe(BEARER);
		expect(result.items).toEqual([{ json: { deleted: true }, pairedItem: { item: 0 } }]);
	});

	it('deletes several tasks with one mass-delete call of their metas', async () => {
		const scope = ms()
			.post(`${API}/entity/task/delete`)
			.reply(200, [
				{ info: `Сущность 'task' с UUID: ${IDS.task} успешно удалена` },
				{ info: `Сущность 'task' с UUID: ${IDS.task2} успешно удалена` },
			]);
		const log = record(scope);

		const result = await runMs(
			{ resource: 'task', operation: 'delete', taskId: byId('={{ $json.id }}') },
			{ input: [{ id: IDS.task }, { id: IDS.task2 }] },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`POST ${API}/entity/task/delete`]);
		expect(log.requests[0].body).toEqual([taskRef(IDS.task), taskRef(IDS.task2)]);
		expect(result.items).toEqual([
			{ json: { deleted: true }, pairedItem: { item: 0 } },
			{ json: { deleted: true }, pairedItem: { item: 1 } },
		]);
	});
});
