import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { collection, simplifyOption, taskLocator } from '../../../shared/descriptions';
import type { OperationModule } from '../../../shared/execute';
import { msRequest } from '../../api';
import { taskOutput } from '../../write';
import { expandOption, expandQuery } from '../expand';
import { taskIdParameter } from '../fields';
import { MS_TASK_LOCATOR } from '../../locator';

const show = { resource: ['task'], operation: ['get'] };

const description: INodeProperties[] = [
	taskLocator({ ...MS_TASK_LOCATOR, show }),
	collection('options', { show }, [expandOption]),
	simplifyOption(show),
];

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = taskIdParameter(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const response = await msRequest<IDataObject>(this, 'GET', `entity/task/${id}`, {
		qs: expandQuery(options),
		itemIndex,
	});
	return taskOutput(this, itemIndex, response.body);
}

export const get: OperationModule = { description, execute };
