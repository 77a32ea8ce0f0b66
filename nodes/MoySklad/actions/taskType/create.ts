import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { msRequest, stateOutput } from '../../api';
import { STATES_PATH, colorDescription, colorParameter, stateName } from './common';

const show = { resource: ['taskType'], operation: ['create'] };

const description: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show },
	},
	{
		displayName: 'Color',
		name: 'color',
		type: 'color',
		default: '#4C8BF5',
		required: true,
		description: colorDescription,
		displayOptions: { show },
	},
];

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const name = stateName(this, itemIndex, 'Name', this.getNodeParameter('name', itemIndex, ''));
	const color = colorParameter(this, itemIndex, 'Color', this.getNodeParameter('color', itemIndex, ''));
	const response = await msRequest<IDataObject>(this, 'POST', STATES_PATH, { body: { name, color }, itemIndex });
	return stateOutput(response.body);
}

export const create: OperationModule = { description, execute };
