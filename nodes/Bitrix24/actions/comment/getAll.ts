import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { returnAllAndLimit, returnAllAndLimitValues, taskLocator } from '../../../shared/descriptions';
import { b24Call } from '../../api';
import { taskIdParameter } from '../fields';
import { B24_TASK_LOCATOR } from '../../locator';
import { cardTypeOption, chatScopeNotice, commentMode } from './mode';

const show = { resource: ['comment'], operation: ['getAll'] };

const description: INodeProperties[] = [
	taskLocator({ ...B24_TASK_LOCATOR, show }),
	...returnAllAndLimit(show),
	cardTypeOption(show),
	chatScopeNotice(show, 'im', 'im.dialog.messages.get'),
];

/** Messages per im.dialog.messages.get call (its maximum). */
const CHAT_PAGE = 50;

/** The chat's messages, newest first, paging back with LAST_ID. */
async function chatMessages(ctx: IExecuteFunctions, chatId: number, wanted: number, itemIndex: number): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	let lastId: number | undefined;
	for (;;) {
		const envelope = await b24Call(
			ctx,
			'im.dialog.messages.get',
			{ DIALOG_ID: `chat${chatId}`, LIMIT: CHAT_PAGE, ...(lastId ? { LAST_ID: lastId } : {}) },
			{ read: true, itemIndex },
		);
		const messages = ((envelope.result as IDataObject | undefined)?.messages as IDataObject[] | undefined) ?? [];
		out.push(...messages);
		if (messages.length < CHAT_PAGE || out.length >= wanted) return out.slice(0, wanted);
		lastId = Math.min(...messages.map((message) => Number(message.id)));
	}
}

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const taskId = taskIdParameter(this, itemIndex);
	const { returnAll, limit } = returnAllAndLimitValues(this, itemIndex);
	const wanted = returnAll ? Infinity : limit;
	const { mode, chatId } = await commentMode(this, taskId, itemIndex);
	if (mode === 'chat') {
		const messages = await chatMessages(this, chatId!, wanted, itemIndex);
		return messages.map((message) => ({ ...message, taskId: String(taskId), mode }));
	}
	// The classic list has no paging: it answers with every comment, oldest first.
	const envelope = await b24Call(this, 'task.commentitem.getlist', { TASKID: taskId, ORDER: { ID: 'asc' } }, { read: true, itemIndex });
	const comments = Array.isArray(envelope.result) ? (envelope.result as IDataObject[]) : [];
	return comments.slice(0, wanted).map((comment) => ({ ...comment, taskId: String(taskId), mode }));
}

export const getAll: OperationModule = {
	description,
	pickerDescription: 'Get the comments or the task chat messages',
	execute,
};
