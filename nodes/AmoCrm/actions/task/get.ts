import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { simplifyOption, taskLocator } from '../../../shared/descriptions';
import { amoRequest } from '../../api';
import { taskOutput } from '../bulk';
import { taskIdParameter } from '../fields';
import { AMO_TASK_LOCATOR } from '../locator';

const show = { resource: ['task'], operation: ['get'] };

const description: INodeProperties[] = [taskLocator({ ...AMO_TASK_LOCATOR, show }), simplifyOption(show)];

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = taskIdParameter(this, itemIndex);
	const response = await amoRequest.call(this, 'GET', `/tasks/${id}`, { itemIndex });
	if (!response.body) {
		throw new NodeOperationError(this.getNode(), `amoCRM: task ${id} was not found`, { itemIndex });
	}
	return await taskOutput(this, itemIndex, response.body);
}

export const get: OperationModule = { description, execute };
