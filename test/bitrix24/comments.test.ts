/**
 * Comments on both task cards: classic comments (task.commentitem.*) and the task chat of the
 * new card (REST 3.0 tasks.task.chat.message.send, im.dialog.messages.get), chosen from the
 * task's chatId, with a manual override.
 */
import type { IDataObject } from 'n8n-workflow';

import { SECRET, byId, hook, jsonOf, lines, runB24, useSandbox } from './fixtures';

const { sandbox, baseUrl } = useSandbox();

const bodies = () => sandbox.requests.map((request) => request.body as IDataObject);

describe('classic task card', () => {
	it('adds a comment: reads the task\'s chatId first, then task.commentitem.add with TASKID before FIELDS', async () => {
		sandbox.addTask({ id: '51' });

		const result = await runB24(baseUrl(), { resource: 'comment', operation: 'create', taskId: byId('51'), text: 'Done, see [B]report[/B]' });

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual([`POST ${hook('tasks.task.get')}`, `POST ${hook('task.commentitem.add')}`]);
		expect(bodies()[0]).toEqual({ taskId: 51, select: ['ID', 'CHAT_ID'] });
		expect(Object.keys(bodies()[1])).toEqual(['TASKID', 'FIELDS']);
		expect(bodies()[1]).toEqual({ TASKID: 51, FIELDS: { POST_MESSAGE: 'Done, see [B]report[/B]' } });
		expect(result.items).toEqual([{ json: { taskId: '51', mode: 'classic', id: '1', text: 'Done, see [B]report[/B]' }, pairedItem: { item: 0 } }]);
		expect(sandbox.comments.get(51)?.[0]).toMatchObject({ POST_MESSAGE: 'Done, see [B]report[/B]', AUTHOR_ID: '1' });
	});

	it('lists comments oldest first, up to Limit, keeping Bitrix24\'s UPPER keys', async () => {
		sandbox.addTask({ id: '51' });
		for (let n = 1; n <= 3; n++) {
			await runB24(baseUrl(), { resource: 'comment', operation: 'create', taskId: byId('51'), text: `Note ${n}`, cardType: 'classic' });
		}
		sandbox.clearLog();

		const result = await runB24(baseUrl(), { resource: 'comment', operation: 'getAll', taskId: byId('51'), limit: 2 });

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual([`POST ${hook('tasks.task.get')}`, `POST ${hook('task.commentitem.getlist')}`]);
		expect(bodies()[1]).toEqual({ TASKID: 51, ORDER: { ID: 'asc' } });
		expect(jsonOf(result)).toEqual([
			expect.objectContaining({ ID: '1', POST_MESSAGE: 'Note 1', AUTHOR_ID: '1', taskId: '51', mode: 'classic' }),
			expect.objectContaining({ ID: '2', POST_MESSAGE: 'Note 2', taskId: '51', mode: 'classic' }),
		]);
	});

	it('Card Type "Classic" skips the task read', async () => {
		sandbox.addTask({ id: '51' });

		await runB24(baseUrl(), { resource: 'comment', operation: 'create', taskId: byId('51'), text: 'x', cardType: 'classic' });

		expect(lines(sandbox.requests)).toEqual([`POST ${hook('task.commentitem.add')}`]);
	});
});

describe('new task card (task chat)', () => {
	it('adds a comment as a chat message through REST 3.0', async () => {
		sandbox.newTaskCard = true;
		const task = sandbox.addTask({ id: '60' });

		const result = await runB24(baseUrl(), { resource: 'comment', operation: 'create', taskId: byId('60'), text: 'Hello chat' });

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual([
			`POST ${hook('tasks.task.get')}`,
			`POST /rest/api/1/${SECRET}/tasks.task.chat.message.send`,
		]);
		expect(bodies()[1]).toEqual({ fields: { taskId: 60, text: 'Hello chat' } });
		expect(result.items).toEqual([
			{ json: { taskId: '60', mode: 'chat', chatId: task.chatId, text: 'Hello chat', sent: true }, pairedItem: { item: 0 } },
		]);
		expect(sandbox.chats.get(Number(task.chatId))?.map((message) => message.text)).toEqual(['Hello chat']);
	});

	it('lists chat messages newest first, paging back with LAST_ID over Return All', async () => {
		sandbox.newTaskCard = true;
		const task = sandbox.addTask({ id: '61' });
		const chatId = Number(task.chatId);
		sandbox.chats.set(
			chatId,
			Array.from({ length: 70 }, (_, n) => ({ id: n + 1, chat_id: chatId, author_id: 1, date: sandbox.portalDate(), text: `m${n + 1}` })),
		);

		const result = await runB24(baseUrl(), { resource: 'comment', operation: 'getAll', taskId: byId('61'), returnAll: true });

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual([
			`POST ${hook('tasks.task.get')}`,
			`POST ${hook('im.dialog.messages.get')}`,
			`POST ${hook('im.dialog.messages.get')}`,
		]);
		expect(bodies()[1]).toEqual({ DIALOG_ID: `chat${chatId}`, LIMIT: 50 });
		expect(bodies()[2]).toEqual({ DIALOG_ID: `chat${chatId}`, LIMIT: 50, LAST_ID: 21 });
		const texts = jsonOf(result).map((message) => message.text);
		expect(texts).toHaveLength(70);
		expect(texts[0]).toBe('m70');
		expect(texts[69]).toBe('m1');
		expect(jsonOf(result)[0]).toMatchObject({ taskId: '61', mode: 'chat', chat_id: chatId });
	});

	it('Card Type "Classic" forces classic comments on a chat task', async () => {
		sandbox.newTaskCard = true;
		sandbox.addTask({ id: '62' });

		const result = await runB24(baseUrl(), { resource: 'comment', operation: 'create', taskId: byId('62'), text: 'old style', cardType: 'classic' });

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual([`POST ${hook('task.commentitem.add')}`]);
	});

	it('Card Type "Task Chat" on a task without a chat: an error naming the parameter, nothing written', async () => {
		sandbox.addTask({ id: '63' });

		const result = await runB24(baseUrl(), { resource: 'comment', operation: 'create', taskId: byId('63'), text: 'x', cardType: 'chat' });

		expect(lines(sandbox.requests)).toEqual([`POST ${hook('tasks.task.get')}`]);
		expect(result.error).toMatchObject({ name: 'NodeOperationError', message: 'Parameter "Card Type": task 63 has no chat: it uses the classic task card' });
		expect(sandbox.comments.size).toBe(0);
	});
});
