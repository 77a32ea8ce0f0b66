/**
 * Many input items go out as bulk arrays (≤ 1000 a request); each element of the answer,
 * entity or `errors`, goes back to its own item.
 */
import type { IDataObject } from 'n8n-workflow';

import { API, IDS, byId, employeeRef, lines, msError, msState, msTask, ms, record, runMs, taskRef, useMsEnvironment } from './fixtures';

useMsEnvironment();

const CREATE = { resource: 'task', operation: 'create', description: '={{ $json.text }}', assignee: IDS.employee };
const ELEMENT_NOTE = 'MoySklad answered this element of a bulk request with an error; the other elements were processed on their own.';
const REJECTED = msError("Ошибка сохранения объекта: поле 'assignee' ссылается на несуществующий объект", 1021, 'assignee');

describe('bulk create', () => {
	it('sends all items in one array and maps a failed element to its own item (Continue On Fail)', async () => {
		const scope = ms()
			.post(`${API}/entity/task`)
			.reply(200, [msTask(IDS.task, { description: 'one' }), REJECTED, msTask(IDS.task3, { description: 'three' })]);
		const log = record(scope);

		const result = await runMs(CREATE, {
			input: [{ text: 'one' }, { text: 'two' }, { text: 'three' }],
			continueOnFail: true,
		});

		log.stop();
		expect(lines(log)).toEqual([`POST ${API}/entity/task`]);
		expect(log.requests[0].body).toEqual(
			['one', 'two', 'three'].map((description) => ({ description, assignee: employeeRef() })),
		);
		expect(result.items).toHaveLength(3);
		expect(result.items[0]).toMatchObject({ json: { id: IDS.task, description: 'one' }, pairedItem: { item: 0 } });
		expect(result.items[1]).toEqual({
			json: {
				error: "MoySklad rejected this task: Ошибка сохранения объекта: поле 'assignee' ссылается на несуществующий объект (code 1021, parameter assignee)",
				description: ELEMENT_NOTE,
			},
			pairedItem: { item: 1 },
		});
		expect(result.items[2]).toMatchObject({ json: { id: IDS.task3 }, pairedItem: { item: 2 } });
	});

	it('without Continue On Fail the run fails on the rejected item, naming it', async () => {
		ms().post(`${API}/entity/task`).reply(200, [msTask(IDS.task), REJECTED]);

		const result = await runMs(CREATE, { input: [{ text: 'one' }, { text: 'two' }] });

		expect(result.error).toMatchObject({ message: expect.stringContaining('MoySklad rejected this task') });
		expect((result.error as unknown as IDataObject).context).toMatchObject({ itemIndex: 1 });
	});

	it('splits at the API maximum of 1000 elements', async () => {
		const answer = (count: number) => Array.from({ length: count }, () => msTask());
		const scope = ms()
			.post(`${API}/entity/task`, (body: unknown[]) => body.length === 1000)
			.reply(200, answer(1000))
			.post(`${API}/entity/task`, (body: unknown[]) => body.length === 5)
			.reply(200, answer(5));
		const log = record(scope);

		const input = Array.from({ length: 1005 }, (_, n) => ({ text: `Task ${n}` }));
		const result = await runMs(CREATE, { input });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests.map((r) => (r.body as unknown[]).length)).toEqual([1000, 5]);
		expect((log.requests[1].body as IDataObject[])[4]).toEqual({ description: 'Task 1004', assignee: employeeRef() });
		expect(result.items).toHaveLength(1005);
		expect(result.items[1004].pairedItem).toEqual({ item: 1004 });
	});

	it('a whole-array failure goes to every item of that array, and a POST is not sent twice', async () => {
		const scope = ms().post(`${API}/entity/task`).reply(500, msError('Внутренняя ошибка', 1999));
		const log = record(scope);

		const result = await runMs(CREATE, { input: [{ text: 'one' }, { text: 'two' }], continueOnFail: true });

		log.stop();
		expect(log.requests).toHaveLength(1);
		expect(result.items.map((item) => [item.json.error, item.pairedItem])).toEqual([
			['MoySklad: Внутренняя ошибка (code 1999)', { item: 0 }],
			['MoySklad: Внутренняя ошибка (code 1999)', { item: 1 }],
		]);
		expect(String(result.items[0].json.description)).toContain('This write was not sent again');
	});
});

