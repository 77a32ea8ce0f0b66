/**
 * Update of a form task (issue 11, Pyrus points 11 and 12) through n8n's engine against the
 * loopback sandbox.
 *
 * - Subject and participants apply to simple tasks only (https://pyrus.com/ru/help/api/tasks,
 *   «POST /tasks/{task-id}/comments»:
 *   «Применимо только для простой задачи»). What Pyrus does with them on a form task is not
 *   documented (refused, or silently dropped: switch `simpleOnlyOnFormTask`): the node refuses
 *   them before sending, naming the field.
 * - Table rows without `row_id` are new rows (https://pyrus.com/en/help/api/fields, «table»: rows
 *   are keyed by `row_id`, a new id adds a row): on Update they get ids no row of the task has or had, so no existing
 *   row is overwritten, whether a deleted row's id can come back or not (switch `deletedRowIds`).
 */
import type { IDataObject } from 'n8n-workflow';

import type { CredentialDataMap } from '../harness';
import { PyrusSandbox, seedDemo, type PyrusSandboxSwitches } from '../sandbox/pyrus';
import { byId, runPyrus, usePyrusEnvironment } from './fixtures';

usePyrusEnvironment({ allowLocalhost: true });

let sandbox: PyrusSandbox;
let credentials: CredentialDataMap;

beforeAll(async () => {
	sandbox = new PyrusSandbox({ timeScale: 1000, rateLimit: 0 });
	const baseUrl = await sandbox.start();
	seedDemo(sandbox, { tasks: 0 });
	credentials = { pyrusApi: { login: 'bot@sandbox', secretKey: 'sandbox-security-key', serverUrl: `${baseUrl}/api/v4` } };
});

afterAll(async () => await sandbox.stop());

beforeEach(() => {
	sandbox.clearLog();
	sandbox.setSwitches({ simpleOnlyOnFormTask: 'reject', deletedRowIds: 'refused' });
});

const comments = () => sandbox.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/comments'));

describe.each<PyrusSandboxSwitches['simpleOnlyOnFormTask']>(['reject', 'ignore'])(
	'update: subject and participants on a form task (Pyrus would %s them)',
	(simpleOnlyOnFormTask) => {
		beforeEach(() => sandbox.setSwitches({ simpleOnlyOnFormTask }));

		it.each([
			['subject', 'New title', 'Update Fields → Subject'],
			['participantsAdded', '1731', 'Update Fields → Add Participants'],
			['participantsRemoved', 'bob.smith@example.com', 'Update Fields → Remove Participants'],
		])('%s is refused before anything is sent, naming the field', async (field, value, parameter) => {
			const task = sandbox.addTask({ form_id: 321, text: 'Purchase request', fields: [] });

			const result = await runPyrus(
				{ resource: 'task', operation: 'update', taskId: byId(String(task.id)), updateFields: { text: 'Changed', [field]: value } },
				{ credentials },
			);

			expect(result.error).toMatchObject({ name: 'NodeOperationError' });
			expect(result.error?.message).toContain(parameter);
			expect(result.error?.message).toContain('simple tasks only');
			expect(comments()).toEqual([]);
		});

		it('a simple task takes them', async () => {
			const task = sandbox.addTask({ text: 'Simple' });

			const result = await runPyrus(
				{ resource: 'task', operation: 'update', taskId: byId(String(task.id)), updateFields: { subject: 'New title', participantsAdded: '1731' } },
				{ credentials },
			);

			expect(result.error).toBeUndefined();
			expect(sandbox.tasks.get(task.id)).toMatchObject({ subject: 'New title', participants: [expect.objectContaining({ id: 1731 })] });
		});
	},
);

/** A form task of the demo form with table "Items" rows Paper (0), Pens (1), Ink (2), row 2 since deleted. */
async function taskWithRows(): Promise<number> {
	const created = await runPyrus(
		{
			resource: 'task',
			operation: 'create',
			taskKind: 'form',
			formId: '321',
			fields: { field: [{ field: 'Items', value: '[{"Item": "Paper", "Price": 5}, {"Item": "Pens", "Price": 2}, {"Item": "Ink", "Price": 9}]' }] },
		},
		{ credentials },
	);
	expect(created.error).toBeUndefined();
	const id = Number(created.items[0].json.id);
	const deleted = await runPyrus(
		{ resource: 'task', operation: 'update', taskId: byId(String(id)), fieldUpdates: { field: [{ field: 'Items', value: '[{"row_id": 2, "delete": true}]' }] } },
		{ credentials },
	);
	expect(deleted.error).toBeUndefined();
	sandbox.clearLog();
	return id;
}

/** The table's rows as stored: [row_id, Item, Price]. */
function rows(taskId: number): Array<[unknown, unknown, unknown]> {
	const table = ((sandbox.tasks.get(taskId)?.fields as IDataObject[]) ?? []).find((field) => field.id === 10);
	return ((table?.value as IDataObject[]) ?? []).map((row) => {
		const cells = row.cells as IDataObject[];
		return [row.row_id, cells.find((c) => c.id === 101)?.value, cells.find((c) => c.id === 102)?.value];
	});
}

describe.each<PyrusSandboxSwitches['deletedRowIds']>(['refused', 'reusable'])('update: table rows (a deleted row id is %s)', (deletedRowIds) => {
	beforeEach(() => sandbox.setSwitches({ deletedRowIds }));

	it('rows without row_id are added after the existing ones, never written over them', async () => {
		const id = await taskWithRows();

		const result = await runPyrus(
			{ resource: 'task', operation: 'update', taskId: byId(String(id)), fieldUpdates: { field: [{ field: 'Items', value: '[{"Item": "Tape", "Price": 1}, {"Item": "Glue", "Price": 4}]' }] } },
			{ credentials },
		);

		expect(result.error).toBeUndefined();
		expect(rows(id)).toEqual([
			[0, 'Paper', 5],
			[1, 'Pens', 2],
			[3, 'Tape', 1],
			[4, 'Glue', 4],
		]);
		const sent = (comments()[0].body as IDataObject).field_updates as IDataObject[];
		expect((sent[0].value as IDataObject[]).map((row) => row.row_id)).toEqual([3, 4]);
	});

	it('a row with row_id changes that row; rows without one still come after every id in use', async () => {
		const id = await taskWithRows();

		const result = await runPyrus(
			{ resource: 'task', operation: 'update', taskId: byId(String(id)), fieldUpdates: { field: [{ field: 'Items', value: '[{"Item": "Tape", "Price": 1}, {"row_id": 7, "Item": "Clips", "Price": 3}, {"row_id": 1, "Price": 3}]' }] } },
			{ credentials },
		);

		expect(result.error).toBeUndefined();
		expect(rows(id)).toEqual([
			[0, 'Paper', 5],
			[1, 'Pens', 3],
			[8, 'Tape', 1],
			[7, 'Clips', 3],
		]);
	});
});
