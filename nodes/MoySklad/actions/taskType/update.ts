import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { inputError } from '../../../shared/transport/errors';
import { msRequest, stateOutput } from '../../api';
import { STATES_PATH, colorDescription, colorParameter, stateIdParameter, stateIdProperty, stateName } from './common';

const show = { resource: ['taskType'], operation: ['update'] };

const description: INodeProperties[] = [
	stateIdProperty(show),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{ displayName: 'Color', name: 'color', type: 'color', default: '#4C8BF5', description: colorDescription },
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
		],
	},
];

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = stateIdParameter(this, itemIndex);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = {};
	if (fields.name !== undefined) body.name = stateName(this, itemIndex, 'Update Fields → Name', fields.name);
	if (fields.color !== undefined) body.color = colorParameter(this, itemIndex, 'Update Fields → Color', fields.color);
	if (Object.keys(body).length === 0) {
		throw inputError(this.getNode(), 'Update Fields', 'add at least one field to change', itemIndex);
	}
	const response = await msRequest<IDataObject>(this, 'PUT', `${STATES_PATH}/${id}`, { body, itemIndex });
	return stateOutput(response.body);
}

export const update: OperationModule = { description, execute };
