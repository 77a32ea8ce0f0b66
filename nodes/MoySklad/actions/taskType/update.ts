import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { prepareItems } from '../../../shared/batch';
import { collection } from '../../../shared/descriptions';
import { type ItemResult, type OperationModule } from '../../../shared/execute';
import { requireChanges, updateFieldsValue } from '../../../shared/validation';
import { metaRef } from '../../api';
import { baseUrlOf, sendBulk } from '../../write';
import { STATE_WRITES, colorDescription, colorParameter, stateIdParameter, stateIdProperty, stateName, stateOutputs } from './common';

const show = { resource: ['taskType'], operation: ['update'] };

const description: INodeProperties[] = [
	stateIdProperty(show),
	collection('updateFields', { show }, [
		{ displayName: 'Color', name: 'color', type: 'color', default: '#4C8BF5', description: colorDescription },
		{ displayName: 'Name', name: 'name', type: 'string', default: '' },
	]),
];

/**
 * Updates one task type per input item. All items go out as one bulk array: an element with a
 * `meta` updates that type, and only the fields sent change.
 */
async function executeBatch(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]> {
	const baseUrl = await baseUrlOf(this);
	const prepared = await prepareItems(this, itemIndices, (itemIndex) => {
		const id = stateIdParameter(this, itemIndex);
		const fields = updateFieldsValue(this, itemIndex);
		const body: IDataObject = {};
		if (fields.name !== undefined) body.name = stateName(this, itemIndex, 'Update Fields → Name', fields.name);
		if (fields.color !== undefined) body.color = colorParameter(this, itemIndex, 'Update Fields → Color', fields.color);
		return { itemIndex, body: { ...metaRef(baseUrl, 'state', id), ...requireChanges(this, itemIndex, body) } };
	});
	return stateOutputs(await sendBulk(this, STATE_WRITES, prepared));
}

export const update: OperationModule = {
	description,
	pickerDescription: 'Rename or recolour a task type',
	executeBatch,
};
