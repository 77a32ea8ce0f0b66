import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { findAlreadyCreated, markAlreadyCreated, skipExistingProperties } from '../../../shared/alreadyCreated';
import { prepareItems } from '../../../shared/batch';
import { type ItemResult, type OperationModule } from '../../../shared/execute';
import { collection, simplifyOption, textProperty } from '../../../shared/descriptions';
import { requireText } from '../../../shared/validation';
import { outputs, writeTasks } from '../../write';
import { holdsAllSent } from '../../storedLookup';
import { tasksCreatedSince } from './existing';
import { dueSeconds, inputContext, taskFieldOptions, taskFieldsBody } from '../fields';

const show = { resource: ['task'], operation: ['create'] };

const description: INodeProperties[] = [
	textProperty(show, 'What has to be done'),
	{
		displayName: 'Due Date',
		name: 'completeTill',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'Deadline of the task. Without a time zone offset, the workflow\'s time zone applies.',
		displayOptions: { show },
	},
	collection('additionalFields', { show }, taskFieldOptions()),
	...skipExistingProperties(show),
	simplifyOption(show),
];

/** Creates one task per input item; items go out together, 50 per request. */
async function executeBatch(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]> {
	const prepared = await prepareItems(this, itemIndices, (itemIndex) => {
		const text = requireText(inputContext(this, itemIndex), 'Text', this.getNodeParameter('text', itemIndex));
		const completeTill = this.getNodeParameter('completeTill', itemIndex, '');
		if (completeTill === '' || completeTill === null) {
			requireText(inputContext(this, itemIndex), 'Due Date', '');
		}
		const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
		return {
			itemIndex,
			body: {
				...taskFieldsBody(this, itemIndex, fields, 'Additional Fields'),
				text,
				complete_till: dueSeconds(this, itemIndex, 'Due Date', completeTill),
			},
		};
	});
	const existing = await findAlreadyCreated(
		this,
		prepared,
		async (since, elements) => await tasksCreatedSince(this, since, elements[0].itemIndex),
		(task, element) => holdsAllSent(task, element.body),
		{ stored: (task) => task.text, sent: (element) => element.body.text },
	);
	const results = await outputs(this, await writeTasks(this, 'POST', prepared, { existing }));
	return markAlreadyCreated(results, existing);
}

export const create: OperationModule = { description, executeBatch };
