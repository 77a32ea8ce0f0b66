/**
 * amoCRM node, task and task-type operations, run through n8n-core's engine: the requests
 * that go out (method, path, query, body, Authorization) and the items that come out.
 */
import nock from 'nock';

import {
	API,
	BEARER,
	HOST,
	amo,
	amoTask,
	halList,
	lines,
	record,
	runAmo,
	taskRange,
	useAmoEnvironment,
	writeThenRead,
} from './fixtures';

useAmoEnvironment();

const byId = (value: string) => ({ __rl: true, mode: 'id', value });

/** The vendor's example task (https://www.amocrm.ru/developers/content/crm_platform/tasks-api). */
const EXAMPLE = amoTask(56981, {
	is_completed: true,
	text: 'Arrange a meeting\nwith the client',
	result: { text: 'Done' },
});

describe('task: get', () => {
	it('reads one task By ID and returns it untouched', async () => {
		const scope = amo().get(`${API}/tasks/56981`).reply(200, EXAMPLE);
		const log = record(scope);

		const result = await runAmo({ resource: 'task', operation: 'get', taskId: byId('56981') });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(1);
		expect(log.requests[0]).toMatchObject({
			method: 'GET',
			path: `${API}/tasks/56981`,
			query: {},
			body: undefined,
			headers: { authorization: BEARER, accept: 'application/hal+json, application/json' },
		});
		expect(result.items).toEqual([{ json: EXAMPLE, pairedItem: { item: 0 } }]);
		expect(scope.isDone()).toBe(true);
	});

	it('reads the task a By URL link points to', async () => {
		const scope = amo().get(`${API}/tasks/123`).reply(200, amoTask(123));
		const log = record(scope);

		const result = await runAmo({
			resource: 'task',
			operation: 'get',
			taskId: { __rl: true, mode: 'url', value: 'https://acme.amocrm.ru/api/v4/tasks/123' },
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/tasks/123`]);
		expect(log.requests[0].headers.authorization).toBe(BEARER);
		expect(result.items).toEqual([{ json: amoTask(123), pairedItem: { item: 0 } }]);
	});

	it('reads a task from a web link carrying task_id, one request per item', async () => {
		const scope = amo()
			.get(`${API}/tasks/77`)
			.reply(200, amoTask(77))
			.get(`${API}/tasks/78`)
			.reply(200, amoTask(78));
		const log = record(scope);

		const result = await runAmo(
			{ resource: 'task', operation: 'get', taskId: { __rl: true, mode: 'url', value: '={{ $json.link }}' } },
			{
				input: [
					{ link: 'https://acme.amocrm.ru/todo/line/?task_id=77' },
					{ link: 'https://acme.amocrm.ru/api/v4/tasks/78' },
				],
			},
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/tasks/77`, `GET ${API}/tasks/78`]);
		expect(result.items).toEqual([
			{ json: amoTask(77), pairedItem: { item: 0 } },
			{ json: amoTask(78), pairedItem: { item: 1 } },
		]);
	});

	it('simplifies into the common task shape, in the workflow time zone', async () => {
		const scope = amo().get(`${API}/tasks/56981`).reply(200, EXAMPLE);
		const log = record(scope);

		const result = await runAmo(
			{ resource: 'task', operation: 'get', taskId: byId('56981'), simplify: true },
			{ timezone: 'Europe/Moscow' },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/tasks/56981`]);
		expect(result.items).toEqual([
			{
				json: {
					vendor: 'amoCrm',
					id: '56981',
					title: 'Arrange a meeting',
					text: 'Arrange a meeting\nwith the client',
					status: 'completed',
					vendorStatus: 'completed',
					responsibleId: '123123',
					authorId: '54224',
					typeId: '2',
					dueAt: '2019-12-09T19:53:43+03:00',
					createdAt: '2019-12-09T19:48:43+03:00',
					updatedAt: '2019-12-19T18:06:29+03:00',
					completedAt: '2019-12-19T18:06:29+03:00',
					entity: { type: 'leads', id: '180765' },
					url: `${HOST}/leads/detail/180765`,
					resultText: 'Done',
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('simplifies an open, unlinked task: no completion time, no entity, the task list as url', async () => {
		amo()
			.get(`${API}/tasks/5`)
			.reply(200, amoTask(5, { entity_id: null, entity_type: null }));

		const result = await runAmo(
			{ resource: 'task', operation: 'get', taskId: byId('5'), simplify: true },
			{ timezone: 'Asia/Novosibirsk' },
		);

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			id: '5',
			status: 'open',
			completedAt: null,
			entity: null,
			url: `${HOST}/todo/line/`,
			resultText: null,
			dueAt: '2019-12-09T23:53:43+07:00',
		});
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});
});

describe('task: get many', () => {
	const DEFAULT_QS = { 'order[id]': 'asc', page: '1', limit: '50' };

	it.each([
		['Task IDs', { ids: '56981, 56982' }, { 'filter[id][]': ['56981', '56982'] }],
		['Responsible Users', { responsibleUserIds: ['504141', '504142'] }, { 'filter[responsible_user_id][]': ['504141', '504142'] }],
		['Created By', { createdBy: ['54224'] }, { 'filter[created_by][]': '54224' }],
		['Task Types', { taskTypeIds: ['1', '2710394'] }, { 'filter[task_type][]': ['1', '2710394'] }],
		['Status: open', { status: 'open' }, { 'filter[is_completed]': '0' }],
		['Status: completed', { status: 'completed' }, { 'filter[is_completed]': '1' }],
		['Status: any', { status: 'any' }, {}],
		[
			'Linked Entity IDs with their type',
			{ entityIds: '9785993,9785994', entityType: 'contacts' },
			{ 'filter[entity_id][]': ['9785993', '9785994'], 'filter[entity_type]': 'contacts' },
		],
		['Linked Entity Type alone', { entityType: 'companies' }, { 'filter[entity_type]': 'companies' }],
		[
			'Updated After / Before (no offset: the workflow time zone)',
			{ updatedFrom: '2024-05-01T00:00:00', updatedTo: '2024-05-31T23:59:59+03:00' },
			{ 'filter[updated_at][from]': '1714510800', 'filter[updated_at][to]': '1717189199' },
		],
		['Updated After as epoch seconds', { updatedFrom: 1714510800 }, { 'filter[updated_at][from]': '1714510800' }],
	])('filter %s → the exact filter[...] query', async (_name, filters, expected) => {
		const scope = amo().get(`${API}/tasks`).query(true).reply(200, halList('tasks', [amoTask(1)]));
		const log = record(scope);

		const result = await runAmo(
			{ resource: 'task', operation: 'getAll', filters },
			{ timezone: 'Europe/Moscow' },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(1);
		expect(log.requests[0]).toMatchObject({ method: 'GET', path: `${API}/tasks`, headers: { authorization: BEARER } });
		expect(log.requests[0].query).toEqual({ ...expected, ...DEFAULT_QS });
		expect(result.items).toEqual([{ json: amoTask(1), pairedItem: { item: 0 } }]);
	});

	it('combines filters and sorts by the chosen field and direction', async () => {
		const scope = amo().get(`${API}/tasks`).query(true).reply(204);
		const log = record(scope);

		const result = await runAmo({
			resource: 'task',
			operation: 'getAll',
			limit: 5,
			filters: { status: 'open', responsibleUserIds: ['504141'], taskTypeIds: ['2'] },
			options: { sortBy: 'complete_till', sortDirection: 'desc' },
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0].query).toEqual({
			'filter[is_completed]': '0',
			'filter[responsible_user_id][]': '504141',
			'filter[task_type][]': '2',
			'order[complete_till]': 'desc',
			page: '1',
			limit: '5',
		});
		// 204 is amoCRM's empty list: no items, no error.
		expect(result.items).toEqual([]);
	});

	it('merges Extra Query (JSON) into the filter and lets it set the order', async () => {
		const scope = amo().get(`${API}/tasks`).query(true).reply(204);
		const log = record(scope);

		const result = await runAmo({
			resource: 'task',
			operation: 'getAll',
			limit: 5,
			filters: { status: 'completed' },
			options: {
				extraQuery: JSON.stringify({
					filter: { lead_statuses: [{ status_id: 142, pipeline_id: 3 }] },
					order: { created_at: 'desc' },
				}),
			},
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0].query).toEqual({
			'filter[is_completed]': '1',
			'filter[lead_statuses][][status_id]': '142',
			'filter[lead_statuses][][pipeline_id]': '3',
			'order[created_at]': 'desc',
			page: '1',
			limit: '5',
		});
	});

	it('Return All follows the next links page by page and stops on 204', async () => {
		const scope = amo()
			.get(`${API}/tasks`)
			.query({ 'order[created_at]': 'asc', page: '1', limit: '250' })
			.reply(200, halList('tasks', taskRange(1, 250), 1, true))
			.get(`${API}/tasks`)
			.query({ 'order[created_at]': 'asc', page: '2', limit: '250' })
			.reply(200, halList('tasks', taskRange(251, 250), 2, true))
			.get(`${API}/tasks`)
			.query({ 'order[created_at]': 'asc', page: '3', limit: '250' })
			.reply(204);
		const log = record(scope);

		const result = await runAmo({
			resource: 'task',
			operation: 'getAll',
			returnAll: true,
			options: { sortBy: 'created_at' },
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests.map((r) => r.query.page)).toEqual(['1', '2', '3']);
		expect(log.requests.every((r) => r.headers.authorization === BEARER)).toBe(true);
		expect(result.items).toHaveLength(500);
		expect(result.items.map((i) => i.json.id)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
		expect(result.items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(scope.isDone()).toBe(true);
	});

	it('Return All stops at a page without a next link', async () => {
		const scope = amo()
			.get(`${API}/tasks`)
			.query({ 'order[id]': 'asc', page: '1', limit: '250' })
			.reply(200, halList('tasks', taskRange(1, 250), 1, true))
			.get(`${API}/tasks`)
			.query({ 'order[id]': 'asc', page: '2', limit: '250' })
			.reply(200, halList('tasks', taskRange(251, 250), 2, false));
		const log = record(scope);

		const result = await runAmo({ resource: 'task', operation: 'getAll', returnAll: true });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(2);
		expect(log.unmatched).toEqual([]);
		expect(result.items).toHaveLength(500);
	});

	it('Limit 300 asks for two pages of 150 and no more', async () => {
		const scope = amo()
			.get(`${API}/tasks`)
			.query({ 'order[id]': 'asc', page: '1', limit: '150' })
			.reply(200, halList('tasks', taskRange(1, 150), 1, true))
			.get(`${API}/tasks`)
			.query({ 'order[id]': 'asc', page: '2', limit: '150' })
			.reply(200, halList('tasks', taskRange(151, 150), 2, true));
		const log = record(scope);

		const result = await runAmo({ resource: 'task', operation: 'getAll', limit: 300 });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests.map((r) => [r.query.page, r.query.limit])).toEqual([
			['1', '150'],
			['2', '150'],
		]);
		expect(log.unmatched).toEqual([]);
		expect(result.items).toHaveLength(300);
		expect(result.items[299]).toEqual({ json: amoTask(300), pairedItem: { item: 0 } });
	});

	it('Limit 10 takes one page of 10 even when more pages exist', async () => {
		const scope = amo()
			.get(`${API}/tasks`)
			.query({ 'order[id]': 'asc', page: '1', limit: '10' })
			.reply(200, halList('tasks', taskRange(1, 10), 1, true));
		const log = record(scope);

		const result = await runAmo({ resource: 'task', operation: 'getAll', limit: 10 });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(1);
		expect(log.unmatched).toEqual([]);
		expect(result.items).toHaveLength(10);
	});

	it('runs once per input item, pairing each item\'s tasks with it', async () => {
		const scope = amo()
			.get(`${API}/tasks`)
			.query({ 'filter[responsible_user_id][]': '1', 'order[id]': 'asc', page: '1', limit: '50' })
			.reply(200, halList('tasks', [amoTask(10), amoTask(11)]))
			.get(`${API}/tasks`)
			.query({ 'filter[responsible_user_id][]': '2', 'order[id]': 'asc', page: '1', limit: '50' })
			.reply(200, halList('tasks', [amoTask(20)]));
		const log = record(scope);

		const result = await runAmo(
			{ resource: 'task', operation: 'getAll', filters: { responsibleUserIds: '={{ [$json.user] }}' } },
			{ input: [{ user: '1' }, { user: '2' }] },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(2);
		expect(result.items.map((i) => [i.json.id, i.pairedItem])).toEqual([
			[10, { item: 0 }],
			[11, { item: 0 }],
			[20, { item: 1 }],
		]);
	});

	it('simplifies every task of the list in the workflow time zone', async () => {
		amo()
			.get(`${API}/tasks`)
			.query(true)
			.reply(200, halList('tasks', [EXAMPLE, amoTask(2, { complete_till: 1700000000 })]));

		const result = await runAmo(
			{ resource: 'task', operation: 'getAll', simplify: true },
			{ timezone: 'Europe/Moscow' },
		);

		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => [i.json.id, i.json.dueAt, i.json.status, i.pairedItem])).toEqual([
			['56981', '2019-12-09T19:53:43+03:00', 'completed', { item: 0 }],
			['2', '2023-11-15T01:13:20+03:00', 'open', { item: 0 }],
		]);
	});
});

describe('task: create', () => {
	it('creates one task: an array of one with request_id, then reads it back by id', async () => {
		const created = amoTask(4745251, {
			text: 'Call the client',
			complete_till: 1709296200,
			responsible_user_id: 504141,
			task_type_id: 1,
			entity_id: 9785993,
			entity_type: 'contacts',
			duration: 600,
		});
		const scope = amo()
			.post(`${API}/tasks`)
			.reply(200, {
				_links: { self: { href: `${HOST}${API}/tasks` } },
				_embedded: { tasks: [{ id: 4745251, request_id: '1', _links: { self: { href: `${HOST}${API}/tasks/4745251` } } }] },
			})
			.get(`${API}/tasks`)
			.query(true)
			.reply(200, halList('tasks', [created]));
		const log = record(scope);

		const result = await runAmo(
			{
				resource: 'task',
				operation: 'create',
				text: 'Call the client',
				completeTill: '2024-03-01T15:30:00',
				additionalFields: {
					responsibleUserId: '504141',
					taskTypeId: '1',
					duration: 600,
					entityId: '9785993',
					entityType: 'contacts',
					resultText: 'Prepared',
				},
			},
			{ timezone: 'Europe/Moscow' },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`POST ${API}/tasks`, `GET ${API}/tasks`]);
		expect(log.requests[0].headers).toMatchObject({ authorization: BEARER, 'content-type': 'application/json' });
		expect(log.requests[0].body).toEqual([
			{
				text: 'Call the client',
				// 15:30 in Moscow (UTC+3) is 12:30 UTC.
				complete_till: 1709296200,
				responsible_user_id: 504141,
				task_type_id: 1,
				duration: 600,
				entity_id: 9785993,
				entity_type: 'contacts',
				result: { text: 'Prepared' },
				request_id: '1',
			},
		]);
		expect(log.requests[1].query).toEqual({ 'filter[id][]': '4745251', limit: '250' });
		expect(log.requests[1].headers.authorization).toBe(BEARER);
		expect(result.items).toEqual([{ json: created, pairedItem: { item: 0 } }]);
	});

	it('accepts a due date with an offset or as epoch seconds', async () => {
		const scope = writeThenRead('post', [{ id: 1, request_id: '1' }, { id: 2, request_id: '2' }], [amoTask(1), amoTask(2)]);
		const log = record(scope);

		const result = await runAmo(
			{ resource: 'task', operation: 'create', text: '={{ $json.text }}', completeTill: '={{ $json.due }}' },
			{
				input: [
					{ text: 'A', due: '2024-03-01T15:30:00+05:00' },
					{ text: 'B', due: 1709296200 },
				],
				timezone: 'Europe/Moscow',
			},
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0].body).toEqual([
			{ text: 'A', complete_till: 1709289000, request_id: '1' },
			{ text: 'B', complete_till: 1709296200, request_id: '2' },
		]);
		expect(result.items.map((i) => [i.json.id, i.pairedItem])).toEqual([
			[1, { item: 0 }],
			[2, { item: 1 }],
		]);
	});

	it('simplifies the created task', async () => {
		writeThenRead('post', [{ id: 9, request_id: '1' }], [amoTask(9, { text: 'Ring' })]);

		const result = await runAmo(
			{ resource: 'task', operation: 'create', text: 'Ring', completeTill: '2024-03-01T15:30:00Z', simplify: true },
			{ timezone: 'Europe/Moscow' },
		);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{
				json: expect.objectContaining({ vendor: 'amoCrm', id: '9', title: 'Ring', status: 'open', createdAt: '2019-12-09T19:48:43+03:00' }),
				pairedItem: { item: 0 },
			},
		]);
	});
});

describe('task: update, complete, reopen', () => {
	it('update sends only the changed fields with the id, then reads the task back', async () => {
		const updated = amoTask(56981, { text: 'New text', complete_till: 1709296200 });
		const scope = writeThenRead('patch', [{ id: 56981, updated_at: 1709290000, request_id: '1' }], [updated]);
		const log = record(scope);

		const result = await runAmo(
			{
				resource: 'task',
				operation: 'update',
				taskId: byId('56981'),
				updateFields: { text: 'New text', completeTill: '2024-03-01 15:30', taskTypeId: '2' },
			},
			{ timezone: 'Europe/Moscow' },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`PATCH ${API}/tasks`, `GET ${API}/tasks`]);
		expect(log.requests[0].headers.authorization).toBe(BEARER);
		expect(log.requests[0].body).toEqual([
			{ id: 56981, text: 'New text', complete_till: 1709296200, task_type_id: 2, request_id: '1' },
		]);
		expect(log.requests[1].query).toEqual({ 'filter[id][]': '56981', limit: '250' });
		expect(result.items).toEqual([{ json: updated, pairedItem: { item: 0 } }]);
	});

	it('update can move a task to another responsible user and entity', async () => {
		const scope = writeThenRead('patch', [{ id: 7, request_id: '1' }], [amoTask(7)]);
		const log = record(scope);

		const result = await runAmo({
			resource: 'task',
			operation: 'update',
			taskId: byId('7'),
			updateFields: { responsibleUserId: '42', entityId: '555', entityType: 'companies' },
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0].body).toEqual([
			{ id: 7, responsible_user_id: 42, entity_id: 555, entity_type: 'companies', request_id: '1' },
		]);
	});

	it('complete sets is_completed with the result text', async () => {
		const done = amoTask(4747929, { is_completed: true, result: { text: 'Reached the client' } });
		const scope = writeThenRead('patch', [{ id: 4747929, updated_at: 1709290000, request_id: '1' }], [done]);
		const log = record(scope);

		const result = await runAmo(
			{
				resource: 'task',
				operation: 'complete',
				taskId: byId('4747929'),
				resultText: 'Reached the client',
				simplify: true,
			},
			{ timezone: 'Europe/Moscow' },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`PATCH ${API}/tasks`, `GET ${API}/tasks`]);
		expect(log.requests[0]).toMatchObject({ headers: { authorization: BEARER } });
		expect(log.requests[0].body).toEqual([
			{ id: 4747929, is_completed: true, result: { text: 'Reached the client' }, request_id: '1' },
		]);
		expect(log.requests[1].query).toEqual({ 'filter[id][]': '4747929', limit: '250' });
		expect(result.items).toEqual([
			{
				json: expect.objectContaining({
					id: '4747929',
					status: 'completed',
					completedAt: '2019-12-19T18:06:29+03:00',
					resultText: 'Reached the client',
				}),
				pairedItem: { item: 0 },
			},
		]);
	});

	it('complete without a result text sends no result', async () => {
		const scope = writeThenRead('patch', [{ id: 8, request_id: '1' }], [amoTask(8, { is_completed: true })]);
		const log = record(scope);

		const result = await runAmo({ resource: 'task', operation: 'complete', taskId: byId('8') });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0].body).toEqual([{ id: 8, is_completed: true, request_id: '1' }]);
		expect(result.items).toEqual([{ json: amoTask(8, { is_completed: true }), pairedItem: { item: 0 } }]);
	});

	it('complete of several items goes out as one array', async () => {
		const scope = amo()
			.patch(`${API}/tasks`)
			.reply(200, {
				_embedded: {
					tasks: [
						{ id: 12, request_id: '2' },
						{ id: 11, request_id: '1' },
					],
				},
			})
			.get(`${API}/tasks`)
			.query(true)
			.reply(200, halList('tasks', [amoTask(12, { is_completed: true }), amoTask(11, { is_completed: true })]));
		const log = record(scope);

		const result = await runAmo(
			{ resource: 'task', operation: 'complete', taskId: byId('={{ $json.id }}'), resultText: '={{ $json.note }}' },
			{ input: [{ id: 11, note: 'first' }, { id: 12, note: 'second' }] },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0].body).toEqual([
			{ id: 11, is_completed: true, result: { text: 'first' }, request_id: '1' },
			{ id: 12, is_completed: true, result: { text: 'second' }, request_id: '2' },
		]);
		expect(log.requests[1].query).toEqual({ 'filter[id][]': ['11', '12'], limit: '250' });
		expect(result.items.map((i) => [i.json.id, i.pairedItem])).toEqual([
			[11, { item: 0 }],
			[12, { item: 1 }],
		]);
	});

	it('reopen sets is_completed false', async () => {
		const scope = writeThenRead('patch', [{ id: 56981, updated_at: 1709290000, request_id: '1' }], [amoTask(56981)]);
		const log = record(scope);

		const result = await runAmo({
			resource: 'task',
			operation: 'reopen',
			taskId: { __rl: true, mode: 'url', value: 'https://acme.amocrm.ru/api/v4/tasks/56981' },
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`PATCH ${API}/tasks`, `GET ${API}/tasks`]);
		expect(log.requests[0].headers.authorization).toBe(BEARER);
		expect(log.requests[0].body).toEqual([{ id: 56981, is_completed: false, request_id: '1' }]);
		expect(result.items).toEqual([{ json: amoTask(56981), pairedItem: { item: 0 } }]);
	});

	it('when reading the task back fails, the item says what was written and that the read failed', async () => {
		const scope = amo()
			.patch(`${API}/tasks`)
			.reply(200, { _embedded: { tasks: [{ id: 3, updated_at: 1709290000, request_id: '1' }] } })
			.get(`${API}/tasks`)
			.query(true)
			.times(5)
			.reply(503, 'busy');
		const log = record(scope);

		const result = await runAmo({ resource: 'task', operation: 'reopen', taskId: byId('3') });

		log.stop();
		expect(result.error).toBeUndefined();
		// The write is done: one PATCH; only the read was retried.
		expect(log.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
		expect(result.items).toEqual([
			{
				json: {
					id: 3,
					updated_at: 1709290000,
					is_completed: false,
					readBackError: 'The task was written, but reading it back failed: amoCRM: busy. The other fields are the ones sent.',
				},
				pairedItem: { item: 0 },
			},
		]);
	});
});

describe('task type: get many', () => {
	it('lists the account\'s task types, one item each', async () => {
		const types = [
			{ id: 1, name: 'Follow-up', color: null, icon_id: null, code: 'FOLLOW_UP' },
			{ id: 2, name: 'Meeting', color: null, icon_id: null, code: 'MEETING' },
			{ id: 2710394, name: 'Send offer', color: '#ffd1bd', icon_id: 5, code: null },
		];
		const scope = amo()
			.get(`${API}/account`)
			.query({ with: 'task_types' })
			.reply(200, { id: 30896271, name: 'Developers Team', subdomain: 'acme', _embedded: { task_types: types } });
		const log = record(scope);

		const result = await runAmo({ resource: 'taskType', operation: 'getAll' });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(1);
		expect(log.requests[0]).toMatchObject({
			method: 'GET',
			path: `${API}/account`,
			query: { with: 'task_types' },
			headers: { authorization: BEARER },
		});
		expect(result.items).toEqual(types.map((json) => ({ json, pairedItem: { item: 0 } })));
	});
});

describe('credential hosts', () => {
	it.each([
		[{ domain: 'kommo.com', subdomain: 'Acme' }, 'https://acme.kommo.com'],
		[{ domain: 'amocrm.com', subdomain: 'acme' }, 'https://acme.amocrm.com'],
		[{ domain: 'custom', baseUrl: 'https://crm.example.com/' }, 'https://crm.example.com'],
	])('%j sends to %s', async (host, origin) => {
		const scope = nock(origin).get(`${API}/tasks/1`).reply(200, amoTask(1));
		const log = record(scope);

		const result = await runAmo(
			{ resource: 'task', operation: 'get', taskId: byId('1') },
			{ credentials: { amoCrmApi: { ...host, accessToken: 'tok-hosts-1234' } } },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0]).toMatchObject({
			url: `${origin}${API}/tasks/1`,
			headers: { authorization: 'Bearer tok-hosts-1234' },
		});
		expect(result.items).toEqual([{ json: amoTask(1), pairedItem: { item: 0 } }]);
	});
});
