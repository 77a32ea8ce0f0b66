/**
 * Comments: amoCRM tasks have none of their own; the node reads the task and works with the
 * notes of the lead / contact / company it is linked to.
 */
import { API, BEARER, amo, amoTask, halList, lines, record, runAmo, useAmoEnvironment } from './fixtures';

useAmoEnvironment();

const TASK = { __rl: true, mode: 'id', value: '56981' };

function note(id: number, text: string, entityId = 180765) {
	return {
		id,
		entity_id: entityId,
		created_by: 54224,
		updated_by: 54224,
		created_at: 1700000000 + id,
		updated_at: 1700000000 + id,
		responsible_user_id: 54224,
		group_id: 0,
		note_type: 'common',
		params: { text },
		account_id: 321312,
	};
}

describe('comment: add', () => {
	it('reads the task and posts a common note to its lead', async () => {
		const scope = amo()
			.get(`${API}/tasks/56981`)
			.reply(200, amoTask(56981))
			.post(`${API}/leads/180765/notes`)
			.reply(200, {
				_links: { self: { href: 'https://acme.amocrm.ru/api/v4/leads/180765/notes' } },
				_embedded: { notes: [{ id: 42, entity_id: 180765, request_id: '0' }] },
			});
		const log = record(scope);

		const result = await runAmo({ resource: 'comment', operation: 'create', taskId: TASK, text: 'Called, no answer' });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/tasks/56981`, `POST ${API}/leads/180765/notes`]);
		expect(log.requests.map((r) => r.headers.authorization)).toEqual([BEARER, BEARER]);
		expect(log.requests[1].query).toEqual({});
		expect(log.requests[1].body).toEqual([{ note_type: 'common', params: { text: 'Called, no answer' } }]);
		expect(result.items).toEqual([
			{
				json: { id: 42, entity_id: 180765, request_id: '0', task_id: 56981, entity_type: 'leads', text: 'Called, no answer' },
				pairedItem: { item: 0 },
			},
		]);
	});

	it('posts to the contact of a contact task, once per item', async () => {
		const scope = amo()
			.get(`${API}/tasks/1`)
			.reply(200, amoTask(1, { entity_type: 'contacts', entity_id: 11 }))
			.post(`${API}/contacts/11/notes`)
			.reply(200, { _embedded: { notes: [{ id: 101, entity_id: 11 }] } })
			.get(`${API}/tasks/2`)
			.reply(200, amoTask(2, { entity_type: 'companies', entity_id: 22 }))
			.post(`${API}/companies/22/notes`)
			.reply(200, { _embedded: { notes: [{ id: 102, entity_id: 22 }] } });
		const log = record(scope);

		const result = await runAmo(
			{
				resource: 'comment',
				operation: 'create',
				taskId: { __rl: true, mode: 'id', value: '={{ $json.task }}' },
				text: '={{ $json.text }}',
			},
			{ input: [{ task: 1, text: 'first' }, { task: 2, text: 'second' }] },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([
			`GET ${API}/tasks/1`,
			`POST ${API}/contacts/11/notes`,
			`GET ${API}/tasks/2`,
			`POST ${API}/companies/22/notes`,
		]);
		expect(log.requests[1].body).toEqual([{ note_type: 'common', params: { text: 'first' } }]);
		expect(log.requests[3].body).toEqual([{ note_type: 'common', params: { text: 'second' } }]);
		expect(result.items.map((i) => [i.json.id, i.json.entity_type, i.pairedItem])).toEqual([
			[101, 'contacts', { item: 0 }],
			[102, 'companies', { item: 1 }],
		]);
	});

	it('fails clearly for a task linked to nothing, and posts nothing', async () => {
		const scope = amo()
			.get(`${API}/tasks/56981`)
			.reply(200, amoTask(56981, { entity_id: null, entity_type: null }));
		const log = record(scope);

		const result = await runAmo({ resource: 'comment', operation: 'create', taskId: TASK, text: 'Hello' });

		log.stop();
		expect(lines(log)).toEqual([`GET ${API}/tasks/56981`]);
		expect(log.unmatched).toEqual([]);
		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'amoCRM: task 56981 is not linked to a lead, contact, company or customer, so it has nowhere to keep comments',
			description: expect.stringContaining('Link the task to an entity first'),
		});
	});

	it('with Continue On Fail, an unlinked task becomes an error item and the next item goes on', async () => {
		const scope = amo()
			.get(`${API}/tasks/1`)
			.reply(200, amoTask(1, { entity_id: null, entity_type: null }))
			.get(`${API}/tasks/2`)
			.reply(200, amoTask(2))
			.post(`${API}/leads/180765/notes`)
			.reply(200, { _embedded: { notes: [{ id: 5 }] } });
		const log = record(scope);

		const result = await runAmo(
			{ resource: 'comment', operation: 'create', taskId: { __rl: true, mode: 'id', value: '={{ $json.task }}' }, text: 'x' },
			{ input: [{ task: 1 }, { task: 2 }], continueOnFail: true },
		);

		log.stop();
		expect(lines(log)).toEqual([`GET ${API}/tasks/1`, `GET ${API}/tasks/2`, `POST ${API}/leads/180765/notes`]);
		expect(result.items).toEqual([
			{ json: expect.objectContaining({ error: expect.stringContaining('is not linked') }), pairedItem: { item: 0 } },
			{ json: { id: 5, task_id: 2, entity_type: 'leads', text: 'x' }, pairedItem: { item: 1 } },
		]);
	});
});

describe('comment: get many', () => {
	it('lists the notes of the task\'s entity', async () => {
		const scope = amo()
			.get(`${API}/tasks/56981`)
			.reply(200, amoTask(56981))
			.get(`${API}/leads/180765/notes`)
			.query({ page: '1', limit: '50' })
			.reply(200, halList('notes', [note(1, 'one'), note(2, 'two')]));
		const log = record(scope);

		const result = await runAmo({ resource: 'comment', operation: 'getAll', taskId: TASK });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/tasks/56981`, `GET ${API}/leads/180765/notes`]);
		expect(log.requests[1]).toMatchObject({ query: { page: '1', limit: '50' }, headers: { authorization: BEARER } });
		expect(result.items).toEqual([
			{ json: { ...note(1, 'one'), task_id: 56981, entity_type: 'leads' }, pairedItem: { item: 0 } },
			{ json: { ...note(2, 'two'), task_id: 56981, entity_type: 'leads' }, pairedItem: { item: 0 } },
		]);
	});

	it('with Include Task Result, puts the result text first', async () => {
		const scope = amo()
			.get(`${API}/tasks/56981`)
			.reply(200, amoTask(56981, { is_completed: true, result: { text: 'Done' } }))
			.get(`${API}/leads/180765/notes`)
			.query({ page: '1', limit: '50' })
			.reply(200, halList('notes', [note(1, 'one')]));
		const log = record(scope);

		const result = await runAmo({
			resource: 'comment',
			operation: 'getAll',
			taskId: TASK,
			options: { includeResult: true },
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(2);
		expect(result.items).toEqual([
			{ json: { note_type: 'task_result', task_id: 56981, params: { text: 'Done' } }, pairedItem: { item: 0 } },
			{ json: { ...note(1, 'one'), task_id: 56981, entity_type: 'leads' }, pairedItem: { item: 0 } },
		]);
	});

	it('with Include Task Result, the result counts toward Limit', async () => {
		const scope = amo()
			.get(`${API}/tasks/56981`)
			.reply(200, amoTask(56981, { result: { text: 'Done' } }))
			.get(`${API}/leads/180765/notes`)
			.query({ page: '1', limit: '2' })
			.reply(200, halList('notes', [note(1, 'one'), note(2, 'two')], 1, true));
		const log = record(scope);

		const result = await runAmo({
			resource: 'comment',
			operation: 'getAll',
			taskId: TASK,
			limit: 2,
			options: { includeResult: true },
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests).toHaveLength(2);
		expect(result.items.map((i) => [i.json.note_type, (i.json.params as { text: string }).text, i.pairedItem])).toEqual([
			['task_result', 'Done', { item: 0 }],
			['common', 'one', { item: 0 }],
		]);
	});

	it('with Include Task Result, adds nothing for a task without a result', async () => {
		amo()
			.get(`${API}/tasks/56981`)
			.reply(200, amoTask(56981, { result: [] }))
			.get(`${API}/leads/180765/notes`)
			.query(true)
			.reply(204);

		const result = await runAmo({
			resource: 'comment',
			operation: 'getAll',
			taskId: TASK,
			options: { includeResult: true },
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([]);
	});

	it('Return All pages through the notes until 204', async () => {
		const notes = (from: number, count: number) => Array.from({ length: count }, (_, i) => note(from + i, `n${from + i}`));
		const scope = amo()
			.get(`${API}/tasks/56981`)
			.reply(200, amoTask(56981, { entity_type: 'contacts', entity_id: 9 }))
			.get(`${API}/contacts/9/notes`)
			.query({ page: '1', limit: '250' })
			.reply(200, halList('notes', notes(1, 250), 1, true))
			.get(`${API}/contacts/9/notes`)
			.query({ page: '2', limit: '250' })
			.reply(204);
		const log = record(scope);

		const result = await runAmo({ resource: 'comment', operation: 'getAll', taskId: TASK, returnAll: true });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/tasks/56981`, `GET ${API}/contacts/9/notes`, `GET ${API}/contacts/9/notes`]);
		expect(result.items).toHaveLength(250);
		expect(result.items[249]).toEqual({
			json: { ...note(250, 'n250', 180765), task_id: 56981, entity_type: 'contacts' },
			pairedItem: { item: 0 },
		});
	});

	it('an unlinked task has no comments to list: a clear error, no notes request', async () => {
		const scope = amo()
			.get(`${API}/tasks/56981`)
			.reply(200, amoTask(56981, { entity_id: null, entity_type: null }));
		const log = record(scope);

		const result = await runAmo({ resource: 'comment', operation: 'getAll', taskId: TASK });

		log.stop();
		expect(lines(log)).toEqual([`GET ${API}/tasks/56981`]);
		expect(log.unmatched).toEqual([]);
		expect(result.error).toMatchObject({ name: 'NodeOperationError', message: expect.stringContaining('is not linked') });
	});
});
