import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { msRequest } from '../../api';
import { STATES_PATH, stateIdParameter, stateIdProperty } from './common';

const show = { resource: ['taskType'], operation: ['delete'] };

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = stateIdParameter(this, itemIndex);
	await msRequest(this, 'DELETE', `${STATES_PATH}/${id}`, { itemIndex });
	return { deleted: true };
}

export const deleteTaskType: OperationModule = { description: [stateIdProperty(show)], execute };
