import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { taskLocator, textProperty } from '../../../shared/descriptions';
import { parseUuid } from '../fields';
import { MS_TASK_LOCATOR } from '../../locator';

type Show = NonNullable<INodeProperties['displayOptions']>['show'];

/** The task whose notes an operation works on. */
export function noteTaskLocator(show: Show): INodeProperties {
	return taskLocator({ ...MS_TASK_LOCATOR, show, description: 'The task the comment belongs to' });
}

export function noteIdProperty(show: Show): INodeProperties {
	return {
		displayName: 'Comment ID',
		name: 'commentId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '34f6344f-015e-11e6-9464-e4de0000006c',
		displayOptions: { show },
	};
}

export function noteTextProperty(show: Show): INodeProperties {
	return textProperty(show, 'The comment (up to 4096 characters). Mention an employee with {{employee;&lt;employee ID&gt;}}: it is passed as is and notifies them.');
}

export function noteIdParameter(ctx: IExecuteFunctions, itemIndex: number): string {
	return parseUuid(ctx, itemIndex, 'Comment ID', ctx.getNodeParameter('commentId', itemIndex, ''));
}

/** Path of a task's notes. */
export function notesPath(taskId: string): string {
	return `entity/task/${taskId}/notes`;
}
