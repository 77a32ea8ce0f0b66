/**
 * Many input items go out as `batch` calls of at most 50 commands; each command's result or
 * `result_error` (in an HTTP 200) comes back to its own item.
 */
import type { IDataObject } from 'n8n-workflow';

import { byId, hook, jsonOf, lines, runB24, useSandbox } from './fixtures';

const { sandbox, baseUrl } = useSandbox();

const cmdOf = (index: number) => (sandbox.requests[index].body as IDataObject).cmd as Record<string, string>;
const items = (count: number, make: (n: number) => IDataObject) => Array.from({ length: count }, (_, n) => make(n));

describe('batch writes', () => {
	it('creates 120 tasks in three batches of 50, 50 and 20, each task paired with its item', async () => {
		const result = await runB24(
			baseUrl(),
			{ resource: 'task', operation: 'create', title: '={{ $json.title }}', responsibleId: '={{ $json.user }}' },
			{ input: items(120, (n) => ({ title: `Task ${n}`, user: 2 + (n % 3) })) },
		);

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual(Array(3).fill(`POST ${hook('batch')}`));
		expect([0, 1, 2].map((i) => Object.keys(cmdOf(i)).length)).toEqual([50, 50, 20]);
		expect(cmdOf(0).i0).toBe('tasks.task.add?fields[TITLE]=Task%200&fields[RESPONSIBLE_ID]=2');
		expect(cmdOf(2).i119).toBe('tasks.task.add?fields[TITLE]=Task%20119&fields[RESPONSIBLE_ID]=4');
		expect((sandbox.requests[0].body as IDataObject).halt).toBe(1);
		expect(result.items).toHaveLength(120);
		result.items.forEach((item, n) => {
			expect(item.pairedItem).toEqual({ item: n });
			expect(item.json).toMatchObject({ title: `Task ${n}`, responsibleId: String(2 + (n % 3)) });
		});
		expect(sandbox.tasks.size).toBe(120);
	});

	it('maps per-command errors to their items with Continue On Fail; the others succeed', async () => {
		const result = await runB24(
			baseUrl(),
			{ resource: 'task', operation: 'create', title: '={{ $json.title }}', responsibleId: '={{ $json.user }}' },
			{
				input: [
					{ title: 'Fine', user: 2 },
					{ title: 'Nobody', user: 99 },
					{ title: 'Also fine', user: 3 },
				],
				continueOnFail: true,
			},
		);

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual([`POST ${hook('batch')}`]);
		expect((sandbox.requests[0].body as IDataObject).halt).toBe(0);
		expect(result.items).toEqual([
			{ json: expect.objectContaining({ title: 'Fine' }), pairedItem: { item: 0 } },
			{
				json: {
					error: 'Bitrix24: User specified in the Responsible field not found (ERROR_CORE)',
					description: 'Bitrix24 refused this command of a batch call; the other commands were answered on their own.',
				},
				pairedItem: { item: 1 },
			},
			{ json: expect.objectContaining({ title: 'Also fine' }), pairedItem: { item: 2 } },
		]);
		expect(sandbox.tasks.size).toBe(2);
	});

	it('without Continue On Fail the batch halts at the failing command and the node fails on its item', async () => {
		const result = await runB24(
			baseUrl(),
			{ resource: 'task', operation: 'create', title: '={{ $json.title }}', responsibleId: '={{ $json.user }}' },
			{ input: [{ title: 'Fine', user: 2 }, { title: 'Nobody', user: 99 }, { title: 'Not run', user: 3 }] },
		);

		expect(lines(sandbox.requests)).toEqual([`POST ${hook('batch')}`]);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			message: 'Bitrix24: User specified in the Responsible field not found (ERROR_CORE)',
			context: { itemIndex: 1 },
		});
		expect([...sandbox.tasks.values()].map((task) => task.title)).toEqual(['Fine']);
	});

	it('updates, completes and deletes many tasks, one batch each', async () => {
		for (let n = 1; n <= 3; n++) sandbox.addTask({ id: String(n) });
		const input = [{ id: 1 }, { id: 2 }, { id: 3 }];
		const taskId = { __rl: true, mode: 'id', value: '={{ $json.id }}' };

		const updated = await runB24(baseUrl(), { resource: 'task', operation: 'update', taskId, updateFields: { title: '=Renamed {{ $json.id }}' } }, { input });
		const completed = await runB24(baseUrl(), { resource: 'task', operation: 'complete', taskId }, { input });
		const deleted = await runB24(baseUrl(), { resource: 'task', operation: 'delete', taskId }, { input, continueOnFail: true });

		expect(lines(sandbox.requests)).toEqual(Array(3).fill(`POST ${hook('batch')}`));
		expect(cmdOf(0)).toEqual({
			i0: 'tasks.task.update?taskId=1&fields[TITLE]=Renamed%201',
			i1: 'tasks.task.update?taskId=2&fields[TITLE]=Renamed%202',
			i2: 'tasks.task.update?taskId=3&fields[TITLE]=Renamed%203',
		});
		expect(cmdOf(1)).toEqual({ i0: 'tasks.task.complete?taskId=1', i1: 'tasks.task.complete?taskId=2', i2: 'tasks.task.complete?taskId=3' });
		expect(cmdOf(2).i1).toBe('tasks.task.delete?taskId=2');
		expect(jsonOf(updated).map((task) => task.title)).toEqual(['Renamed 1', 'Renamed 2', 'Renamed 3']);
		expect(jsonOf(completed).map((task) => task.status)).toEqual(['5', '5', '5']);
		expect(deleted.items).toEqual(input.map((_, n) => ({ json: { deleted: true }, pairedItem: { item: n } })));
		expect(sandbox.tasks.size).toBe(0);
	});

	it('bad input on one item with Continue On Fail: that item errs, the others still go out in one batch', async () => {
		sandbox.addTask({ id: '1' });
		sandbox.addTask({ id: '2' });

		const result = await runB24(
			baseUrl(),
			{ resource: 'task', operation: 'complete', taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
			{ input: [{ id: 1 }, { id: 'x' }, { id: 2 }], continueOnFail: true },
		);

		expect(lines(sandbox.requests)).toEqual([`POST ${hook('batch')}`]);
		expect(Object.keys(cmdOf(0))).toEqual(['i0', 'i2']);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[1].json).toEqual({ error: 'Parameter "Task": "x" is not a valid id: expected a positive whole number' });
	});

	it('a single item is one plain call, not a batch', async () => {
		sandbox.addTask({ id: '4' });

		const result = await runB24(baseUrl(), { resource: 'task', operation: 'complete', taskId: byId('4') });

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual([`POST ${hook('tasks.task.complete')}`]);
	});
});
