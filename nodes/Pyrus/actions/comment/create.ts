import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { collection, taskLocator } from '../../../shared/descriptions';
import { ATTACHMENTS_DESCRIPTION, attachmentsParameter, isSet, taskIdParameter } from '../fields';
import { PYRUS_TASK_LOCATOR } from '../../locator';
import { postComment } from '../task/comment';
import { commentOutput, commentTextBody, commentTextProperties } from './text';

const show = { resource: ['comment'], operation: ['create'] };

const description: INodeProperties[] = [
	taskLocator({ ...PYRUS_TASK_LOCATOR, show }),
	...commentTextProperties(show),
	collection('options', { show }, [
		{
			displayName: 'Attachments (JSON)',
			name: 'attachments',
			type: 'json',
			default: '[]',
			description: ATTACHMENTS_DESCRIPTION,
		},
		{
			displayName: 'Skip Notification',
			name: 'skipNotification',
			type: 'boolean',
			default: false,
			description: 'Whether to comment without notifying the participants',
		},
	]),
];

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const taskId = taskIdParameter(this, itemIndex);
	const body = commentTextBody(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	if (isSet(options.attachments)) {
		body.attachments = attachmentsParameter(this, itemIndex, 'Options → Attachments (JSON)', options.attachments);
	}
	if (options.skipNotification === true) body.skip_notification = true;
	return commentOutput(await postComment(this, taskId, body, itemIndex));
}

export const create: OperationModule = { description, execute };
