import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { prepareItems } from '../../../shared/batch';
import { type ItemResult, type OperationModule } from '../../../shared/execute';
import { collection, simplifyOption, taskLocator } from '../../../shared/descriptions';
import { requireChanges, updateFieldsValue } from '../../../shared/validation';
import { runCommands, taskResult } from '../../write';
import { taskFieldOptions, taskFieldsBody, taskIdParameter } from '../fields';
import { B24_TASK_LOCATOR } from '../../locator';

const show = { resource: ['task'], operation: ['update'] };

const description: INodeProperties[] = [
	taskLocator({ ...B24_TASK_LOCATOR, show }),
	collection('updateFields', { show }, taskFieldOptions(true)),
	simplifyOption(show),
];

/** Changes one task per input item (status changes have their own operations); many go out as `batch` calls. */
async function executeBatch(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]> {
	const prepared = await prepareItems(this, itemIndices, (itemIndex) => {
		const taskId = taskIdParameter(this, itemIndex);
		const fields = requireChanges(this, itemIndex, taskFieldsBody(this, itemIndex, updateFieldsValue(this, itemIndex), 'Update Fields'));
		// taskId before fields: Bitrix24 reads parameters in the documented order.
		return { itemIndex, method: 'tasks.task.update', params: { taskId, fields } };
	});
	return await runCommands(this, prepared, taskResult(this));
}

export const update: OperationModule = { description, executeBatch };
