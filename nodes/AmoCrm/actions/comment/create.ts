import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { taskLocator, textProperty } from '../../../shared/descriptions';
import { requireText } from '../../../shared/validation';
import { amoRequest, embedded } from '../../api';
import { inputContext, taskIdParameter } from '../fields';
import { AMO_TASK_LOCATOR } from '../../locator';
import { linkedEntity } from './linkedEntity';

const show = { resource: ['comment'], operation: ['create'] };

const description: INodeProperties[] = [
	{
		displayName:
			'amoCRM tasks have no comments of their own: the comment is added as a note to the lead, contact or company the task is linked to',
		name: 'notice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	taskLocator({ ...AMO_TASK_LOCATOR, show }),
	textProperty(show),
];

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const taskId = taskIdParameter(this, itemIndex);
	const text = requireText(inputContext(this, itemIndex), 'Text', this.getNodeParameter('text', itemIndex));
	const entity = await linkedEntity(this, taskId, itemIndex);
	const response = await amoRequest.call(this, 'POST', `/${entity.type}/${entity.id}/notes`, {
		body: [{ note_type: 'common', params: { text } }],
		itemIndex,
	});
	const note = embedded(response.body, 'notes')[0];
	if (!note) throw new NodeOperationError(this.getNode(), 'amoCRM did not return the new note', { itemIndex });
	return { ...note, task_id: taskId, entity_type: entity.type, text };
}

export const create: OperationModule = {
	description,
	// amoCRM tasks have no comments.
	pickerDescription: 'Create a note on the lead, contact or company the task belongs to',
	execute,
};
