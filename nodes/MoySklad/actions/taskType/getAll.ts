import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { msTaskStates, stateOutput } from '../../api';

/** The task types, from the task metadata; each with its colour also as #RRGGBB. */
async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	return (await msTaskStates(this, itemIndex)).map(stateOutput);
}

export const getAll: OperationModule = { description: [], execute };
