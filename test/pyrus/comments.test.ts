/**
 * Pyrus node, comment, form and list operations through n8n-core's engine.
 */
import { API, BEARER, BOB, FORM_321, api, byId, record, runPyrus, simpleTask, usePyrusEnvironment } from './fixtures';

usePyrusEnvironment();

const COMMENTS = [
	{ id: 1, create_date: '2026-03-01T09:00:00Z', author: BOB, text: 'First' },
	{ id: 2, create_date: '2026-03-01T10:00:00Z', author: BOB, text: 'Second' },
	{ id: 3, create_date: '2026-03-01T11:00:00Z', author: BOB, text: 'Third' },
];

describe('comment', () => {
	it('adds a plain comment with attachments and returns the new comment', async () => {
		const scope = api()
			.post(`${API}/tasks/11613/comments`)
			.reply(200, { task: simpleTask(11613, { comments: COMMENTS }) });
		const log = record(scope);

		const result = await runPyrus({
			resource: 'comment',
			operation: 'create',
			taskId: byId('11613'),
			text: 'It is done',
			options: { attachments: '[{"url": "https://example.com/a.pdf", "name": "Act"}, "0f0e2a90-1c3b-4d5e-8f70-112233445566"]', skipNotification: true },
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0]).toMatchObject({ method: 'POST', path: `${API}/tasks/11613/comments`, headers: { authorization: BEARER } });
		expect(log.requests[0].body).toEqual({
			text: 'It is done',
			attachments: [{ url: 'https://example.com/a.pdf', name: 'Act' }, { guid: '0f0e2a90-1c3b-4d5e-8f70-112233445566' }],
			skip_notification: true,
		});
		expect(result.items).toEqual([{ json: { ...COMMENTS[2], task_id: 11613 }, pairedItem: { item: 0 } }]);
	});

	it('adds formatted text as formatted_text', async () => {
		const scope = api().post(`${API}/tasks/5/comments`, { formatted_text: '<b>Done</b>' }).reply(200, { task: simpleTask(5, { comments: COMMENTS }) });
		const log = record(scope);

		const result = await runPyrus({ resource: 'comment', operation: 'create', taskId: byId('5'), text: '<b>Done</b>', textFormat: 'html' });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(1);
	});

	it('gets the comments of a task, up to Limit', async () => {
		const scope = api().get(`${API}/tasks/5`).reply(200, { task: simpleTask(5, { comments: COMMENTS }) });
		const log = record(scope);

		const result = await runPyrus({ resource: 'comment', operation: 'getAll', taskId: byId('5'), limit: 2 });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0].headers.authorization).toBe(BEARER);
		expect(result.items).toEqual([
			{ json: { ...COMMENTS[0], task_id: 5 }, pairedItem: { item: 0 } },
			{ json: { ...COMMENTS[1], task_id: 5 }, pairedItem: { item: 0 } },
		]);
	});

	it('edits a comment through edit_comment_id and returns that comment', async () => {
		const edited = COMMENTS.map((c) => (c.id === 2 ? { ...c, text: 'Fixed' } : c));
		const scope = api().post(`${API}/tasks/5/comments`).reply(200, { task: simpleTask(5, { comments: edited }) });
		const log = record(scope);

		const result = await runPyrus({ resource: 'comment', operation: 'update', taskId: byId('5'), commentId: '2', text: 'Fixed' });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0].body).toEqual({ text: 'Fixed', edit_comment_id: 2 });
		expect(result.items).toEqual([{ json: { ...edited[1], task_id: 5 }, pairedItem: { item: 0 } }]);
	});
});

describe('form and list', () => {
	it('gets the open forms', async () => {
		const forms = [FORM_321, { id: 323, name: 'Old', deleted_or_closed: true }];
		const scope = api().get(`${API}/forms`).reply(200, { forms });
		const log = record(scope);

		const result = await runPyrus({ resource: 'form', operation: 'getAll' });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0]).toMatchObject({ method: 'GET', path: `${API}/forms`, headers: { authorization: BEARER } });
		expect(result.items).toEqual([{ json: FORM_321, pairedItem: { item: 0 } }]);
	});

	it('gets one form with its fields and steps', async () => {
		const scope = api().get(`${API}/forms/321`).reply(200, FORM_321);
		const log = record(scope);

		const result = await runPyrus({ resource: 'form', operation: 'get', formId: '321' });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(1);
		expect(result.items).toEqual([{ json: FORM_321, pairedItem: { item: 0 } }]);
	});

	it('gets the lists, nested ones flattened with their parent', async () => {
		const lists = [{ id: 501, name: 'Projects', children: [{ id: 502, name: 'Website', children: [] }] }];
		const scope = api().get(`${API}/lists`).reply(200, { lists });
		const log = record(scope);

		const result = await runPyrus({ resource: 'list', operation: 'getAll' });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests[0].headers.authorization).toBe(BEARER);
		expect(result.items).toEqual([
			{ json: { id: 501, name: 'Projects' }, pairedItem: { item: 0 } },
			{ json: { id: 502, name: 'Website', parent_id: 501 }, pairedItem: { item: 0 } },
		]);
	});
});
