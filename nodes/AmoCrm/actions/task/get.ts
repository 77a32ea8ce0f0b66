import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { simplifyOption, taskLocator } from '../../../shared/descriptions';
import { amoRequest } from '../../api';
import { taskOutput } from '../../write';
import { taskIdParameter } from '../fields';
import { AMO_TASK_LOCATOR } from '../../locator';

const show = { resource: ['task'], operation: ['get'] };

const description: INodeProperties[] = [taskLocator({ ...AMO_TASK_LOCATOR, show }), simplifyOption(show)];

/** One task by id; an empty answer (204) is "not found". */
export async function readTask(ctx: IExecuteFunctions, id: number, itemIndex: number): Promise<IDataObject> {
	const response = await amoRequest.call(ctx, 'GET', `/tasks/${id}`, { itemIndex });
	if (!response.body) throw new NodeOperationError(ctx.getNode(), `amoCRM: task ${id} was not found`, { itemIndex });
	return response.body;
}

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const task = await readTask(this, taskIdParameter(this, itemIndex), itemIndex);
	return await taskOutput(this, itemIndex, task);
}

export const get: OperationModule = { description, execute };
