import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { collection, returnAllAndLimit, returnAllAndLimitValues, simplifyOption } from '../../../shared/descriptions';
import { collectPages } from '../../../shared/paging';
import { inputError } from '../../../shared/transport/errors';
import { parseNumericId, parseNumericIdList } from '../../../shared/validation';
import { PYRUS_INBOX_ALL, PYRUS_REGISTER_CAP, pyrusRequest, pyrusTimeMs } from '../../api';
import { readListTasks, type ListWindow } from '../../list';
import { inputContext, isSet, pyrusDateTimeParameter, taskOutputFor } from '../fields';
import { fieldEntries, flattenFields, loadForm } from '../formFields';
import { formIdProperty, listIdProperty, stepsFilter } from './fields';

const show = { resource: ['task'], operation: ['getAll'] };
const bySource = (source: string) => ({ show: { ...show, source: [source] } });

const RANGES: Array<[string, string, string]> = [
	['createdAfter', 'created_after', 'Created After'],
	['createdBefore', 'created_before', 'Created Before'],
	['modifiedAfter', 'modified_after', 'Modified After'],
	['modifiedBefore', 'modified_before', 'Modified Before'],
	['closedAfter', 'closed_after', 'Closed After'],
	['closedBefore', 'closed_before', 'Closed Before'],
];

function rangeOptions(keys: string[]): INodeProperties[] {
	return RANGES.filter(([key]) => keys.includes(key)).map(([name, , displayName]) => ({
		displayName,
		name,
		type: 'dateTime' as const,
		default: '',
	}));
}

const includeArchived: INodeProperties = {
	displayName: 'Include Archived',
	name: 'includeArchived',
	type: 'boolean',
	default: false,
	description: 'Whether to include archived tasks',
};

const description: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		options: [
			{ name: 'Form Register', value: 'form', description: 'Tasks of a form, with their field values' },
			{ name: 'List', value: 'list', description: 'Tasks in a list (project)' },
			{ name: 'Inbox', value: 'inbox', description: 'The tasks in the inbox of the credential\'s user or bot' },
		],
		default: 'form',
		displayOptions: { show },
	},
	formIdProperty({ ...show, source: ['form'] }),
	listIdProperty({ ...show, source: ['list'] }),
	...returnAllAndLimit(show),
	collection('filters', bySource('form'), [
		...rangeOptions(RANGES.map(([key]) => key)),
		{
			displayName: 'Due Filter',
			name: 'dueFilter',
			type: 'options',
			options: [
				{ name: 'Overdue', value: 'overdue' },
				{ name: 'Overdue on Step', value: 'overdue_on_step' },
				{ name: 'Past Due (Either)', value: 'past_due' },
			],
			default: 'overdue',
		},
		includeArchived,
		stepsFilter,
	]),
	{
		displayName: 'Field Filters',
		name: 'fieldFilters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Field Filter',
		default: {},
		displayOptions: bySource('form'),
		description:
			'Register filters on form fields. Value syntax: a value (equals or starts with), "v1,v2" (any of), "gt5", "lt5", "gt1,lt9", "empty", "*" (not empty).',
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{
						displayName: 'Field Name or ID',
						name: 'field',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getFormFields', loadOptionsDependsOn: ['formId'] },
						default: '',
						description: 'Choose from the list, or specify a name or ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
					},
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	},
	collection('filters', bySource('list'), [
		includeArchived,
		{ ...rangeOptions(['modifiedAfter'])[0], description: 'Tasks changed at or after this time' },
		{ ...rangeOptions(['modifiedBefore'])[0], description: 'Tasks changed at or before this time' },
	]),
	simplifyOption(show),
];

export interface Wanted {
	returnAll: boolean;
	limit: number;
}

/** The register's query from the Filters and Field Filters parameters. */
async function registerQuery(ctx: IExecuteFunctions, itemIndex: number, formId: number): Promise<IDataObject> {
	const filters = ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	for (const [key, apiKey, label] of RANGES) {
		if (isSet(filters[key])) qs[apiKey] = pyrusDateTimeParameter(ctx, itemIndex, `Filters → ${label}`, filters[key]);
	}
	if (filters.includeArchived === true) qs.include_archived = 'y';
	const steps = parseNumericIdList(inputContext(ctx, itemIndex), 'Filters → Steps', filters.steps);
	if (steps.length) qs.steps = steps.join(',');
	if (isSet(filters.dueFilter)) qs.due_filter = filters.dueFilter;
	const entries = fieldEntries(ctx.getNodeParameter('fieldFilters', itemIndex, {}));
	if (entries.length) {
		const form = await loadForm(ctx, formId, itemIndex);
		const fields = flattenFields(form.fields);
		for (const { field, value } of entries) {
			const text = String(field ?? '').trim();
			const found =
				fields.find((f) => String(f.id) === text) ?? fields.find((f) => f.name.trim().toLowerCase() === text.toLowerCase());
			if (!found) {
				throw inputError(
					ctx.getNode(),
					'Field Filters',
					`the form "${form.name}" (${form.id}) has no field "${text}". Its fields: ${fields.map((f) => `"${f.name}" (${f.id})`).join(', ')}`,
					itemIndex,
				);
			}
			if (!isSet(value)) throw inputError(ctx.getNode(), 'Field Filters', `the filter on "${found.name}" has no value`, itemIndex);
			qs[`fld${found.id}`] = String(value);
		}
	}
	return qs;
}

