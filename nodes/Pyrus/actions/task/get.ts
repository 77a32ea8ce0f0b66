import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { simplifyOption, taskLocator } from '../../../shared/descriptions';
import { pyrusRequest } from '../../api';
import { answerTask, taskIdParameter, taskOutput } from '../fields';
import { PYRUS_TASK_LOCATOR } from '../../locator';

const show = { resource: ['task'], operation: ['get'] };

const description: INodeProperties[] = [taskLocator({ ...PYRUS_TASK_LOCATOR, show }), simplifyOption(show)];

/** One task with all its comments. */
export async function readTask(ctx: IExecuteFunctions, id: number, itemIndex: number): Promise<IDataObject> {
	return answerTask(ctx, itemIndex, await pyrusRequest.call(ctx, 'GET', `/tasks/${id}`, { itemIndex }));
}

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	return await taskOutput(this, itemIndex, await readTask(this, taskIdParameter(this, itemIndex), itemIndex));
}

export const get: OperationModule = { description, pickerDescription: 'Get a task with its comments', execute };
