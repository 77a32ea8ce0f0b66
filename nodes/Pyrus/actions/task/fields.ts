import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { inputError } from '../../../shared/transport/errors';
import { parseJsonParameter, parseNumericId, parseNumericIdList } from '../../../shared/validation';
import { inputContext, isSet, MEMBER_DESCRIPTION, personIdentity, personList } from '../fields';

/** Lists to add a task to (create) or add / remove (update). */
export function listIdsOption(name: string, displayName: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getLists' },
		default: [],
		description:
			'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
	};
}

/** One person from the members list (an expression may give an ID or an email). */
export function memberOption(name: string, displayName: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getMembers' },
		default: '',
		description: 'Choose from the list, or specify a person ID or email using an <a href="https://docs.n8n.io/code/expressions/">expression</a>. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	};
}

export function peopleOption(name: string, displayName: string, description = MEMBER_DESCRIPTION): INodeProperties {
	return { displayName, name, type: 'string', default: '', description };
}

/** The form's Steps filter, shared by Get Many and the trigger. */
export const stepsFilter: INodeProperties = {
	displayName: 'Steps',
	name: 'steps',
	type: 'string',
	default: '',
	placeholder: '1,2',
	description: 'Only tasks currently on these steps, separated by commas',
};

export const formIdProperty = (show: IDisplayOptions['show']): INodeProperties => ({
	displayName: 'Form Name or ID',
	name: 'formId',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getForms' },
	default: '',
	required: true,
	description:
		'The form (task type). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	displayOptions: { show },
});

/** The list (project) whose tasks are read. */
export const listIdProperty = (show: IDisplayOptions['show']): INodeProperties => ({
	displayName: 'List Name or ID',
	name: 'listId',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getLists' },
	default: '',
	required: true,
	description:
		'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
	displayOptions: { show },
});

const stepsSchema = z.array(z.array(z.union([z.number().int().positive(), z.string().min(1)])));

/** Approvers per step: `[[1731], ["a@b.com", 1725]]` (outer position = step). */
export function approvalSteps(ctx: IExecuteFunctions, itemIndex: number, parameter: string, raw: unknown): IDataObject[][] {
	const steps = parseJsonParameter(inputContext(ctx, itemIndex), parameter, raw, stepsSchema);
	return steps.map((step) => step.map((person) => personIdentity(ctx, itemIndex, parameter, person)));
}

/** A positive whole number of minutes. */
export function minutes(ctx: IExecuteFunctions, itemIndex: number, parameter: string, value: unknown): number {
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1) throw inputError(ctx.getNode(), parameter, 'must be a whole number of minutes, 1 or more', itemIndex);
	return n;
}

/** Options that apply to any task: lists, subscribers, parent, schedule. */
export function commonCreateBody(ctx: IExecuteFunctions, itemIndex: number, fields: IDataObject, collection: string): IDataObject {
	const input = inputContext(ctx, itemIndex);
	const name = (field: string) => `${collection} → ${field}`;
	const body: IDataObject = {};
	if (isSet(fields.subscribers)) body.subscribers = personList(ctx, itemIndex, name('Subscribers'), fields.subscribers);
	if (isSet(fields.parentTaskId)) body.parent_task_id = parseNumericId(input, name('Parent Task ID'), fields.parentTaskId);
	const lists = parseNumericIdList(input, name('Lists'), fields.listIds);
	if (lists.length) body.list_ids = lists;
	return body;
}
