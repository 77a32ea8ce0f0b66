/**
 * Pyrus node, task operations through n8n-core's engine: the requests that go out (method,
 * path, query, body, Authorization) and the items that come out.
 */
import {
	API,
	BEARER,
	FORM_321,
	api,
	byId,
	formTask,
	lines,
	record,
	runPyrus,
	simpleTask,
	usePyrusEnvironment,
} from './fixtures';

usePyrusEnvironment();

describe('task: get', () => {
	it('reads one task with its comments, By ID', async () => {
		const scope = api().get(`${API}/tasks/11613`).reply(200, { task: simpleTask(11613) });
		const log = record(scope);

		const result = await runPyrus({ resource: 'task', operation: 'get', taskId: byId('11613') });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(1);
		expect(log.requests[0]).toMatchObject({
			method: 'GET',
			path: `${API}/tasks/11613`,
			query: {},
			body: undefined,
			headers: { authorization: BEARER, accept: 'application/json' },
		});
		expect(result.items).toEqual([{ json: simpleTask(11613), pairedItem: { item: 0 } }]);
	});

	it('reads the task picked From List (the inbox search\'s value)', async () => {
		const scope = api().get(`${API}/tasks/11613`).reply(200, { task: simpleTask(11613) });
		const log = record(scope);

		const result = await runPyrus({
			resource: 'task',
			operation: 'get',
			taskId: { __rl: true, mode: 'list', value: '11613', cachedResultName: 'Task 11613 (#11613)' },
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/tasks/11613`]);
		expect(result.items).toEqual([{ json: simpleTask(11613), pairedItem: { item: 0 } }]);
	});

	it('reads the task a web link points to, and simplifies it to the common shape', async () => {
		const task = simpleTask(42, { subject: 'Payments', close_date: '2026-03-03T12:00:00Z', parent_task_id: 40 });
		const scope = api().get(`${API}/tasks/42`).reply(200, { task });
		const log = record(scope);

		const result = await runPyrus(
			{ resource: 'task', operation: 'get', taskId: { __rl: true, mode: 'url', value: 'https://pyrus.com/t#id42' }, simplify: true },
			{ timezone: 'Europe/Moscow' },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/tasks/42`]);
		expect(result.items).toEqual([
			{
				json: {
					vendor: 'pyrus',
					id: '42',
					title: 'Payments',
					text: 'Task 42\nsecond line',
					status: 'completed',
					vendorStatus: 'closed',
					responsibleId: '1733',
					authorId: '1731',
					typeId: null,
					dueAt: '2026-03-10',
					createdAt: '2026-03-01T12:00:00+03:00',
					updatedAt: '2026-03-02T13:30:00+03:00',
					completedAt: '2026-03-03T15:00:00+03:00',
					entity: { type: 'task', id: '40' },
					url: 'https://pyrus.com/t#id42',
				},
				pairedItem: { item: 0 },
			},
		]);
	});
});

