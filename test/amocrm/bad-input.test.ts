/**
 * Bad input: a NodeOperationError that names the parameter, with the item index, and no
 * request sent. Values come through expressions, as in real workflows (literal values that
 * break a parameter's own rules are stopped by n8n before the node runs).
 */
import nock from 'nock';

import { expectInputError, type BadInputCase } from '../harness';
import { API, amo, amoTask, halList, lines, record, runAmo, tokenCredentials, useAmoEnvironment } from './fixtures';

useAmoEnvironment();

const fromJson = (value: string) => ({ __rl: true, mode: 'id', value });
const GET_TASK_5 = { resource: 'task', operation: 'get', taskId: fromJson('5') };
const CREATE = { resource: 'task', operation: 'create', text: '={{ $json.text }}', completeTill: '={{ $json.due }}' };
const DUE = '2026-03-01T15:30:00+03:00';

type BadCase = BadInputCase;

const cases: BadCase[] = [
	{
		name: 'non-numeric task id',
		parameters: { resource: 'task', operation: 'get', taskId: fromJson('={{ $json.id }}') },
		input: { id: 'abc' },
		message: 'Parameter "Task": "abc" is not a valid id',
	},
	{
		name: 'negative task id on complete',
		parameters: { resource: 'task', operation: 'complete', taskId: fromJson('={{ $json.id }}') },
		input: { id: -4 },
		message: 'Parameter "Task": "-4" is not a valid id',
	},
	{
		name: 'a URL that is not a task link',
		parameters: {
			resource: 'task',
			operation: 'get',
			taskId: { __rl: true, mode: 'url', value: '={{ $json.link }}' },
		},
		input: { link: 'https://acme.amocrm.ru/leads/detail/123' },
		message: 'Parameter "Task": "https://acme.amocrm.ru/leads/detail/123" is not a link to an amoCRM task',
	},
	{
		name: 'unparseable due date',
		parameters: CREATE,
		input: { text: 'Call', due: 'next tuesday' },
		message: 'Parameter "Due Date": "next tuesday" is not a date',
	},
	{
		name: 'missing text',
		parameters: CREATE,
		input: { text: '   ', due: DUE },
		message: 'Parameter "Text": is required',
	},
	{
		name: 'missing due date',
		parameters: CREATE,
		input: { text: 'Call', due: '' },
		message: 'Parameter "Due Date": is required',
	},
	{
		name: 'empty update fields',
		parameters: { resource: 'task', operation: 'update', taskId: fromJson('5'), updateFields: {} },
		message: 'Parameter "Update Fields": add at least one field to change',
	},
	{
		name: 'empty text in update fields',
		parameters: { resource: 'task', operation: 'update', taskId: fromJson('5'), updateFields: { text: '={{ $json.t }}' } },
		input: { t: '' },
		message: 'Parameter "Update Fields → Text": is required',
	},
	{
		name: 'limit 0 on get many tasks',
		parameters: { resource: 'task', operation: 'getAll', limit: '={{ $json.n }}' },
		input: { n: 0 },
		message: 'Parameter "Limit": must be a whole number from 1 up, got "0"',
	},
	{
		name: 'malformed JSON in Extra Query',
		parameters: { resource: 'task', operation: 'getAll', options: { extraQuery: '={{ $json.q }}' } },
		input: { q: '{"filter": {"created_by": [1,]}' },
		message: 'Parameter "Options → Extra Query (JSON)": is not valid JSON',
	},
	{
		name: 'Extra Query with an order amoCRM cannot sort by',
		parameters: { resource: 'task', operation: 'getAll', options: { extraQuery: '={{ $json.q }}' } },
		input: { q: '{"order": {"updated_at": "desc"}}' },
		message: 'Parameter "Options → Extra Query (JSON)": at "order.updated_at"',
	},
	{
		name: 'Extra Query with an unknown key',
		parameters: { resource: 'task', operation: 'getAll', options: { extraQuery: '={{ $json.q }}' } },
		input: { q: '{"page": 3}' },
		message: 'Parameter "Options → Extra Query (JSON)": Unrecognized key(s) in object: \'page\'',
	},
	{
		name: 'limit 0 on get many comments',
		parameters: { resource: 'comment', operation: 'getAll', taskId: fromJson('5'), limit: '={{ $json.n }}' },
		input: { n: 0 },
		message: 'Parameter "Limit": must be a whole number',
	},
	{
		name: 'malformed linked entity id on create',
		parameters: { ...CREATE, additionalFields: { entityId: '={{ $json.lead }}', entityType: 'leads' } },
		input: { text: 'Call', due: DUE, lead: 'lead-17' },
		message: 'Parameter "Additional Fields → Linked Entity ID": "lead-17" is not a valid id',
	},
	{
		name: 'linked entity type without an id on create',
		parameters: { ...CREATE, additionalFields: { entityType: 'contacts' } },
		input: { text: 'Call', due: DUE },
		message: 'Parameter "Additional Fields → Linked Entity ID": is required when a linked entity type is set',
	},
	{
		name: 'linked entity ids without a type in get many filters',
		parameters: { resource: 'task', operation: 'getAll', filters: { entityIds: '9785993' } },
		message: 'Parameter "Filters → Linked Entity Type": is required with Linked Entity IDs',
	},
	{
		name: 'malformed linked entity id in get many filters',
		parameters: { resource: 'task', operation: 'getAll', filters: { entityIds: '12, x7', entityType: 'leads' } },
		message: 'Parameter "Filters → Linked Entity IDs": "x7" is not a valid id',
	},
	{
		name: 'malformed task ids in get many filters',
		parameters: { resource: 'task', operation: 'getAll', filters: { ids: '1;2' } },
		message: 'Parameter "Filters → Task IDs": "1;2" is not a valid id',
	},
	{
		name: 'non-numeric responsible user id on create',
		parameters: { ...CREATE, additionalFields: { responsibleUserId: '={{ $json.user }}' } },
		input: { text: 'Call', due: DUE, user: 'ivan@acme.ru' },
		message: 'Parameter "Additional Fields → Responsible User": "ivan@acme.ru" is not a valid id',
	},
	{
		name: 'non-numeric responsible user in get many filters',
		parameters: { resource: 'task', operation: 'getAll', filters: { responsibleUserIds: '={{ [$json.user] }}' } },
		input: { user: 'ivan' },
		message: 'Parameter "Filters → Responsible Users": "ivan" is not a valid id',
	},
	{
		name: 'non-numeric task type on update',
		parameters: { resource: 'task', operation: 'update', taskId: fromJson('5'), updateFields: { taskTypeId: '={{ $json.type }}' } },
		input: { type: 'Meeting' },
		message: 'Parameter "Update Fields → Task Type": "Meeting" is not a valid id',
	},
	{
		name: 'fractional duration',
		parameters: { ...CREATE, additionalFields: { duration: '={{ $json.d }}' } },
		input: { text: 'Call', due: DUE, d: 1.5 },
		message: 'Parameter "Additional Fields → Duration (Seconds)": must be a whole number of seconds',
	},
	{
		name: 'invalid Updated After date',
		parameters: { resource: 'task', operation: 'getAll', filters: { updatedFrom: '={{ $json.since }}' } },
		input: { since: '2024-13-45' },
		message: 'Parameter "Filters → Updated After": "2024-13-45" is not a date',
	},
	{
		name: 'invalid Updated Before date',
		parameters: { resource: 'task', operation: 'getAll', filters: { updatedTo: '={{ $json.until }}' } },
		input: { until: 'yesterday' },
		message: 'Parameter "Filters → Updated Before": "yesterday" is not a date',
	},
	{
		name: 'empty comment text',
		parameters: { resource: 'comment', operation: 'create', taskId: fromJson('5'), text: '={{ $json.text }}' },
		input: { text: '' },
		message: 'Parameter "Text": is required',
	},
	{
		name: 'bad subdomain in the credential',
		parameters: GET_TASK_5,
		credentials: tokenCredentials({ subdomain: 'my company' }),
		message: 'Credential: Subdomain "my company" is not valid',
	},
	{
		name: 'full address typed as the subdomain',
		parameters: GET_TASK_5,
		credentials: tokenCredentials({ subdomain: 'https://acme.amocrm.ru' }),
		message: 'Credential: Subdomain "https://acme.amocrm.ru" is not valid',
	},
	{
		name: 'http:// base URL for a non-loopback host',
		parameters: GET_TASK_5,
		credentials: tokenCredentials({ domain: 'custom', baseUrl: 'http://acme.amocrm.ru' }),
		message: 'Credential: Base URL "http://acme.amocrm.ru" must start with https://',
	},
	{
		name: 'base URL that is not a URL',
		parameters: GET_TASK_5,
		credentials: tokenCredentials({ domain: 'custom', baseUrl: 'acme amocrm' }),
		message: 'Credential: Base URL "acme amocrm" is not a URL',
	},
	{
		name: 'bad subdomain in the OAuth2 credential',
		parameters: { ...GET_TASK_5, authentication: 'oAuth2' },
		credentials: {
			amoCrmOAuth2Api: {
				domain: 'kommo.com',
				subdomain: 'my company',
				clientId: 'cid',
				clientSecret: 'csecret-123456',
				oauthTokenData: { access_token: 'at-1', refresh_token: 'rt-1' },
			},
		},
		message: 'Credential: Subdomain "my company" is not valid',
	},
];

