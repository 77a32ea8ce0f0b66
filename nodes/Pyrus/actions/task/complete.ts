import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { simplifyOption, taskLocator } from '../../../shared/descriptions';
import { taskIdParameter, taskOutput } from '../fields';
import { PYRUS_TASK_LOCATOR } from '../../locator';
import { postComment } from './comment';

/** Complete and Reopen: a comment with `action`, and an optional text. */
export function actionOperation(
	operation: 'complete' | 'reopen',
	action: 'finished' | 'reopened',
	pickerDescription: string,
): OperationModule {
	const show = { resource: ['task'], operation: [operation] };
	const description: INodeProperties[] = [
		taskLocator({ ...PYRUS_TASK_LOCATOR, show }),
		{
			displayName: 'Comment',
			name: 'text',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			description: 'Optional text of the comment that closes or reopens the task',
			displayOptions: { show },
		},
		simplifyOption(show),
	];
	async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
		const taskId = taskIdParameter(this, itemIndex);
		const text = this.getNodeParameter('text', itemIndex, '') as string;
		const body: IDataObject = { action };
		if (text.trim() !== '') body.text = text;
		return await taskOutput(this, itemIndex, await postComment(this, taskId, body, itemIndex));
	}
	return { description, pickerDescription, execute };
}

export const complete = actionOperation('complete', 'finished', 'Close a task (a comment with action "finished")');
