/**
 * Bad input: a NodeOperationError that names the parameter, with the item index, and no write
 * sent. Values come through expressions, as in real workflows. Field names and values are
 * checked against the form's schema, so those cases read the form (GET) and write nothing.
 */
import nock from 'nock';
import type { INodeParameters } from 'n8n-workflow';

import { expectInputError, type BadInputCase } from '../harness';
import { API, FORM_321, api, byId, lines, record, runPyrus, simpleTask, usePyrusEnvironment } from './fixtures';

usePyrusEnvironment();

const SIMPLE = { resource: 'task', operation: 'create', taskKind: 'simple', text: '={{ $json.text }}' };
const FORM = (field: string, value: string): INodeParameters => ({
	resource: 'task',
	operation: 'create',
	taskKind: 'form',
	formId: '321',
	fields: { field: [{ field, value }] },
});

interface BadCase extends Omit<BadInputCase, 'credentials'> {
	/** The form schema is read first (field names need it). */
	readsForm?: boolean;
}

const cases: BadCase[] = [
	{
		name: 'non-numeric task id',
		parameters: { resource: 'task', operation: 'get', taskId: byId('={{ $json.id }}') },
		input: { id: 'abc' },
		message: 'Parameter "Task": "abc" is not a valid id',
	},
	{
		name: 'a link that is not a Pyrus task link',
		parameters: { resource: 'task', operation: 'complete', taskId: { __rl: true, mode: 'url', value: '={{ $json.link }}' } },
		input: { link: 'https://pyrus.com/forms/321' },
		message: 'Parameter "Task": "https://pyrus.com/forms/321" is not a link to a Pyrus task',
	},
	{
		name: 'unknown field name: the error lists the form\'s fields',
		parameters: FORM('Colour', 'red'),
		message:
			'Parameter "Fields": the form "Purchase request" (321) has no field "Colour". Its fields: "Purpose" (1, text), "Amount" (2, money)',
		readsForm: true,
	},
	{
		name: 'a table column named outside its table',
		parameters: FORM('Price', '5'),
		message: 'Parameter "Fields": "Price" is a column of the table "Items"',
		readsForm: true,
	},
	{
		name: 'a text for a money field',
		parameters: FORM('Amount', 'ten dollars'),
		message: 'Parameter "Fields": the field "Amount" (money) expects a number',
		readsForm: true,
	},
	{
		name: 'not a date for a date field',
		parameters: FORM('Delivery date', 'soon'),
		message: 'Parameter "Fields → Delivery date": "soon" is not a date',
		readsForm: true,
	},
	{
		name: 'a choice the field does not have',
		parameters: FORM('Payment type', 'Cash'),
		message: 'Parameter "Fields": the field "Payment type" has no choice "Cash". Its choices: "Card" (1), "Invoice" (2)',
		readsForm: true,
	},
	{
		name: 'a checkmark that is neither true nor false',
		parameters: FORM('Urgent', 'maybe'),
		message: 'Parameter "Fields": the field "Urgent" (checkmark) expects true or false',
		readsForm: true,
	},
	{
		name: 'table rows that are not a JSON array',
		parameters: FORM('Items', '{"Item": "Paper"'),
		message: 'Parameter "Fields": the field "Items" (table) expects a JSON array of rows',
		readsForm: true,
	},
	{
		name: 'a read-only field',
		parameters: FORM('Status', 'open'),
		message: 'Parameter "Fields": the field "Status" (status) is read-only',
		readsForm: true,
	},
	{
		name: 'due and due date together',
		parameters: { ...SIMPLE, additionalFields: { due: '={{ $json.due }}', dueDate: '2026-03-10' } },
		input: { text: 'Call', due: '2026-03-10T10:00:00' },
		message: 'Parameter "Additional Fields → Due Date": set either "Due" (date and time) or "Due Date", not both',
	},
	{
		name: 'duration without due',
		parameters: { ...SIMPLE, additionalFields: { dueDate: '2026-03-10', duration: 30 } },
		input: { text: 'Call' },
		message: 'Parameter "Additional Fields → Duration (Minutes)": needs "Due"',
	},
	{
		name: 'malformed approvals JSON',
		parameters: { resource: 'task', operation: 'create', taskKind: 'form', formId: '321', additionalFields: { approvals: '[[1731]' } },
		message: 'Parameter "Additional Fields → Approvals (JSON)": is not valid JSON',
	},
	{
		name: 'attachments of the wrong shape',
		parameters: { ...SIMPLE, additionalFields: { attachments: '[{"file": 1}]' } },
		input: { text: 'Call' },
		message: 'Parameter "Additional Fields → Attachments (JSON)": at "0"',
	},
	{
		name: 'a responsible person that is neither an id nor an email',
		parameters: { ...SIMPLE, additionalFields: { responsible: '={{ $json.who }}' } },
		input: { text: 'Call', who: 'John' },
		message: 'Parameter "Additional Fields → Responsible": "John" is not a person',
	},
	{
		name: 'empty text of a simple task',
		parameters: SIMPLE,
		input: { text: '  ' },
		message: 'Parameter "Text": is required and must not be empty',
	},
	{
		name: 'unparseable due',
		parameters: { ...SIMPLE, additionalFields: { due: '={{ $json.due }}' } },
		input: { text: 'Call', due: 'next tuesday' },
		message: 'Parameter "Additional Fields → Due": "next tuesday" is not a date',
	},
	{
		name: 'one field given twice (by name and by ID)',
		parameters: { ...FORM('Amount', '1'), fields: { field: [{ field: 'Amount', value: '1' }, { field: '2', value: '2' }] } },
		message: 'Parameter "Fields": the field "Amount" is given twice',
		readsForm: true,
	},
	{
		name: 'non-numeric form id',
		parameters: { resource: 'task', operation: 'getAll', source: 'form', formId: '={{ $json.form }}' },
		input: { form: 'Purchases' },
		message: 'Parameter "Form": "Purchases" is not a valid id',
	},
	{
		name: 'a limit of 0',
		parameters: { resource: 'task', operation: 'getAll', source: 'inbox', limit: '={{ 0 }}' },
		message: 'Parameter "Limit": must be a whole number from 1 up',
	},
	{
		name: 'update without any change',
		parameters: { resource: 'task', operation: 'update', taskId: byId('5'), updateFields: {} },
		message: 'Parameter "Update Fields": add at least one change',
	},
	{
		name: 'cancel due together with a new due date',
		parameters: { resource: 'task', operation: 'update', taskId: byId('5'), updateFields: { cancelDue: true, dueDate: '2026-04-01' } },
		message: 'Parameter "Update Fields → Cancel Due": cannot be combined',
	},
	{
		name: 'non-numeric comment id',
		parameters: { resource: 'comment', operation: 'update', taskId: byId('5'), commentId: 'last', text: 'x' },
		message: 'Parameter "Comment ID": "last" is not a valid id',
	},
	{
		name: 'a step list with a word in it',
		parameters: { resource: 'task', operation: 'getAll', source: 'form', formId: '321', filters: { steps: '1, two' } },
		message: 'Parameter "Filters → Steps": "two" is not a valid id',
	},
];

