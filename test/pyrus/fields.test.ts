/**
 * Form fields given by name (or code, or ID): the node reads the form's schema and writes each
 * value in its field type's format (https://pyrus.com/en/help/api/fields). Checked on the request body (nock)
 * and end to end against the loopback Pyrus sandbox, which refuses wrong formats.
 */
import type { IDataObject } from 'n8n-workflow';

import { API, FORM_321, api, record, runPyrus, formTask, usePyrusEnvironment, pyrusCredentials } from './fixtures';
import { PyrusSandbox, seedDemo } from '../sandbox/pyrus';

usePyrusEnvironment({ allowLocalhost: true });

async function createWithFields(fields: Array<{ field: string; value: string | number | boolean }>, timezone = 'UTC') {
	const scope = api().get(`${API}/forms/321`).reply(200, FORM_321).post(`${API}/tasks`).reply(200, { task: formTask(1) });
	const log = record(scope);
	const result = await runPyrus(
		{ resource: 'task', operation: 'create', taskKind: 'form', formId: '321', fields: { field: fields } },
		{ timezone },
	);
	log.stop();
	return { result, body: log.requests[1]?.body as IDataObject | undefined };
}

describe('field by name → write format', () => {
	it.each<[string, string, string | number | boolean, unknown]>([
		['text', 'Purpose', 'Printer', 'Printer'],
		['text from a number', 'Purpose', 42, '42'],
		['money', 'Amount', '10306.25', 10306.25],
		['number', 'quantity', 3, 3],
		['date', 'Delivery date', '2026-03-16T23:30:00+00:00', '2026-03-16'],
		['due date', 'Deadline', '2026-03-20', '2026-03-20'],
		['checkmark (true)', 'Urgent', 'true', 'checked'],
		['checkmark (boolean false)', 'Urgent', false, 'unchecked'],
		['catalog by item id', 'Vendor', '845', { item_id: 845 }],
		['catalog by item text', 'Vendor', 'GE', { item_names: ['GE'] }],
		['catalog, several ids', 'Vendor', '[845, 846]', { item_ids: [845, 846] }],
		['multiple choice by name', 'Payment type', 'invoice', { choice_id: 2 }],
		['multiple choice by id', 'Payment type', '1', { choice_id: 1 }],
		['multiple choice, several', 'Payment type', '["Card", "Invoice"]', { choice_ids: [1, 2] }],
		['person by id', 'Approver', '1731', { id: 1731 }],
		['person by email', 'Approver', 'jane.doe@example.com', { email: 'jane.doe@example.com' }],
		['field nested in a choice option', 'Invoice number', 'INV-7', 'INV-7'],
		['field nested in a section', 'Comment', 'ok', 'ok'],
	])('%s', async (_label, field, value, expected) => {
		const { result, body } = await createWithFields([{ field, value }]);

		expect(result.error).toBeUndefined();
		const id = { Purpose: 1, Amount: 2, quantity: 3, 'Delivery date': 4, Deadline: 5, Urgent: 6, Vendor: 7, 'Payment type': 8, Approver: 9, 'Invoice number': 12, Comment: 13 }[field];
		expect(body).toEqual({ form_id: 321, fields: [{ id, value: expected }] });
	});

	it('reads dates without an offset in the workflow\'s time zone', async () => {
		const { result, body } = await createWithFields([{ field: 'Delivery date', value: '2026-03-16T01:30:00' }], 'Asia/Vladivostok');

		expect(result.error).toBeUndefined();
		expect(body?.fields).toEqual([{ id: 4, value: '2026-03-16' }]);
	});

	it('converts table rows column by column, by column name or ID; a row without row_id gets one after every given id', async () => {
		const rows = [
			{ Item: 'Paper', Price: '5.5', 'Needed by': '2026-03-20' },
			{ row_id: 7, '102': 12 },
			{ row_id: 3, delete: true },
		];
		const { result, body } = await createWithFields([{ field: 'Items', value: JSON.stringify(rows) }]);

		expect(result.error).toBeUndefined();
		expect(body?.fields).toEqual([
			{
				id: 10,
				value: [
					{ row_id: 8, cells: [{ id: 101, value: 'Paper' }, { id: 102, value: 5.5 }, { id: 103, value: '2026-03-20' }] },
					{ row_id: 7, cells: [{ id: 102, value: 12 }] },
					{ row_id: 3, delete: true },
				],
			},
		]);
	});

	it('accepts a field by its ID', async () => {
		const { result, body } = await createWithFields([{ field: '2', value: 7 }]);

		expect(result.error).toBeUndefined();
		expect(body?.fields).toEqual([{ id: 2, value: 7 }]);
	});
});

describe('field conversion against the sandbox', () => {
	let sandbox: PyrusSandbox;
	let baseUrl: string;

	beforeAll(async () => {
		sandbox = new PyrusSandbox({ rateLimit: 0 });
		baseUrl = await sandbox.start();
		seedDemo(sandbox, { tasks: 0 });
	});

	afterAll(async () => await sandbox.stop());

	it('creates a form task with every listed type by name, and Pyrus stores them', async () => {
		const result = await runPyrus(
			{
				resource: 'task',
				operation: 'create',
				taskKind: 'form',
				formId: '321',
				fields: {
					field: [
						{ field: 'Purpose', value: 'Printer' },
						{ field: 'Amount', value: '1365.27' },
						{ field: 'Quantity', value: '3' },
						{ field: 'Delivery date', value: '2026-03-16' },
						{ field: 'Deadline', value: '2026-03-20' },
						{ field: 'Urgent', value: 'yes' },
						{ field: 'Vendor', value: 'Siemens' },
						{ field: 'Payment type', value: 'Invoice' },
						{ field: 'Approver', value: 'bob.smith@example.com' },
						{ field: 'Items', value: '[{"Item": "Toner", "Price": 40}]' },
					],
				},
			},
			{ credentials: pyrusCredentials({ accessToken: '', apiUrl: '', serverUrl: `${baseUrl}/api/v4`, login: 'bot@sandbox', secretKey: 'sandbox-security-key' }) },
		);

		expect(result.error).toBeUndefined();
		const stored = sandbox.tasks.get(Number(result.items[0].json.id));
		const values = Object.fromEntries(((stored?.fields as IDataObject[]) ?? []).map((f) => [f.name, f.value]));
		expect(values).toEqual({
			Purpose: 'Printer',
			Amount: 1365.27,
			Quantity: 3,
			'Delivery date': '2026-03-16',
			Deadline: '2026-03-20',
			Urgent: 'checked',
			Vendor: { item_id: 846, item_ids: [846], headers: ['Name'], values: ['Siemens'] },
			'Payment type': { choice_id: 2, choice_ids: [2], choice_names: ['Invoice'] },
			Approver: expect.objectContaining({ id: 1731, email: 'bob.smith@example.com' }),
			Items: [
				{
					row_id: 0,
					cells: [
						expect.objectContaining({ id: 101, value: 'Toner' }),
						expect.objectContaining({ id: 102, value: 40 }),
					],
				},
			],
		});
	});
});
