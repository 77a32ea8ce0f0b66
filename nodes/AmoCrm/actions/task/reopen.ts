import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { prepareItems } from '../../../shared/batch';
import { type ItemResult, type OperationModule } from '../../../shared/execute';
import { simplifyOption, taskLocator } from '../../../shared/descriptions';
import { outputs, writeTasks } from '../../write';
import { taskIdParameter } from '../fields';
import { AMO_TASK_LOCATOR } from '../../locator';

const show = { resource: ['task'], operation: ['reopen'] };

const description: INodeProperties[] = [taskLocator({ ...AMO_TASK_LOCATOR, show }), simplifyOption(show)];

/** Marks completed tasks open again; 50 per request. */
async function executeBatch(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]> {
	const prepared = await prepareItems(this, itemIndices, (itemIndex) => ({
		itemIndex,
		body: { id: taskIdParameter(this, itemIndex), is_completed: false },
	}));
	return await outputs(this, await writeTasks(this, 'PATCH', prepared));
}

export const reopen: OperationModule = { description, executeBatch };
