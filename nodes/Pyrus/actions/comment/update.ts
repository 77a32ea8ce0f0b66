import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { taskLocator } from '../../../shared/descriptions';
import { parseNumericId } from '../../../shared/validation';
import { inputContext, taskIdParameter } from '../fields';
import { PYRUS_TASK_LOCATOR } from '../../locator';
import { postComment } from '../task/comment';
import { commentOutput, commentTextBody, commentTextProperties } from './text';

const show = { resource: ['comment'], operation: ['update'] };

const description: INodeProperties[] = [
	taskLocator({ ...PYRUS_TASK_LOCATOR, show }),
	{
		displayName: 'Comment ID',
		name: 'commentId',
		type: 'string',
		default: '',
		required: true,
		description: 'The comment whose text is replaced',
		displayOptions: { show },
	},
	...commentTextProperties(show),
];

/** Replaces a comment's text (`edit_comment_id`). */
async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const taskId = taskIdParameter(this, itemIndex);
	const commentId = parseNumericId(inputContext(this, itemIndex), 'Comment ID', this.getNodeParameter('commentId', itemIndex, ''));
	const body = { ...commentTextBody(this, itemIndex), edit_comment_id: commentId };
	return commentOutput(await postComment(this, taskId, body, itemIndex), commentId);
}

export const update: OperationModule = { description, execute };
