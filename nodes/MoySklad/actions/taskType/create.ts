import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { prepareItems } from '../../../shared/batch';
import { type ItemResult, type OperationModule } from '../../../shared/execute';
import { sendBulk } from '../../write';
import { STATE_WRITES, colorDescription, colorParameter, stateName, stateOutputs } from './common';

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

/** Creates one task type per input item; all items go out as one bulk array (1000 per request). */
async function executeBatch(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]> {
	const prepared = await prepareItems(this, itemIndices, (itemIndex) => ({
		itemIndex,
		body: {
			name: stateName(this, itemIndex, 'Name', this.getNodeParameter('name', itemIndex, '')),
			color: colorParameter(this, itemIndex, 'Color', this.getNodeParameter('color', itemIndex, '')),
		},
	}));
	return stateOutputs(await sendBulk(this, STATE_WRITES, prepared));
}

export const create: OperationModule = { description, executeBatch };
