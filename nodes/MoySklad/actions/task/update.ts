import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { collection, simplifyOption, taskLocator } from '../../../shared/descriptions';
import { prepareItems } from '../../../shared/batch';
import type { ItemResult, OperationModule } from '../../../shared/execute';
import { requireChanges, updateFieldsValue } from '../../../shared/validation';
import { metaRef } from '../../api';
import { TASK_WRITES, baseUrlOf, sendBulk, taskOutputs } from '../../write';
import { assigneeProperty, taskFieldOptions, taskFieldsBody, taskIdParameter } from '../fields';
import { MS_TASK_LOCATOR } from '../../locator';

const show = { resource: ['task'], operation: ['update'] };

const description: INodeProperties[] = [
	taskLocator({ ...MS_TASK_LOCATOR, show }),
	collection('updateFields', { show }, [
		assigneeProperty(),
		{
			displayName: 'Description',
			name: 'description',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
		},
		...taskFieldOptions(),
	]),
	simplifyOption(show),
];

/**
 * Updates one task per input item. All items go out as one bulk array: an element with a
 * `meta` updates that task, and only the fields sent change.
 */
async function executeBatch(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]> {
	const baseUrl = await baseUrlOf(this);
	const prepared = await prepareItems(this, itemIndices, async (itemIndex) => {
		const id = taskIdParameter(this, itemIndex);
		const fields = updateFieldsValue(this, itemIndex);
		const body = requireChanges(this, itemIndex, await taskFieldsBody(this, itemIndex, baseUrl, fields, 'Update Fields'));
		return { itemIndex, body: { ...metaRef(baseUrl, 'task', id), ...body } };
	});
	return taskOutputs(this, await sendBulk(this, TASK_WRITES, prepared));
}

export const update: OperationModule = { description, executeBatch };
