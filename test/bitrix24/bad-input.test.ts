/**
 * Bad input: a NodeOperationError that names the parameter (or the credential field), with
 * the item index, and no request sent. Values come through expressions, as in real workflows.
 */
import { expectInputError, type BadInputCase, type CredentialDataMap } from '../harness';
import { runB24, useSandbox, webhookCredentials } from './fixtures';

const { sandbox, baseUrl } = useSandbox();

const fromJson = (value: string) => ({ __rl: true, mode: 'id', value });
const CREATE = { resource: 'task', operation: 'create', title: 'Call', responsibleId: '2' };
const GET_MANY = { resource: 'task', operation: 'getAll' };

/** Credentials depend on the sandbox's address. */
type BadCase = BadInputCase<(baseUrl: string) => CredentialDataMap>;

const cases: BadCase[] = [
	{
		name: 'webhook URL without the secret',
		parameters: { resource: 'task', operation: 'get', taskId: fromJson('5') },
		credentials: (base) => webhookCredentials(base, { webhookSecretUrl: `${base}/rest/1/` }),
		message: 'Credential: Webhook URL must look like https://your-portal.bitrix24.com/rest/1/abcdefgh12345678/',
	},
	{
		name: 'webhook URL over plain http to a remote host',
		parameters: { resource: 'task', operation: 'get', taskId: fromJson('5') },
		credentials: (base) => webhookCredentials(base, { webhookSecretUrl: 'http://acme.bitrix24.com/rest/1/abcdef123456/' }),
		message: 'Credential: Webhook URL must start with https://',
	},
	{
		name: 'OAuth2 portal URL over plain http',
		parameters: { authentication: 'oAuth2', resource: 'task', operation: 'get', taskId: fromJson('5') },
		credentials: () => ({
			bitrix24OAuth2Api: { portalUrl: 'http://acme.bitrix24.com', oauthTokenData: { access_token: 'a1b2c3d4e5', token_type: 'Bearer' } },
		}),
		message: 'Credential: Portal URL "http://acme.bitrix24.com" must start with https://',
	},
	{
		name: 'non-numeric task id',
		parameters: { resource: 'task', operation: 'get', taskId: fromJson('={{ $json.id }}') },
		input: { id: 'abc' },
		message: 'Parameter "Task": "abc" is not a valid id: expected a positive whole number',
	},
	{
		name: 'a link that is not a task link',
		parameters: { resource: 'task', operation: 'complete', taskId: { __rl: true, mode: 'url', value: '={{ $json.link }}' } },
		input: { link: 'https://acme.bitrix24.com/crm/deal/details/5/' },
		message: 'Parameter "Task": "https://acme.bitrix24.com/crm/deal/details/5/" is not a link to a Bitrix24 task',
	},
	{
		name: 'unknown status',
		parameters: { ...GET_MANY, filters: { statuses: '={{ $json.s }}' } },
		input: { s: ['2', '9'] },
		message: 'Parameter "Filters → Status": "9" is not a status: use 2 to 6 (or 1, 7), or the meta-statuses -1, -2, -3',
	},
	{
		name: 'bad operator in the custom filter',
		parameters: { ...GET_MANY, filters: { customFilter: '={{ $json.f }}' } },
		input: { f: '{"=>ID": 5}' },
		message: 'Parameter "Filters → Custom Filter (JSON)": at "=>ID": not a Bitrix24 filter key',
	},
	{
		name: 'malformed JSON in the custom filter',
		parameters: { ...GET_MANY, filters: { customFilter: '={{ $json.f }}' } },
		input: { f: '{"ID": [1,]' },
		message: 'Parameter "Filters → Custom Filter (JSON)": is not valid JSON',
	},
	{
		name: 'unparseable date filter',
		parameters: { ...GET_MANY, filters: { changedAfter: '={{ $json.d }}' } },
		input: { d: 'last friday' },
		message: 'Parameter "Filters → Changed After": "last friday" is not a date',
	},
	{
		name: 'unparseable deadline on create',
		parameters: { ...CREATE, additionalFields: { deadline: '={{ $json.d }}' } },
		input: { d: '31.12.2025 18:00' },
		message: 'Parameter "Additional Fields → Deadline": "31.12.2025 18:00" is not a date',
	},
	{
		name: 'limit 0',
		parameters: { ...GET_MANY, limit: '={{ $json.n }}' },
		input: { n: 0 },
		message: 'Parameter "Limit": must be a whole number from 1 up, got "0"',
	},
	{
		name: 'empty title on create',
		parameters: { ...CREATE, title: '={{ $json.t }}' },
		input: { t: '  ' },
		message: 'Parameter "Title": is required and must not be empty',
	},
	{
		name: 'responsible user that is not an id',
		parameters: { ...CREATE, responsibleId: '={{ $json.u }}' },
		input: { u: 'ivan@acme.ru' },
		message: 'Parameter "Responsible User": "ivan@acme.ru" is not a valid id',
	},
	{
		name: 'custom fields that are not UF_ codes',
		parameters: { ...CREATE, additionalFields: { customFields: '={{ $json.c }}' } },
		input: { c: '{"TITLE": "sneaky"}' },
		message: 'Parameter "Additional Fields → Custom Fields (JSON)": at "TITLE": custom field codes start with UF_',
	},
	{
		name: 'malformed JSON in custom fields',
		parameters: { ...CREATE, additionalFields: { customFields: '={{ $json.c }}' } },
		input: { c: '{UF_X: 1}' },
		message: 'Parameter "Additional Fields → Custom Fields (JSON)": is not valid JSON',
	},
	{
		name: 'planned start without planned end',
		parameters: { ...CREATE, additionalFields: { startDatePlan: '2025-12-01T09:00:00Z' } },
		message: 'Parameter "Additional Fields → Planned End": is required: Bitrix24 takes the planned start and end together',
	},
	{
		name: 'CRM link in a wrong form',
		parameters: { ...CREATE, additionalFields: { crmLinks: '={{ $json.l }}' } },
		input: { l: 'deal 10' },
		message: 'Parameter "Additional Fields → CRM Links": "deal 10" is not a CRM link',
	},
	{
		name: 'priority out of range',
		parameters: { ...CREATE, additionalFields: { priority: '={{ $json.p }}' } },
		input: { p: 5 },
		message: 'Parameter "Additional Fields → Priority": "5" is not a priority',
	},
	{
		name: 'empty update',
		parameters: { resource: 'task', operation: 'update', taskId: fromJson('5'), updateFields: {} },
		message: 'Parameter "Update Fields": add at least one field to change',
	},
	{
		name: 'sort field Bitrix24 cannot sort by',
		parameters: { ...GET_MANY, options: { sortBy: '={{ $json.s }}' } },
		input: { s: 'DESCRIPTION' },
		message: 'Parameter "Options → Sort By": "DESCRIPTION" is not a field Bitrix24 sorts tasks by',
	},
	{
		name: 'select field in lower case',
		parameters: { ...GET_MANY, options: { select: '={{ $json.f }}' } },
		input: { f: ['title'] },
		message: 'Parameter "Options → Fields": "title" is not a field name',
	},
	{
		name: 'delegate to a user that is not an id',
		parameters: { resource: 'task', operation: 'delegate', taskId: fromJson('5'), userId: '={{ $json.u }}' },
		input: { u: 'boss' },
		message: 'Parameter "New Responsible User": "boss" is not a valid id',
	},
];

describe('bad input stops before any request', () => {
	it.each(cases)('$name', async ({ parameters, input, credentials, message }) => {
		const result = await runB24(baseUrl(), parameters, {
			input: [input ?? {}],
			credentials: credentials?.(baseUrl()),
		});

		expect(sandbox.requests).toEqual([]);
		expectInputError(result, message);
	});

	it('names the second item when only it is bad, and sends nothing for the batch', async () => {
		const result = await runB24(
			baseUrl(),
			{ resource: 'task', operation: 'complete', taskId: fromJson('={{ $json.id }}') },
			{ input: [{ id: 1 }, { id: '1.5' }] },
		);

		expect(sandbox.requests).toEqual([]);
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Parameter "Task": "1.5" is not a valid id: expected a positive whole number',
			context: { itemIndex: 1 },
		});
	});
});
