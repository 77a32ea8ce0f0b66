import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputError } from '../../../shared/transport/errors';
import { readTask } from '../task/get';

export type CommentMode = 'classic' | 'chat';

/** Which scope a comment operation needs on a task with a chat (new task card), besides `task`. */
export function chatScopeNotice(show: Record<string, string[]>, scope: 'tasks' | 'im', method: string): INodeProperties {
	return {
		displayName: `On a task with a chat (new task card) this uses ${method}: the webhook or application needs the scope "${scope}" besides "task"`,
		name: 'chatScopeNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	};
}

/** "Card Type": automatic, or forced for portals where the guess is wrong. */
export function cardTypeOption(show: Record<string, string[]>): INodeProperties {
	return {
		displayName: 'Card Type',
		name: 'cardType',
		type: 'options',
		options: [
			{
				name: 'Automatic',
				value: 'auto',
				description: 'Chat when the task has a chat (new task card), classic comments otherwise',
			},
			{ name: 'Classic Comments', value: 'classic', description: 'Comments of the classic task card (task.commentitem.*)' },
			{ name: 'Task Chat', value: 'chat', description: 'Messages of the task\'s chat in the new task card' },
		],
		default: 'auto',
		displayOptions: { show },
	};
}

/**
 * Where the task's comments live. The new task card gives every task a chat (`chatId`);
 * classic tasks have none. Returns the chat id in chat mode.
 */
export async function commentMode(
	ctx: IExecuteFunctions,
	taskId: number,
	itemIndex: number,
): Promise<{ mode: CommentMode; chatId?: number }> {
	const cardType = String(ctx.getNodeParameter('cardType', itemIndex, 'auto'));
	if (!['auto', 'classic', 'chat'].includes(cardType)) {
		throw inputError(ctx.getNode(), 'Card Type', `"${cardType}" is not a card type: use auto, classic or chat`, itemIndex);
	}
	if (cardType === 'classic') return { mode: 'classic' };
	const task = await readTask(ctx, taskId, ['ID', 'CHAT_ID'], itemIndex);
	const chatId = Number(task.chatId ?? 0);
	if (chatId > 0) return { mode: 'chat', chatId };
	if (cardType === 'chat') {
		throw inputError(ctx.getNode(), 'Card Type', `task ${taskId} has no chat: it uses the classic task card`, itemIndex);
	}
	return { mode: 'classic' };
}