describe('task: get many', () => {
	it('reads a form register with its filters, sorted by id', async () => {
		const scope = api()
			.get(`${API}/forms/321`)
			.reply(200, FORM_321)
			.get(`${API}/forms/321/register`)
			.query(true)
			.reply(200, { tasks: [formTask(5), formTask(6)] });
		const log = record(scope);

		const result = await runPyrus(
			{
				resource: 'task',
				operation: 'getAll',
				source: 'form',
				formId: '321',
				limit: 10,
				filters: {
					steps: '1, 2',
					includeArchived: true,
					createdAfter: '2026-03-01T00:00:00',
					modifiedBefore: '2026-03-05T12:00:00+03:00',
					closedAfter: '2026-02-01',
					dueFilter: 'overdue',
				},
				fieldFilters: { field: [{ field: 'Amount', value: 'gt1000' }, { field: '6', value: 'checked' }] },
			},
			{ timezone: 'Europe/Moscow' },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/forms/321`, `GET ${API}/forms/321/register`]);
		expect(log.requests[1].query).toEqual({
			steps: '1,2',
			include_archived: 'y',
			created_after: '2026-02-28T21:00:00Z',
			modified_before: '2026-03-05T09:00:00Z',
			closed_after: '2026-01-31T21:00:00Z',
			due_filter: 'overdue',
			fld2: 'gt1000',
			fld6: 'checked',
			sort: 'id',
			item_count: '10',
		});
		expect(result.items).toEqual([
			{ json: formTask(5), pairedItem: { item: 0 } },
			{ json: formTask(6), pairedItem: { item: 0 } },
		]);
	});

	it('pages past the register cap by task id', async () => {
		const full = Array.from({ length: 20_000 }, (_, i) => ({ id: i + 1 }));
		const scope = api()
			.get(`${API}/forms/321/register`)
			.query({ sort: 'id', item_count: '20000' })
			.reply(200, { tasks: full })
			.get(`${API}/forms/321/register`)
			.query({ sort: 'id', item_count: '20000', id: 'gt20000' })
			.reply(200, { tasks: [{ id: 20001 }, { id: 20002 }] });
		const log = record(scope);

		const result = await runPyrus({ resource: 'task', operation: 'getAll', source: 'form', formId: '321', returnAll: true });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests.map((r) => r.query)).toEqual([
			{ sort: 'id', item_count: '20000' },
			{ sort: 'id', item_count: '20000', id: 'gt20000' },
		]);
		expect(result.items).toHaveLength(20_002);
		expect(result.items[20_001]).toEqual({ json: { id: 20002 }, pairedItem: { item: 0 } });
	});

	it('reads a list past a cut page by splitting its time window at the page\'s median change, newer half first, dropping repeats', async () => {
		const page1 = [
			simpleTask(3, { last_modified_date: '2026-03-05T10:00:00Z' }),
			simpleTask(2, { last_modified_date: '2026-03-04T10:00:00Z' }),
		];
		const newer = [simpleTask(4, { last_modified_date: '2026-03-06T10:00:00Z' }), simpleTask(3, { last_modified_date: '2026-03-05T10:00:00Z' })];
		const older = [simpleTask(3, { last_modified_date: '2026-03-05T10:00:00Z' }), simpleTask(2, { last_modified_date: '2026-03-04T10:00:00Z' }), simpleTask(1, { last_modified_date: '2026-03-01T10:00:00Z' })];
		const scope = api()
			.get(`${API}/lists/501/tasks`)
			.query({ item_count: '200', include_archived: 'y' })
			.reply(200, { tasks: page1, has_more: true })
			.get(`${API}/lists/501/tasks`)
			.query({ item_count: '200', include_archived: 'y', modified_after: '2026-03-05T10:00:00Z' })
			.reply(200, { tasks: newer, has_more: false })
			.get(`${API}/lists/501/tasks`)
			.query({ item_count: '200', include_archived: 'y', modified_before: '2026-03-05T10:00:00Z' })
			.reply(200, { tasks: older, has_more: false });
		const log = record(scope);

		const result = await runPyrus({
			resource: 'task',
			operation: 'getAll',
			source: 'list',
			listId: '501',
			returnAll: true,
			filters: { includeArchived: true },
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(3);
		expect(result.items.map((item) => item.json.id)).toEqual([4, 3, 2, 1]);
	});

	it('reads the inbox, groups included, up to Limit', async () => {
		const scope = api()
			.get(`${API}/inbox`)
			.query({ item_count: '2', group_item_count: '2' })
			.reply(200, {
				tasks: [simpleTask(1)],
				task_groups: [{ id: 9, name: 'Group', tasks: [simpleTask(2), simpleTask(3)] }],
			});
		const log = record(scope);

		const result = await runPyrus({ resource: 'task', operation: 'getAll', source: 'inbox', limit: 2 });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0].headers.authorization).toBe(BEARER);
		expect(result.items.map((item) => [item.json.id, item.pairedItem])).toEqual([
			[1, { item: 0 }],
			[2, { item: 0 }],
		]);
	});
});

describe('task: create', () => {
	it('creates a simple task with people, due time, lists, parent and schedule', async () => {
		const created = simpleTask(20001);
		const scope = api().post(`${API}/tasks`).reply(200, { task: created });
		const log = record(scope);

		const result = await runPyrus(
			{
				resource: 'task',
				operation: 'create',
				taskKind: 'simple',
				text: 'Help me',
				additionalFields: {
					subject: 'Printer',
					responsible: 'john.snow@example.com',
					participants: '1731, jane.doe@example.com',
					subscribers: '1725',
					due: '2026-03-10T18:00:00',
					duration: 90,
					parentTaskId: '11613',
					listIds: ['501', '502'],
					scheduledDate: '2026-03-09',
					attachments: '["08923d83-255b-4f18-b0eb-5c4d3b9bf1d2", "https://example.com/spec.pdf"]',
				},
			},
			{ timezone: 'Europe/Moscow' },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0]).toMatchObject({ method: 'POST', path: `${API}/tasks`, headers: { authorization: BEARER } });
		expect(log.requests[0].body).toEqual({
			text: 'Help me',
			subject: 'Printer',
			responsible: { email: 'john.snow@example.com' },
			participants: [{ id: 1731 }, { email: 'jane.doe@example.com' }],
			subscribers: [{ id: 1725 }],
			due: '2026-03-10T15:00:00Z',
			duration: 90,
			parent_task_id: 11613,
			list_ids: [501, 502],
			scheduled_date: '2026-03-09',
			attachments: [{ guid: '08923d83-255b-4f18-b0eb-5c4d3b9bf1d2' }, { url: 'https://example.com/spec.pdf' }],
		});
		expect(result.items).toEqual([{ json: created, pairedItem: { item: 0 } }]);
	});

	it('creates a form task with fields by name, approvals and defaults', async () => {
		const created = formTask(20002);
		const scope = api().get(`${API}/forms/321`).reply(200, FORM_321).post(`${API}/tasks`).reply(200, { task: created });
		const log = record(scope);

		const result = await runPyrus({
			resource: 'task',
			operation: 'create',
			taskKind: 'form',
			formId: '321',
			fields: { field: [{ field: 'Purpose', value: 'Printer does not print' }, { field: 'amount', value: '1365.27' }] },
			additionalFields: { approvals: '[[1731], ["jane.doe@example.com", 1733]]', fillDefaults: true },
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/forms/321`, `POST ${API}/tasks`]);
		expect(log.requests[1].body).toEqual({
			form_id: 321,
			approvals: [[{ id: 1731 }], [{ email: 'jane.doe@example.com' }, { id: 1733 }]],
			fill_defaults: true,
			fields: [
				{ id: 1, value: 'Printer does not print' },
				{ id: 2, value: 1365.27 },
			],
		});
		expect(result.items).toEqual([{ json: created, pairedItem: { item: 0 } }]);
	});

	it('reads the form schema once for all items of a run', async () => {
		const scope = api()
			.get(`${API}/forms/321`)
			.once()
			.reply(200, FORM_321)
			.post(`${API}/tasks`)
			.times(2)
			.reply(200, { task: formTask(1) });
		const log = record(scope);

		const result = await runPyrus(
			{ resource: 'task', operation: 'create', taskKind: 'form', formId: '321', fields: { field: [{ field: 'Purpose', value: '={{ $json.p }}' }] } },
			{ input: [{ p: 'a' }, { p: 'b' }] },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/forms/321`, `POST ${API}/tasks`, `POST ${API}/tasks`]);
		expect(log.requests.slice(1).map((r) => r.body)).toEqual([
			{ form_id: 321, fields: [{ id: 1, value: 'a' }] },
			{ form_id: 321, fields: [{ id: 1, value: 'b' }] },
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('task: update, complete, reopen, delete', () => {
	it('updates a task through one comment with every kind of change, after checking it is a simple task', async () => {
		const updated = simpleTask(11613, { subject: 'New' });
		const scope = api().get(`${API}/tasks/11613`).reply(200, { task: simpleTask(11613) }).post(`${API}/tasks/11613/comments`).reply(200, { task: updated });
		const log = record(scope);

		const result = await runPyrus({
			resource: 'task',
			operation: 'update',
			taskId: byId('11613'),
			updateFields: {
				text: 'Moved',
				subject: 'New',
				dueDate: '2026-04-01',
				reassignTo: '1733',
				participantsAdded: '1725',
				participantsRemoved: 'bob.smith@example.com',
				subscribersAdded: '1740',
				subscribersRemoved: '1731',
				listsAdded: ['501'],
				listsRemoved: '502',
				approvalChoice: 'approved',
				spentMinutes: 30,
				skipNotification: true,
				attachments: '[{"attachment_id": 77}]',
			},
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/tasks/11613`, `POST ${API}/tasks/11613/comments`]);
		expect(log.requests[1].headers.authorization).toBe(BEARER);
		expect(log.requests[1].body).toEqual({
			text: 'Moved',
			subject: 'New',
			due_date: '2026-04-01',
			reassign_to: { id: 1733 },
			participants_added: [{ id: 1725 }],
			participants_removed: [{ email: 'bob.smith@example.com' }],
			subscribers_added: [{ id: 1740 }],
			subscribers_removed: [{ id: 1731 }],
			added_list_ids: [501],
			removed_list_ids: [502],
			approval_choice: 'approved',
			spent_minutes: 30,
			skip_notification: true,
			attachments: [{ attachment_id: 77 }],
		});
		expect(result.items).toEqual([{ json: updated, pairedItem: { item: 0 } }]);
	});

	it('cancels the due date', async () => {
		const scope = api().post(`${API}/tasks/5/comments`, { cancel_due: true }).reply(200, { task: simpleTask(5) });
		const log = record(scope);

		const result = await runPyrus({ resource: 'task', operation: 'update', taskId: byId('5'), updateFields: { cancelDue: true } });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests.map((r) => r.body)).toEqual([{ cancel_due: true }]);
	});

	it('updates form fields by name: reads the task and its form, then posts field_updates', async () => {
		const scope = api()
			.get(`${API}/tasks/77`)
			.reply(200, { task: formTask(77) })
			.get(`${API}/forms/321`)
			.reply(200, FORM_321)
			.post(`${API}/tasks/77/comments`)
			.reply(200, { task: formTask(77) });
		const log = record(scope);

		const result = await runPyrus({
			resource: 'task',
			operation: 'update',
			taskId: byId('77'),
			updateFields: { text: 'Amount fixed' },
			fieldUpdates: { field: [{ field: 'Amount', value: '99.5' }] },
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/tasks/77`, `GET ${API}/forms/321`, `POST ${API}/tasks/77/comments`]);
		expect(log.requests[2].body).toEqual({ text: 'Amount fixed', field_updates: [{ id: 2, value: 99.5 }] });
	});

	it.each([
		['complete', 'finished'],
		['reopen', 'reopened'],
	])('%s posts a comment with action "%s" and the optional text', async (operation, action) => {
		const task = simpleTask(9, action === 'finished' ? { close_date: '2026-03-03T12:00:00Z' } : {});
		const scope = api().post(`${API}/tasks/9/comments`).reply(200, { task });
		const log = record(scope);

		const result = await runPyrus({ resource: 'task', operation, taskId: byId('9'), text: 'Done', simplify: true });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0]).toMatchObject({ method: 'POST', path: `${API}/tasks/9/comments`, headers: { authorization: BEARER } });
		expect(log.requests[0].body).toEqual({ action, text: 'Done' });
		expect(result.items[0].json).toMatchObject({ id: '9', status: action === 'finished' ? 'completed' : 'open' });
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('deletes a task and answers { deleted: true }', async () => {
		const scope = api().delete(`${API}/tasks/11611`).reply(200, { deleted: true });
		const log = record(scope);

		const result = await runPyrus({ resource: 'task', operation: 'delete', taskId: byId('11611') }, { input: [{ a: 1 }] });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0]).toMatchObject({ method: 'DELETE', path: `${API}/tasks/11611`, headers: { authorization: BEARER } });
		expect(result.items).toEqual([{ json: { deleted: true }, pairedItem: { item: 0 } }]);
	});

	it('does not send a comment twice when the answer is lost', async () => {
		const scope = api().post(`${API}/tasks/9/comments`).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
		const log = record(scope);

		const result = await runPyrus({ resource: 'task', operation: 'complete', taskId: byId('9') });

		log.stop();
		expect(log.requests).toHaveLength(1);
		expect(result.error).toMatchObject({ name: 'NodeApiError', message: 'Pyrus: the outcome of this write is unknown' });
	});
});