describe('bulk update and mass delete', () => {
	it('an update element answered with errors fails only its item', async () => {
		const scope = ms()
			.post(`${API}/entity/task`)
			.reply(200, [msError('Нельзя изменить задачу, созданную другим сотрудником', 37001), msTask(IDS.task2, { description: 'B' })]);
		const log = record(scope);

		const result = await runMs(
			{ resource: 'task', operation: 'update', taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' }, updateFields: { description: '={{ $json.d }}' } },
			{ input: [{ id: IDS.task, d: 'A' }, { id: IDS.task2, d: 'B' }], continueOnFail: true },
		);

		log.stop();
		expect(log.requests[0].body).toEqual([
			{ ...taskRef(IDS.task), description: 'A' },
			{ ...taskRef(IDS.task2), description: 'B' },
		]);
		expect(result.items[0]).toEqual({
			json: {
				error: 'MoySklad rejected this task: Нельзя изменить задачу, созданную другим сотрудником (code 37001)',
				description: `Only an administrator or the task's author may change or delete it. ${ELEMENT_NOTE}`,
			},
			pairedItem: { item: 0 },
		});
		expect(result.items[1]).toMatchObject({ json: { id: IDS.task2, description: 'B' }, pairedItem: { item: 1 } });
	});

	it('a mass delete maps a per-element error to its item and the rest to { deleted: true }', async () => {
		const scope = ms()
			.post(`${API}/entity/task/delete`)
			.reply(200, [
				{ info: 'ok' },
				msError(`Объект с типом 'task' и UUID '${IDS.task2}' не найден`, 1021),
				{ info: 'ok' },
			]);
		const log = record(scope);

		const result = await runMs(
			{ resource: 'task', operation: 'delete', taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
			{ input: [{ id: IDS.task }, { id: IDS.task2 }, { id: IDS.task3 }], continueOnFail: true },
		);

		log.stop();
		expect(log.requests[0].body).toEqual([taskRef(IDS.task), taskRef(IDS.task2), taskRef(IDS.task3)]);
		expect(result.items.map((item) => item.json)).toEqual([
			{ deleted: true },
			{ error: `MoySklad rejected this task: Объект с типом 'task' и UUID '${IDS.task2}' не найден (code 1021)`, description: ELEMENT_NOTE },
			{ deleted: true },
		]);
	});

	it('an item with bad input is left out of the array with Continue On Fail', async () => {
		const scope = ms().post(`${API}/entity/task`).reply(200, [msTask(IDS.task2, { done: true })]);
		const log = record(scope);

		const result = await runMs(
			{ resource: 'task', operation: 'complete', taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
			{ input: [{ id: 'not-a-uuid' }, { id: IDS.task2 }], continueOnFail: true },
		);

		log.stop();
		expect(log.requests[0].body).toEqual([{ ...taskRef(IDS.task2), done: true }]);
		expect(result.items[0]).toEqual({
			json: { error: expect.stringContaining('Parameter "Task": "not-a-uuid" is not a MoySklad ID') },
			pairedItem: { item: 0 },
		});
		expect(result.items[1]).toMatchObject({ json: { id: IDS.task2, done: true }, pairedItem: { item: 1 } });
	});
});

describe('mass answers with HTTP 400 (some elements saved)', () => {
	it('a 400 array is read element by element: the saved task comes out, the failing item gets its own error', async () => {
		ms().post(`${API}/entity/task`).reply(400, [msTask(IDS.task, { description: 'one' }), REJECTED]);

		const result = await runMs(CREATE, { input: [{ text: 'one' }, { text: 'two' }], continueOnFail: true });

		expect(result.items[0]).toMatchObject({ json: { id: IDS.task, description: 'one' }, pairedItem: { item: 0 } });
		expect(result.items[1].json).toEqual({
			error: "MoySklad rejected this task: Ошибка сохранения объекта: поле 'assignee' ссылается на несуществующий объект (code 1021, parameter assignee)",
			description: ELEMENT_NOTE,
		});
	});

	it('without Continue On Fail a failing first array stops the run: saved items named with their ids, the rest not sent', async () => {
		const answer = Array.from({ length: 1000 }, (_, n) => (n === 1 ? REJECTED : msTask(`47bc1d9b-8b87-11e8-d9ce-${n.toString(16).padStart(12, '0')}`)));
		const scope = ms().post(`${API}/entity/task`).reply(400, answer);
		const log = record(scope);

		const result = await runMs(CREATE, { input: Array.from({ length: 1003 }, (_, n) => ({ text: `Task ${n}` })) });

		log.stop();
		expect(lines(log)).toEqual([`POST ${API}/entity/task`]);
		expect(result.error).toMatchObject({ message: expect.stringContaining('MoySklad rejected this task'), context: { itemIndex: 1 } });
		const description = String(result.error!.description);
		expect(description).toContain('Saved in MoySklad before the run stopped (do not send these items again): item 0 (task 47bc1d9b-8b87-11e8-d9ce-000000000000), item 2 (task 47bc1d9b-8b87-11e8-d9ce-000000000002), item 3 (task');
		expect(description).toContain('item 999 (task 47bc1d9b-8b87-11e8-d9ce-0000000003e7).');
		expect(description).toContain('Not sent to MoySklad: items 1000–1002.');
	});

	it('task types: a 400 array with a rejected element (error 3000, as the live API answered wmakeev/moysklad)', async () => {
		const scope = ms()
			.post(`${API}/entity/task/metadata/states`)
			.reply(400, [msState(IDS.state, 'Встреча', 255), msError("Ошибка сохранения объекта: поле 'name' не может быть пустым или отсутствовать", 3000, 'name')]);
		const log = record(scope);

		const result = await runMs(
			{ resource: 'taskType', operation: 'create', name: '={{ $json.name }}', color: '#0000FF' },
			{ input: [{ name: 'Встреча' }, { name: 'Звонок' }], continueOnFail: true },
		);

		log.stop();
		expect(log.requests[0].body).toEqual([{ name: 'Встреча', color: 255 }, { name: 'Звонок', color: 255 }]);
		expect(result.items.map((item) => item.json.error ?? item.json.colorHex)).toEqual([
			'#0000FF',
			"MoySklad rejected this task type: Ошибка сохранения объекта: поле 'name' не может быть пустым или отсутствовать (code 3000, parameter name)",
		]);
	});

	it('an array error body outside the mass writes (a note\'s create) still gives the vendor\'s message and code', async () => {
		ms()
			.post(`${API}/entity/task/${IDS.task}/notes`)
			.reply(400, [msError("Ошибка сохранения объекта: поле 'text' не может быть пустым или отсутствовать", 3000, 'text')]);

		const result = await runMs({ resource: 'comment', operation: 'create', taskId: byId(IDS.task), text: 'x' });

		expect(result.error).toMatchObject({
			message: "MoySklad: Ошибка сохранения объекта: поле 'text' не может быть пустым или отсутствовать (code 3000, parameter text, element 0)",
			httpCode: '400',
		});
	});

	it('a note answered 200 with an element carrying errors is an error, not a note', async () => {
		ms().post(`${API}/entity/task/${IDS.task}/notes`).reply(200, [msError('Нет прав на создание комментария', 1045)]);

		const result = await runMs({ resource: 'comment', operation: 'create', taskId: byId(IDS.task), text: 'x' });

		expect(result.error).toMatchObject({ message: 'MoySklad rejected this comment: Нет прав на создание комментария (code 1045)' });
	});
});
