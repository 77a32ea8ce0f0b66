import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { findAlreadyCreated, markAlreadyCreated, skipExistingProperties } from '../../../shared/alreadyCreated';
import { prepareItems } from '../../../shared/batch';
import { type ItemResult, type OperationModule } from '../../../shared/execute';
import { collection, simplifyOption } from '../../../shared/descriptions';
import { parseNumericId, requireText } from '../../../shared/validation';
import { runCommands, taskResult } from '../../write';
import { inputContext, taskFieldOptions, taskFieldsBody } from '../fields';
import { holdsAllSent, tasksCreatedSince } from './existing';

const show = { resource: ['task'], operation: ['create'] };

const description: INodeProperties[] = [
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		default: '',
		required: true,
		displayOptions: { show },
	},
	{
		displayName: 'Responsible User Name or ID',
		name: 'responsibleId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getUsers' },
		default: '',
		required: true,
		description:
			'The person who does the task. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show },
	},
	collection('additionalFields', { show }, taskFieldOptions(false)),
	...skipExistingProperties(show),
	simplifyOption(show),
];

/** Creates one task per input item; many items go out as `batch` calls. */
async function executeBatch(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]> {
	const prepared = await prepareItems(this, itemIndices, (itemIndex) => {
		const input = inputContext(this, itemIndex);
		const title = requireText(input, 'Title', this.getNodeParameter('title', itemIndex));
		const responsibleId = parseNumericId(input, 'Responsible User', this.getNodeParameter('responsibleId', itemIndex, ''));
		const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
		return {
			itemIndex,
			method: 'tasks.task.add',
			params: {
				fields: { TITLE: title, RESPONSIBLE_ID: responsibleId, ...taskFieldsBody(this, itemIndex, fields, 'Additional Fields') },
			},
		};
	});
	const fieldsOf = (command: { params: IDataObject }) => command.params.fields as IDataObject;
	const existing = await findAlreadyCreated(
		this,
		prepared,
		async (since, commands) => await tasksCreatedSince(this, since, commands.map(fieldsOf), commands[0].itemIndex),
		(task, command) => holdsAllSent(task, fieldsOf(command)),
		{ stored: (task) => task.title, sent: (command) => fieldsOf(command).TITLE },
	);
	return markAlreadyCreated(await runCommands(this, prepared, taskResult(this), existing), existing);
}

export const create: OperationModule = { description, executeBatch };