/**
 * The form register, paged past its cap by task id: sorted by id, each page asks for ids
 * greater than the last one seen, until a page comes back short.
 */
async function fromRegister(ctx: IExecuteFunctions, itemIndex: number, wanted: Wanted): Promise<IDataObject[]> {
	const formId = parseNumericId(inputContext(ctx, itemIndex), 'Form', ctx.getNodeParameter('formId', itemIndex, ''));
	return await readRegister(ctx, formId, await registerQuery(ctx, itemIndex, formId), wanted, itemIndex);
}

/** A form's register with the query `qs`, every page of it (see {@link fromRegister}). */
export async function readRegister(
	ctx: IExecuteFunctions,
	formId: number,
	qs: IDataObject,
	wanted: Wanted,
	itemIndex: number,
): Promise<IDataObject[]> {
	return await collectPages<IDataObject, number>(
		async (lastId, pageSize) => {
			const page: IDataObject = { ...qs, sort: 'id', item_count: pageSize };
			if (lastId !== undefined) page.id = `gt${lastId}`;
			const body = await pyrusRequest.call(ctx, 'GET', `/forms/${formId}/register`, { qs: page, itemIndex });
			const tasks = (body.tasks as IDataObject[] | undefined) ?? [];
			// A short page is the register's end.
			const next = tasks.length < pageSize ? undefined : Math.max(...tasks.map((task) => Number(task.id)));
			return { items: tasks, next };
		},
		{ ...wanted, maxPageSize: PYRUS_REGISTER_CAP },
	);
}

/** A date parameter as epoch seconds (Pyrus's whole-second UTC times). */
function epochSeconds(ctx: IExecuteFunctions, itemIndex: number, parameter: string, value: unknown): number {
	return Math.floor(pyrusTimeMs(pyrusDateTimeParameter(ctx, itemIndex, parameter, value)) / 1000);
}

/**
 * A list's tasks, newest change first, correct whatever order Pyrus pages them in
 * ({@link readListTasks}). Modified After / Before include their second.
 */
async function fromList(ctx: IExecuteFunctions, itemIndex: number, wanted: Wanted): Promise<IDataObject[]> {
	const listId = parseNumericId(inputContext(ctx, itemIndex), 'List', ctx.getNodeParameter('listId', itemIndex, ''));
	const filters = ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const window: ListWindow = {};
	if (isSet(filters.modifiedAfter)) window.from = epochSeconds(ctx, itemIndex, 'Filters → Modified After', filters.modifiedAfter);
	if (isSet(filters.modifiedBefore)) window.to = epochSeconds(ctx, itemIndex, 'Filters → Modified Before', filters.modifiedBefore);
	return await readListTasks(ctx, {
		listId,
		window,
		includeArchived: filters.includeArchived === true,
		limit: wanted.returnAll ? undefined : wanted.limit,
		itemIndex,
	});
}

/** The inbox: loose tasks and grouped ones, each once. It has no paging. */
async function fromInbox(ctx: IExecuteFunctions, itemIndex: number, wanted: Wanted): Promise<IDataObject[]> {
	const count = wanted.returnAll ? PYRUS_INBOX_ALL : wanted.limit;
	const qs: IDataObject = { item_count: count, group_item_count: count };
	const body = await pyrusRequest.call(ctx, 'GET', '/inbox', { qs, itemIndex });
	const groups = (body.task_groups as IDataObject[] | undefined) ?? [];
	const all = [...((body.tasks as IDataObject[] | undefined) ?? []), ...groups.flatMap((group) => (group.tasks as IDataObject[] | undefined) ?? [])];
	const byId = new Map(all.map((task) => [String(task.id), task]));
	return [...byId.values()];
}

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const source = this.getNodeParameter('source', itemIndex, 'form') as string;
	const { returnAll, limit } = returnAllAndLimitValues(this, itemIndex);
	const wanted = { returnAll, limit };
	const read = source === 'list' ? fromList : source === 'inbox' ? fromInbox : fromRegister;
	const tasks = await read(this, itemIndex, wanted);
	return (returnAll ? tasks : tasks.slice(0, limit)).map(await taskOutputFor(this, itemIndex));
}

export const getAll: OperationModule = {
	description,
	pickerDescription: 'Get tasks of a form register, a list or the inbox',
	execute,
};
