import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { itemDateContext, parseDateInput } from '../../shared/dates';
import { inputError } from '../../shared/transport/errors';
import { inputContext, parseJsonParameter, requireText, resourceLocatorValue } from '../../shared/validation';

export { inputContext };
import { isMsId, metaRef, toMoscow } from '../api';
import { taskStateRef } from './taskState';

/** Longest task description and note text the API stores. */
export const MAX_TEXT = 4096;

/** Documents a task can be linked to (the `operation` field). */
export const DOCUMENT_TYPES = [
	{ name: 'Customer Order', value: 'customerorder' },
	{ name: 'Invoice Out', value: 'invoiceout' },
	{ name: 'Invoice In', value: 'invoicein' },
	{ name: 'Payment In', value: 'paymentin' },
	{ name: 'Payment Out', value: 'paymentout' },
	{ name: 'Purchase Order', value: 'purchaseorder' },
	{ name: 'Sales Return', value: 'salesreturn' },
	{ name: 'Shipment (Demand)', value: 'demand' },
	{ name: 'Supply', value: 'supply' },
];


/** A value from a resource locator inside a collection, or a plain string. */
function locatorValue(value: unknown): unknown {
	if (value !== null && typeof value === 'object' && 'value' in (value as IDataObject)) {
		return (value as IDataObject).value;
	}
	return value;
}

/** A MoySklad id (UUID); the error names the parameter. */
export function parseUuid(
	ctx: Pick<IExecuteFunctions, 'getNode'>,
	itemIndex: number | undefined,
	parameter: string,
	value: unknown,
): string {
	const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
	if (!isMsId(text)) {
		throw inputError(
			ctx.getNode(),
			parameter,
			`"${String(value ?? '')}" is not a MoySklad ID (a UUID such as 12a8b923-692c-11e6-8a84-bae500000053); choose from the list or pass the ID`,
			itemIndex,
		);
	}
	return text.toLowerCase();
}

/** A task or note text: not empty, at most 4096 characters. */
export function parseText(ctx: IExecuteFunctions, itemIndex: number, parameter: string, value: unknown): string {
	const text = requireText(inputContext(ctx, itemIndex), parameter, value);
	if (text.length > MAX_TEXT) {
		throw inputError(ctx.getNode(), parameter, `is ${text.length} characters long; MoySklad stores at most ${MAX_TEXT}`, itemIndex);
	}
	return text;
}

/** A date as the API's Moscow local time. */
export function moscowDate(ctx: IExecuteFunctions, itemIndex: number, parameter: string, value: unknown): string {
	return toMoscow(parseDateInput(value, itemDateContext(ctx, parameter, itemIndex)));
}

/** The task id from the resource locator (list, id or a link), read by the shared locator reader. */
export function taskIdParameter(ctx: IExecuteFunctions, itemIndex: number, name = 'taskId', label = 'Task'): string {
	const value = resourceLocatorValue(
		ctx,
		itemIndex,
		name,
		label,
		(link) =>
			`"${link}" is not a link to a MoySklad task: paste the task's link from the MoySklad web app (https://online.moysklad.ru/app/…, carrying the task's ID) or its API link (…/entity/task/<ID>)`,
	);
	return parseUuid(ctx, itemIndex, label, value);
}

/** How a task type parameter takes a name as well as an id (part of its description). */
export const TASK_TYPE_HINT =
	'By ID or by name: a name (e.g. from an expression) is looked up in the account\'s task types, exactly first, then ignoring case.';

