import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { amoRequest, embedded } from '../../api';

const description: INodeProperties[] = [];

/** The account's task types (1 Follow-up and 2 Meeting are built in). */
async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const response = await amoRequest.call(this, 'GET', '/account', { qs: { with: 'task_types' }, itemIndex });
	return embedded(response.body, 'task_types');
}

export const getAll: OperationModule = { description, execute };
