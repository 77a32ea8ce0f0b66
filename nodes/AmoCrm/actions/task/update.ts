import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { prepareItems } from '../../../shared/batch';
import { type ItemResult, type OperationModule } from '../../../shared/execute';
import { collection, simplifyOption, taskLocator } from '../../../shared/descriptions';
import { requireChanges, updateFieldsValue } from '../../../shared/validation';
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
		const body = requireChanges(this, itemIndex, taskFieldsBody(this, itemIndex, updateFieldsValue(this, itemIndex), 'Update Fields'));
		return { itemIndex, body: { id, ...body } };
	});
	return await outputs(this, await writeTasks(this, 'PATCH', prepared));
}

export const update: OperationModule = {
	description,
	pickerDescription: 'Update a task (amoCRM cannot delete tasks through its API)',
	executeBatch,
};
