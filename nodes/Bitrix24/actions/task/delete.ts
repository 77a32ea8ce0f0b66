import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { prepareItems } from '../../../shared/batch';
import { type ItemResult, type OperationModule } from '../../../shared/execute';
import { taskLocator } from '../../../shared/descriptions';
import { runCommands } from '../../write';
import { taskIdParameter } from '../fields';
import { B24_TASK_LOCATOR } from '../../locator';

const show = { resource: ['task'], operation: ['delete'] };

const description: INodeProperties[] = [taskLocator({ ...B24_TASK_LOCATOR, show, description: 'The task to delete' })];

/** Deletes one task per input item; many go out as `batch` calls. */
async function executeBatch(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]> {
	const prepared = await prepareItems(this, itemIndices, (itemIndex) => ({
		itemIndex,
		method: 'tasks.task.delete',
		params: { taskId: taskIdParameter(this, itemIndex) },
	}));
	return await runCommands(this, prepared, async () => ({ deleted: true }));
}

export const deleteTask: OperationModule = { description, executeBatch };
