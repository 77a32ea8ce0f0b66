import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { taskLocator, textProperty } from '../../../shared/descriptions';
import { requireText } from '../../../shared/validation';
import { b24Call } from '../../api';
import { inputContext, taskIdParameter } from '../fields';
import { B24_TASK_LOCATOR } from '../../locator';
import { cardTypeOption, chatScopeNotice, commentMode } from './mode';

const show = { resource: ['comment'], operation: ['create'] };

const description: INodeProperties[] = [
	taskLocator({ ...B24_TASK_LOCATOR, show }),
	textProperty(show, 'The comment (BBCode)'),
	cardTypeOption(show),
	chatScopeNotice(show, 'tasks', 'tasks.task.chat.message.send (REST 3.0)'),
];

/**
 * Adds a comment: a classic comment (task.commentitem.add, TASKID before FIELDS), or a
 * message in the task's chat (REST 3.0 tasks.task.chat.message.send) on the new task card.
 */
async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const taskId = taskIdParameter(this, itemIndex);
	const text = requireText(inputContext(this, itemIndex), 'Text', this.getNodeParameter('text', itemIndex));
	const { mode, chatId } = await commentMode(this, taskId, itemIndex);
	if (mode === 'chat') {
		await b24Call(this, 'tasks.task.chat.message.send', { fields: { taskId, text } }, { itemIndex, v3: true });
		return { taskId: String(taskId), mode, chatId: String(chatId), text, sent: true };
	}
	const envelope = await b24Call(this, 'task.commentitem.add', { TASKID: taskId, FIELDS: { POST_MESSAGE: text } }, { itemIndex });
	return { taskId: String(taskId), mode, id: String(envelope.result), text };
}

export const create: OperationModule = {
	description,
	pickerDescription: 'Create a comment, or a message in the task chat on the new task card',
	execute,
};
