import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { taskLocator } from '../../../shared/descriptions';
import { prepareItems } from '../../../shared/batch';
import { type ItemResult, type OperationModule } from '../../../shared/execute';
import { metaRef } from '../../api';
import { baseUrlOf, deleteMany } from '../../write';
import { taskIdParameter } from '../fields';
import { MS_TASK_LOCATOR } from '../../locator';

const show = { resource: ['task'], operation: ['delete'] };

const description: INodeProperties[] = [taskLocator({ ...MS_TASK_LOCATOR, show })];

/** Deletes one task per item: several items go out as one mass-delete call. */
async function executeBatch(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]> {
	const baseUrl = await baseUrlOf(this);
	const prepared = await prepareItems(this, itemIndices, (itemIndex) => {
		const id = taskIdParameter(this, itemIndex);
		return { itemIndex, id, ref: metaRef(baseUrl, 'task', id) };
	});
	return await deleteMany(this, 'entity/task', prepared, 'task');
}

export const deleteTask: OperationModule = { description, executeBatch };