/** Fields shared by create's "Additional Fields" and update's "Update Fields". */
export function taskFieldOptions(): INodeProperties[] {
	return [
		{
			displayName: 'Counterparty or Organization',
			name: 'agent',
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			description: 'The counterparty (or, with Linked Agent Type, own legal entity) the task is about',
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					typeOptions: { searchListMethod: 'searchCounterparties', searchable: true },
				},
				{ displayName: 'By ID', name: 'id', type: 'string', placeholder: '12a8b923-692c-11e6-8a84-bae500000053' },
			],
		},
		{
			displayName: 'Document ID',
			name: 'operationId',
			type: 'string',
			default: '',
			placeholder: '12a8b923-692c-11e6-8a84-bae500000053',
			description: 'ID of the document the task is about (a task links to an agent or a document, not both)',
		},
		{
			displayName: 'Document Type',
			name: 'operationType',
			type: 'options',
			options: DOCUMENT_TYPES,
			default: 'customerorder',
		},
		{
			displayName: 'Due Date',
			name: 'dueToDate',
			type: 'dateTime',
			default: '',
			description: 'Deadline. Without a time zone offset, the workflow\'s time zone applies; sent as Moscow time.',
		},
		{
			displayName: 'Extra Fields (JSON)',
			name: 'extraFields',
			type: 'json',
			default: '{}',
			description:
				'More task fields, sent as they are, e.g. {"files": [{"filename": "a.txt", "content": "&lt;base64&gt;"}]}. The fields above win over the same keys here.',
		},
		{
			displayName: 'Linked Agent Type',
			name: 'agentType',
			type: 'options',
			options: [
				{ name: 'Counterparty', value: 'counterparty' },
				{ name: 'Organization (Own Legal Entity)', value: 'organization' },
			],
			default: 'counterparty',
		},
		{
			displayName: 'Task Type Name or ID',
			name: 'state',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getTaskStates' },
			default: '',
			description: `The task type. ${TASK_TYPE_HINT} Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
		},
	];
}

/** The task type filter (Get Many, trigger): the list offers names, as the API filters on `state.name`. */
export function taskTypeFilterProperty(): INodeProperties {
	return {
		displayName: 'Task Type Name or ID',
		name: 'stateName',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTaskStateNames' },
		default: '',
		description: `Only tasks of this type. ${TASK_TYPE_HINT} Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
	};
}

/** The assignee dropdown (create: required; update: in Update Fields). */
export function assigneeProperty(extra: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Assignee Name or ID',
		name: 'assignee',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getEmployees' },
		default: '',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		...extra,
	};
}

/** "Extra Fields (JSON)": an object of task fields; `meta` and `id` are the node's to set. */
const extraFieldsSchema = z
	.record(z.string(), z.unknown())
	.refine((value) => !('meta' in value) && !('id' in value), { message: 'must not contain "meta" or "id"' });

/**
 * Turns one item's optional task fields into the API's task body, references as meta objects
 * (a task type given by name is looked up in the account's task types).
 */
export async function taskFieldsBody(
	ctx: IExecuteFunctions,
	itemIndex: number,
	baseUrl: string,
	fields: IDataObject,
	collection: string,
): Promise<IDataObject> {
	const name = (field: string) => `${collection} → ${field}`;
	const body: IDataObject =
		fields.extraFields === undefined
			? {}
			: (parseJsonParameter(inputContext(ctx, itemIndex), name('Extra Fields (JSON)'), fields.extraFields, extraFieldsSchema) as IDataObject);
	const given = (value: unknown) => value !== undefined && value !== '' && value !== null;
	if (fields.description !== undefined) {
		body.description = parseText(ctx, itemIndex, name('Description'), fields.description);
	}
	if (given(fields.assignee)) {
		body.assignee = metaRef(baseUrl, 'employee', parseUuid(ctx, itemIndex, name('Assignee'), fields.assignee));
	}
	if (given(fields.dueToDate)) body.dueToDate = moscowDate(ctx, itemIndex, name('Due Date'), fields.dueToDate);
	if (given(fields.state)) {
		body.state = await taskStateRef(ctx, baseUrl, name('Task Type'), fields.state, itemIndex);
	}
	const agent = locatorValue(fields.agent);
	const hasAgent = given(agent);
	const hasOperation = given(fields.operationId);
	if (hasAgent && hasOperation) {
		throw inputError(
			ctx.getNode(),
			name('Document ID'),
			'a task links to a counterparty/organization or to a document, not both',
			itemIndex,
		);
	}
	if (hasAgent) {
		const type = fields.agentType === 'organization' ? 'organization' : 'counterparty';
		body.agent = metaRef(baseUrl, type, parseUuid(ctx, itemIndex, name('Counterparty or Organization'), agent));
	}
	if (hasOperation) {
		const type = String(fields.operationType ?? 'customerorder');
		if (!DOCUMENT_TYPES.some((option) => option.value === type)) {
			throw inputError(ctx.getNode(), name('Document Type'), `"${type}" is not a document type this node supports`, itemIndex);
		}
		body.operation = metaRef(baseUrl, type, parseUuid(ctx, itemIndex, name('Document ID'), fields.operationId));
	}
	return body;
}
