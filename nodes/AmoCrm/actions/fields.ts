import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { itemDateContext, parseDateInput, toUnixSeconds } from '../../shared/dates';
import { inputError } from '../../shared/transport/errors';
import { inputContext, parseNumericId, requireText, resourceLocatorValue } from '../../shared/validation';

export { inputContext };

export const ENTITY_TYPES = [
	{ name: 'Lead', value: 'leads' },
	{ name: 'Contact', value: 'contacts' },
	{ name: 'Company', value: 'companies' },
	{ name: 'Customer', value: 'customers' },
];

/** Filter on responsible users (task Get Many and the trigger). */
export const responsibleUsersFilter: INodeProperties = {
	displayName: 'Responsible User Names or IDs',
	name: 'responsibleUserIds',
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'getUsers' },
	default: [],
	description:
		'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
};

/** Filter on task types (task Get Many and the trigger). */
export const taskTypesFilter: INodeProperties = {
	displayName: 'Task Type Names or IDs',
	name: 'taskTypeIds',
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'getTaskTypes' },
	default: [],
	description:
		'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
};

/** Task fields shared by create's "Additional Fields" and update's "Update Fields". */
export function taskFieldOptions(): INodeProperties[] {
	return [
		{
			displayName: 'Duration (Seconds)',
			name: 'duration',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0 },
			description: 'How long the task takes, in seconds',
		},
		{
			displayName: 'Linked Entity ID',
			name: 'entityId',
			type: 'string',
			default: '',
			description: 'ID of the lead, contact, company or customer the task belongs to',
		},
		{
			displayName: 'Linked Entity Type',
			name: 'entityType',
			type: 'options',
			options: ENTITY_TYPES,
			default: 'leads',
		},
		{
			displayName: 'Responsible User Name or ID',
			name: 'responsibleUserId',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getUsers' },
			default: '',
			description:
				'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		},
		{
			displayName: 'Result Text',
			name: 'resultText',
			type: 'string',
			default: '',
			description: 'The result of the task, as shown when it is completed',
		},
		{
			displayName: 'Task Type Name or ID',
			name: 'taskTypeId',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getTaskTypes' },
			default: '',
			description:
				'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		},
	];
}


/** A due date as amoCRM's Unix seconds. */
export function dueSeconds(ctx: IExecuteFunctions, itemIndex: number, parameter: string, value: unknown): number {
	return toUnixSeconds(
		parseDateInput(value, itemDateContext(ctx, parameter, itemIndex)),
	);
}

/** Turns the optional task fields of one item into amoCRM's task body. */
export function taskFieldsBody(ctx: IExecuteFunctions, itemIndex: number, fields: IDataObject, collection: string): IDataObject {
	const input = inputContext(ctx, itemIndex);
	const body: IDataObject = {};
	const name = (field: string) => `${collection} → ${field}`;
	if (fields.text !== undefined) body.text = requireText(input, name('Text'), fields.text);
	if (fields.completeTill !== undefined && fields.completeTill !== '') {
		body.complete_till = dueSeconds(ctx, itemIndex, name('Due Date'), fields.completeTill);
	}
	if (fields.responsibleUserId !== undefined && fields.responsibleUserId !== '') {
		body.responsible_user_id = parseNumericId(input, name('Responsible User'), fields.responsibleUserId);
	}
	if (fields.taskTypeId !== undefined && fields.taskTypeId !== '') {
		body.task_type_id = parseNumericId(input, name('Task Type'), fields.taskTypeId);
	}
	if (fields.duration !== undefined) {
		const duration = Number(fields.duration);
		if (!Number.isInteger(duration) || duration < 0) {
			throw inputError(ctx.getNode(), name('Duration (Seconds)'), 'must be a whole number of seconds, 0 or more', itemIndex);
		}
		body.duration = duration;
	}
	const hasEntityId = fields.entityId !== undefined && fields.entityId !== '';
	if (hasEntityId) {
		body.entity_id = parseNumericId(input, name('Linked Entity ID'), fields.entityId);
		body.entity_type = (fields.entityType as string | undefined) ?? 'leads';
	} else if (fields.entityType !== undefined) {
		throw inputError(ctx.getNode(), name('Linked Entity ID'), 'is required when a linked entity type is set', itemIndex);
	}
	if (fields.resultText !== undefined && fields.resultText !== '') {
		body.result = { text: String(fields.resultText) };
	}
	return body;
}

/** The task id from the resource locator (list, id or a task link). */
export function taskIdParameter(ctx: IExecuteFunctions, itemIndex: number): number {
	const value = resourceLocatorValue(ctx, itemIndex, 'taskId', 'Task', (link) => `"${link}" is not a link to an amoCRM task: use e.g. https://mycompany.amocrm.ru/api/v4/tasks/12345`);
	return parseNumericId(inputContext(ctx, itemIndex), 'Task', value);
}
