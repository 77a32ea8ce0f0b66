import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationMap } from './execute';
import { inputContext, requirePositiveInt } from './validation';

type Show = NonNullable<INodeProperties['displayOptions']>['show'];

/**
 * The "Authentication" picker of a vendor with two ways in: its own credential (the default)
 * or OAuth2.
 */
export function authenticationPicker(own: { name: string; value: string }): INodeProperties {
	const { value } = own;
	return {
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [own, { name: 'OAuth2', value: 'oAuth2' }],
		default: value,
	};
}

/** "Return All" and "Limit", the way n8n's own nodes offer them. */
export function returnAllAndLimit(show: Show, maxLimit?: number): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			default: 50,
			typeOptions: { minValue: 1, ...(maxLimit ? { maxValue: maxLimit } : {}) },
			description: 'Max number of results to return',
			displayOptions: { show: { ...show, returnAll: [false] } },
		},
	];
}

/** The item's "Return All" and "Limit" (a whole number of at least 1; 0 when returning all). */
export function returnAllAndLimitValues(
	ctx: IExecuteFunctions,
	itemIndex: number,
): { returnAll: boolean; limit: number } {
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll
		? 0
		: requirePositiveInt(inputContext(ctx, itemIndex), 'Limit', ctx.getNodeParameter('limit', itemIndex, 50));
	return { returnAll, limit };
}

const COLLECTIONS = {
	additionalFields: { displayName: 'Additional Fields', placeholder: 'Add Field' },
	filters: { displayName: 'Filters', placeholder: 'Add Filter' },
	options: { displayName: 'Options', placeholder: 'Add Option' },
	updateFields: { displayName: 'Update Fields', placeholder: 'Add Field' },
} as const;

/** One of the collections every operation names alike: Additional Fields, Filters, Options, Update Fields. */
export function collection(
	name: keyof typeof COLLECTIONS,
	displayOptions: INodeProperties['displayOptions'],
	options: INodeProperties['options'],
): INodeProperties {
	const { displayName, placeholder } = COLLECTIONS[name];
	return { displayName, name, type: 'collection', placeholder, default: {}, displayOptions, options };
}

/** The required multi-line "Text" of a task or a comment. */
export function textProperty(show: Show, description?: string): INodeProperties {
	return {
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		...(description === undefined ? {} : { description }),
		displayOptions: { show },
	};
}

/** "Simplify": the common task shape instead of the vendor's raw object. */
export function simplifyOption(show: Show, on: 'on' | 'off' = 'off'): INodeProperties {
	const option: INodeProperties = {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: false,
		description:
			'Whether to return the task in the shape shared by all CRM task nodes of this package (ID, title, status, responsible, due date...) instead of the raw vendor object',
		displayOptions: { show },
	};
	// Triggers simplify by default.
	return on === 'on' ? { ...option, default: true } : option;
}

export interface TaskLocatorOptions {
	show: Show;
	/** loadOptions search method for "From List"; omit where the vendor cannot list. */
	searchListMethod?: string;
	/** Regex a task id must match (By ID). */
	idRegex: string;
	/** Regex with one group capturing the id in a task link (By URL). */
	urlRegex: string;
	urlPlaceholder: string;
	idPlaceholder?: string;
	description?: string;
}

/** The task id as a resource locator: From List, By ID, By URL of a task link. */
export function taskLocator(options: TaskLocatorOptions): INodeProperties {
	return {
		displayName: 'Task',
		name: 'taskId',
		type: 'resourceLocator',
		default: { mode: options.searchListMethod ? 'list' : 'id', value: '' },
		required: true,
		description: options.description ?? 'The task to work on',
		modes: [
			...(options.searchListMethod
				? [
						{
							displayName: 'From List',
							name: 'list',
							type: 'list' as const,
							typeOptions: { searchListMethod: options.searchListMethod, searchable: true },
						},
					]
				: []),
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: options.idPlaceholder ?? '12345',
				validation: [
					{ type: 'regex', properties: { regex: options.idRegex, errorMessage: 'Not a valid task ID' } },
				],
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: options.urlPlaceholder,
				extractValue: { type: 'regex', regex: options.urlRegex },
				validation: [
					{ type: 'regex', properties: { regex: options.urlRegex, errorMessage: 'Not a valid task link' } },
				],
			},
		],
		displayOptions: { show: options.show },
	};
}

/** The parameters of every operation of a node, in the order of its router. */
export function operationParameters(operations: OperationMap): INodeProperties[] {
	return Object.values(operations).flatMap((byOperation) =>
		Object.values(byOperation).flatMap((operation) => operation.description),
	);
}

/** "Sort Direction" of a list's Options. */
export const sortDirectionOption: INodeProperties = {
	displayName: 'Sort Direction',
	name: 'sortDirection',
	type: 'options',
	options: [{ name: 'Ascending', value: 'asc' }, { name: 'Descending', value: 'desc' }],
	default: 'asc',
};

/** "Updated After" / "Updated Before" of a task list's Filters (`updatedFrom`, `updatedTo`). */
export const updatedRangeFilters: INodeProperties[] = [
	{
		displayName: 'Updated After',
		name: 'updatedFrom',
		type: 'dateTime',
		default: '',
	},
	{
		displayName: 'Updated Before',
		name: 'updatedTo',
		type: 'dateTime',
		default: '',
	},
];
