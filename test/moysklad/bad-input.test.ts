/**
 * Bad input: a NodeOperationError that names the parameter, with the item index, and no
 * request sent. Values come through expressions, as in real workflows.
 */
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { expectInputError, type BadInputCase } from '../harness';
import { IDS, ms, msTask, record, runMs, tokenCredentials, useMsEnvironment, API } from './fixtures';

useMsEnvironment();

const rl = (value: string, mode = 'id') => ({ __rl: true, mode, value });
const CREATE = {
	resource: 'task',
	operation: 'create',
	description: '={{ $json.text }}',
	assignee: '={{ $json.assignee }}',
};
const GOOD = { text: 'Call the client', assignee: IDS.employee };

type BadCase = BadInputCase;

const cases: BadCase[] = [
	{
		name: 'a task id that is not a UUID',
		parameters: { resource: 'task', operation: 'get', taskId: rl('={{ $json.id }}') },
		input: { id: '12345' },
		message: 'Parameter "Task": "12345" is not a MoySklad ID',
	},
	{
		name: 'a URL that is not a task link',
		parameters: { resource: 'task', operation: 'delete', taskId: rl('={{ $json.link }}', 'url') },
		input: { link: `https://online.moysklad.ru/app/#customerorder/edit?id=${IDS.order}` },
		message: 'Parameter "Task": "https://online.moysklad.ru/app/#customerorder/edit?id=',
	},
	{
		name: 'a link to a production task (another kind of object)',
		parameters: { resource: 'task', operation: 'get', taskId: rl('={{ $json.link }}', 'url') },
		input: { link: `https://online.moysklad.ru/app/#productiontask/edit?id=${IDS.task}` },
		message: 'Parameter "Task": "https://online.moysklad.ru/app/#productiontask/edit?id=',
	},
	{
		name: 'a link that is not MoySklad\'s',
		parameters: { resource: 'task', operation: 'get', taskId: rl('={{ $json.link }}', 'url') },
		input: { link: `https://example.com/app/#task/edit?id=${IDS.task}` },
		message: 'Parameter "Task": "https://example.com/app/#task/edit?id=',
	},
	{
		name: 'an unparseable due date',
		parameters: { ...CREATE, additionalFields: { dueToDate: '={{ $json.due }}' } },
		input: { ...GOOD, due: 'next tuesday' },
		message: 'Parameter "Additional Fields → Due Date": "next tuesday" is not a date',
	},
	{
		name: 'an empty description',
		parameters: CREATE,
		input: { ...GOOD, text: '   ' },
		message: 'Parameter "Description": is required and must not be empty',
	},
	{
		name: 'a description longer than 4096 characters',
		parameters: CREATE,
		input: { ...GOOD, text: 'x'.repeat(4097) },
		message: 'Parameter "Description": is 4097 characters long',
	},
	{
		name: 'an assignee that is not an employee id',
		parameters: CREATE,
		input: { ...GOOD, assignee: 'Ivan Petrov' },
		message: 'Parameter "Assignee": "Ivan Petrov" is not a MoySklad ID',
	},
	{
		name: 'malformed JSON in Extra Fields',
		parameters: { ...CREATE, additionalFields: { extraFields: '={{ $json.extra }}' } },
		input: { ...GOOD, extra: '{"files": [' },
		message: 'Parameter "Additional Fields → Extra Fields (JSON)": is not valid JSON',
	},
	{
		name: 'Extra Fields that try to set the meta',
		parameters: { ...CREATE, additionalFields: { extraFields: '={{ $json.extra }}' } },
		input: { ...GOOD, extra: '{"meta": {}}' },
		message: 'Parameter "Additional Fields → Extra Fields (JSON)": must not contain "meta" or "id"',
	},
	{
		name: 'an agent and a document at once',
		parameters: {
			...CREATE,
			additionalFields: { agent: rl(IDS.counterparty), operationId: IDS.order, operationType: 'customerorder' },
		},
		input: GOOD,
		message: 'Parameter "Additional Fields → Document ID": a task links to a counterparty/organization or to a document, not both',
	},
	{
		name: 'an update without fields',
		parameters: { resource: 'task', operation: 'update', taskId: rl(IDS.task), updateFields: {} },
		message: 'Parameter "Update Fields": add at least one field to change',
	},
	{
		name: 'a bad colour',
		parameters: { resource: 'taskType', operation: 'create', name: 'Meeting', color: '={{ $json.color }}' },
		input: { color: '#GG0000' },
		message: 'Parameter "Color": "#GG0000" is not a colour',
	},
	{
		name: 'an empty task type name',
		parameters: { resource: 'taskType', operation: 'update', taskTypeId: IDS.state, updateFields: { name: '={{ $json.name }}' } },
		input: { name: '' },
		message: 'Parameter "Update Fields → Name": must be a text of 1 to 255 characters',
	},
	{
		name: 'an empty comment',
		parameters: { resource: 'comment', operation: 'create', taskId: rl(IDS.task), text: '={{ $json.text }}' },
		input: { text: '' },
		message: 'Parameter "Text": is required and must not be empty',
	},
	{
		name: 'a comment id that is not a UUID',
		parameters: { resource: 'comment', operation: 'get', taskId: rl(IDS.task), commentId: '={{ $json.id }}' },
		input: { id: '42' },
		message: 'Parameter "Comment ID": "42" is not a MoySklad ID',
	},
	{
		name: 'an unparseable Updated After filter',
		parameters: { resource: 'task', operation: 'getAll', filters: { updatedFrom: '={{ $json.from }}' } },
		input: { from: '31.02.2026' },
		message: 'Parameter "Filters → Updated After": "31.02.2026" is not a date',
	},
	{
		name: 'a limit of 0',
		parameters: { resource: 'task', operation: 'getAll', limit: '={{ $json.limit }}' },
		input: { limit: 0 },
		message: 'Parameter "Limit": must be a whole number from 1',
	},
];

