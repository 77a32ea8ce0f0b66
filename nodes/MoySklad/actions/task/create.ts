import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { findAlreadyCreated, markAlreadyCreated, skipExistingProperties } from '../../../shared/alreadyCreated';
import { prepareItems } from '../../../shared/batch';
import { collection, simplifyOption } from '../../../shared/descriptions';
import type { ItemResult, OperationModule } from '../../../shared/execute';
import { metaRef } from '../../api';
import { TASK_WRITES, baseUrlOf, sendBulk, taskOutputs } from '../../write';
import { holdsAllSent, tasksCreatedSince } from './existing';
import { assigneeProperty, parseText, parseUuid, taskFieldOptions, taskFieldsBody } from '../fields';

const show = { resource: ['task'], operation: ['create'] };

const description: INodeProperties[] = [
	{
		displayName: 'Description',
		name: 'description',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		description: 'What has to be done (up to 4096 characters)',
		displayOptions: { show },
	},
	assigneeProperty({ required: true, displayOptions: { show }, description: 'The employee responsible for the task. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.' }),
	collection('additionalFields', { show }, taskFieldOptions()),
	...skipExistingProperties(show),
	simplifyOption(show),
];

/** Creates one task per input item; all items go out as one bulk array (1000 per request). */
async function executeBatch(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]> {
	const baseUrl = await baseUrlOf(this);
	const prepared = await prepareItems(this, itemIndices, async (itemIndex) => {
		const text = parseText(this, itemIndex, 'Description', this.getNodeParameter('description', itemIndex));
		const assignee = parseUuid(this, itemIndex, 'Assignee', this.getNodeParameter('assignee', itemIndex, ''));
		const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
		return {
			itemIndex,
			body: {
				...(await taskFieldsBody(this, itemIndex, baseUrl, fields, 'Additional Fields')),
				description: text,
				assignee: metaRef(baseUrl, 'employee', assignee),
			},
		};
	});
	const existing = await findAlreadyCreated(
		this,
		prepared,
		async (since, elements) => await tasksCreatedSince(this, since, elements[0].itemIndex),
		(task, element) => holdsAllSent(task, element.body),
		{ stored: (task) => task.description, sent: (element) => element.body.description },
	);
	const results = taskOutputs(this, await sendBulk(this, TASK_WRITES, prepared, existing));
	return markAlreadyCreated(results, existing);
}

export const create: OperationModule = { description, executeBatch };