describe('bad input sends nothing', () => {
	it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, badCase) => {
		const log = record();

		const result = await runAmo(badCase.parameters, {
			input: [badCase.input ?? {}],
			credentials: badCase.credentials,
		});

		log.stop();
		expect(log.unmatched).toEqual([]);
		expect(nock.pendingMocks()).toEqual([]);
		expectInputError(result, badCase.message);
	});

	it('a plain http:// base URL is allowed for a loopback sandbox', async () => {
		const scope = nock('http://127.0.0.1:8765').get(`${API}/tasks/5`).reply(200, amoTask(5));
		const log = record(scope);

		const result = await runAmo(GET_TASK_5, {
			credentials: tokenCredentials({ domain: 'custom', baseUrl: 'http://127.0.0.1:8765' }),
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/tasks/5`]);
	});
});

describe('Continue On Fail with one bad item among three', () => {
	const three = [{ id: '11' }, { id: 'eleven' }, { id: '13' }];

	it('get: items 0 and 2 are read, item 1 is an error paired with it', async () => {
		const scope = amo()
			.get(`${API}/tasks/11`)
			.reply(200, amoTask(11))
			.get(`${API}/tasks/13`)
			.reply(200, amoTask(13));
		const log = record(scope);

		const result = await runAmo(
			{ resource: 'task', operation: 'get', taskId: fromJson('={{ $json.id }}') },
			{ input: three, continueOnFail: true },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`GET ${API}/tasks/11`, `GET ${API}/tasks/13`]);
		expect(log.unmatched).toEqual([]);
		expect(result.items).toEqual([
			{ json: amoTask(11), pairedItem: { item: 0 } },
			{
				json: { error: 'Parameter "Task": "eleven" is not a valid id: expected a positive whole number' },
				pairedItem: { item: 1 },
			},
			{ json: amoTask(13), pairedItem: { item: 2 } },
		]);
	});

	it('complete: one PATCH with items 0 and 2 only, item 1 is an error paired with it', async () => {
		const scope = amo()
			.patch(`${API}/tasks`)
			.reply(200, {
				_embedded: {
					tasks: [
						{ id: 11, request_id: '1' },
						{ id: 13, request_id: '3' },
					],
				},
			})
			.get(`${API}/tasks`)
			.query(true)
			.reply(200, halList('tasks', [amoTask(11, { is_completed: true }), amoTask(13, { is_completed: true })]));
		const log = record(scope);

		const result = await runAmo(
			{ resource: 'task', operation: 'complete', taskId: fromJson('={{ $json.id }}'), resultText: 'ok' },
			{ input: three, continueOnFail: true },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`PATCH ${API}/tasks`, `GET ${API}/tasks`]);
		expect(log.requests[0].body).toEqual([
			{ id: 11, is_completed: true, result: { text: 'ok' }, request_id: '1' },
			{ id: 13, is_completed: true, result: { text: 'ok' }, request_id: '3' },
		]);
		expect(result.items).toEqual([
			{ json: amoTask(11, { is_completed: true }), pairedItem: { item: 0 } },
			{ json: { error: expect.stringContaining('Parameter "Task": "eleven"') }, pairedItem: { item: 1 } },
			{ json: amoTask(13, { is_completed: true }), pairedItem: { item: 2 } },
		]);
	});

	it('create without Continue On Fail: one bad item stops the node before anything is sent', async () => {
		const log = record();

		const result = await runAmo(CREATE, {
			input: [
				{ text: 'A', due: DUE },
				{ text: 'B', due: 'soon' },
				{ text: 'C', due: DUE },
			],
		});

		log.stop();
		expect(log.unmatched).toEqual([]);
		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: expect.stringContaining('Parameter "Due Date": "soon" is not a date'),
			context: { itemIndex: 1 },
		});
	});
});
