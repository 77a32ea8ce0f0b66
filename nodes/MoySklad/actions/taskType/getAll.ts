import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { msRequest, stateOutput } from '../../api';

/** The task types, from the task metadata; each with its colour also as #RRGGBB. */
async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const response = await msRequest<IDataObject>(this, 'GET', 'entity/task/metadata', { itemIndex });
	const states = Array.isArray(response.body?.states) ? (response.body.states as IDataObject[]) : [];
	return states.map(stateOutput);
}

export const getAll: OperationModule = { description: [], execute };
