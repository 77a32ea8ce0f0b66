import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { prepareItems } from '../../../shared/batch';
import { type ItemResult, type OperationModule } from '../../../shared/execute';
import { collection, simplifyOption, taskLocator } from '../../../shared/descriptions';
import { inputError } from '../../../shared/transport/errors';
import { outputs, writeTasks } from '../../write';
import { taskFieldOptions, taskFieldsBody, taskIdParameter } from '../fields';
import { AMO_TASK_LOCATOR } from '../../locator';

const show = { resource: ['task'], operation: ['update'] };

const description: INodeProperties[] = [
	taskLocator({ ...AMO_TASK_LOCATOR, show }),
	collection('updateFields', { show }, [
		{
			displayName: 'Due Date',
			name: 'completeTill',
			type: 'dateTime',
			default: '',
			description: 'New deadline. Without a time zone offset, the workflow\'s time zone applies.',
		},
		{
			displayName: 'Text',
			name: 'text',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
		},
		...taskFieldOptions(),
	]),
	simplifyOption(show),
];

/** Updates one task per input item; items go out together, 50 per request. */
async function executeBatch(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]> {
	const prepared = await prepareItems(this, itemIndices, (itemIndex) => {
		const id = taskIdParameter(this, itemIndex);
		const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
		const body = taskFieldsBody(this, itemIndex, fields, 'Update Fields');
		if (Object.keys(body).length === 0) {
			throw inputError(this.getNode(), 'Update Fields', 'add at least one field to change', itemIndex);
		}
		return { itemIndex, body: { id, ...body } };
	});
	return await outputs(this, await writeTasks(this, 'PATCH', prepared));
}

export const update: OperationModule = {
	description,
	pickerDescription: 'Update a task (amoCRM cannot delete tasks through its API)',
	executeBatch,
};
