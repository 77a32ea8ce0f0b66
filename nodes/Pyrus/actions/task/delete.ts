import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { taskLocator } from '../../../shared/descriptions';
import { pyrusRequest } from '../../api';
import { PYRUS_TASK_LOCATOR, taskIdParameter } from '../common';

const show = { resource: ['task'], operation: ['delete'] };

const description: INodeProperties[] = [taskLocator({ ...PYRUS_TASK_LOCATOR, show })];

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	await pyrusRequest.call(this, 'DELETE', `/tasks/${taskIdParameter(this, itemIndex)}`, { itemIndex });
	return { deleted: true };
}

export const deleteTask: OperationModule = { description, execute };