describe('bad input', () => {
	it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, badCase) => {
		const scope = ms().get(/.*/).reply(200, {}).post(/.*/).reply(200, []).put(/.*/).reply(200, {}).delete(/.*/).reply(200);
		const log = record(scope);

		const result = await runMs(badCase.parameters, { input: [badCase.input ?? {}], credentials: badCase.credentials });

		log.stop();
		expectInputError(result, badCase.message);
		// Nothing left: not a single request, matched or not.
		expect(log.requests).toEqual([]);
		expect(log.unmatched).toEqual([]);
		nock.cleanAll();
	});

	it('keeps the other items going with Continue On Fail, sending only the good ones', async () => {
		const scope = ms().post(`${API}/entity/task`).reply(200, [msTask()]);
		const log = record(scope);

		const result = await runMs(CREATE, { input: [{ ...GOOD, assignee: 'nobody' }, GOOD], continueOnFail: true });

		log.stop();
		expect(log.requests).toHaveLength(1);
		expect((log.requests[0].body as unknown[]).length).toBe(1);
		expect(result.items[0]).toEqual({
			json: { error: expect.stringContaining('Parameter "Assignee": "nobody" is not a MoySklad ID') },
			pairedItem: { item: 0 },
		});
		expect(result.items[1]).toMatchObject({ json: { id: IDS.task }, pairedItem: { item: 1 } });
	});

	it('without Continue On Fail one bad item stops the whole bulk call before anything is sent', async () => {
		const scope = ms().post(/.*/).reply(200, []);
		const log = record(scope);

		const result = await runMs(CREATE, { input: [GOOD, { ...GOOD, text: '' }] });

		log.stop();
		expect(result.error).toMatchObject({ message: 'Parameter "Description": is required and must not be empty' });
		expect((result.error as unknown as IDataObject).context).toMatchObject({ itemIndex: 1 });
		expect(log.requests).toEqual([]);
	});

	it('refuses a plain-http API URL off loopback before sending the token anywhere', async () => {
		const scope = nock('http://example.com').get(/.*/).reply(200, {});
		const log = record(scope);

		const result = await runMs(
			{ resource: 'task', operation: 'get', taskId: rl(IDS.task) },
			{ credentials: tokenCredentials({ baseUrl: 'http://example.com/api/remap/1.2' }) },
		);

		log.stop();
		expect(result.error?.message).toBe('Credential: API URL "http://example.com/api/remap/1.2" must start with https://');
		expect(log.requests).toEqual([]);
		expect(log.unmatched).toEqual([]);
	});
});