describe('bad input sends nothing', () => {
	it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, badCase) => {
		const scope = badCase.readsForm ? api().get(`${API}/forms/321`).reply(200, FORM_321) : undefined;
		const log = scope ? record(scope) : record();

		const result = await runPyrus(badCase.parameters, { input: [badCase.input ?? {}] });

		log.stop();
		expect(log.unmatched).toEqual([]);
		expect(lines(log)).toEqual(badCase.readsForm ? [`GET ${API}/forms/321`] : []);
		expect(nock.pendingMocks()).toEqual([]);
		expectInputError(result, badCase.message);
	});

	it('field updates on a simple task: read, then refused without a comment', async () => {
		const scope = api().get(`${API}/tasks/5`).reply(200, { task: simpleTask(5) });
		const log = record(scope);

		const result = await runPyrus({
			resource: 'task',
			operation: 'update',
			taskId: byId('5'),
			fieldUpdates: { field: [{ field: 'Amount', value: '1' }] },
		});

		log.stop();
		expect(lines(log)).toEqual([`GET ${API}/tasks/5`]);
		expect(log.unmatched).toEqual([]);
		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'Parameter "Fields": task 5 is a simple task and has no form fields',
		});
	});
});

describe('Continue On Fail with one bad item among three', () => {
	it('create: items 0 and 2 are created, item 1 is an error paired with it', async () => {
		const scope = api()
			.post(`${API}/tasks`, { text: 'a' })
			.reply(200, { task: simpleTask(1) })
			.post(`${API}/tasks`, { text: 'c' })
			.reply(200, { task: simpleTask(3) });
		const log = record(scope);

		const result = await runPyrus(SIMPLE, { input: [{ text: 'a' }, { text: '' }, { text: 'c' }], continueOnFail: true });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`POST ${API}/tasks`, `POST ${API}/tasks`]);
		expect(log.unmatched).toEqual([]);
		expect(result.items).toEqual([
			{ json: simpleTask(1), pairedItem: { item: 0 } },
			{ json: { error: 'Parameter "Text": is required and must not be empty' }, pairedItem: { item: 1 } },
			{ json: simpleTask(3), pairedItem: { item: 2 } },
		]);
	});

	it('without Continue On Fail the node stops at the bad item: nothing after it is sent', async () => {
		const scope = api().post(`${API}/tasks`, { text: 'a' }).reply(200, { task: simpleTask(1) });
		const log = record(scope);

		const result = await runPyrus(SIMPLE, { input: [{ text: 'a' }, { text: '' }, { text: 'c' }] });

		log.stop();
		expect(lines(log)).toEqual([`POST ${API}/tasks`]);
		expect(log.unmatched).toEqual([]);
		expect(result.error).toMatchObject({ name: 'NodeOperationError', context: { itemIndex: 1 } });
	});
});
