import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { parseDateInput, toUnixSeconds } from '../../../shared/dates';
import type { OperationModule } from '../../../shared/execute';
import { collection, returnAllAndLimit, returnAllAndLimitValues, simplifyOption, sortDirectionOption, updatedRangeFilters } from '../../../shared/descriptions';
import { inputError } from '../../../shared/transport/errors';
import { parseJsonParameter, parseNumericIdList } from '../../../shared/validation';
import { amoList } from '../../list';
import { taskOutputFor } from '../../write';
import { ENTITY_TYPES, inputContext, responsibleUsersFilter, taskTypesFilter } from '../fields';

const show = { resource: ['task'], operation: ['getAll'] };

const description: INodeProperties[] = [
	...returnAllAndLimit(show),
	collection('filters', { show }, [
		{
			displayName: 'Created By User Names or IDs',
			name: 'createdBy',
			type: 'multiOptions',
			typeOptions: { loadOptionsMethod: 'getUsers' },
			default: [],
			description:
				'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		},
		{
			displayName: 'Linked Entity IDs',
			name: 'entityIds',
			type: 'string',
			default: '',
			placeholder: '9785993, 9785994',
			description: 'Comma-separated IDs of linked entities; needs Linked Entity Type',
		},
		{
			displayName: 'Linked Entity Type',
			name: 'entityType',
			type: 'options',
			options: ENTITY_TYPES,
			default: 'leads',
		},
		responsibleUsersFilter,
		{
			displayName: 'Status',
			name: 'status',
			type: 'options',
			options: [
				{ name: 'Any', value: 'any' },
				{ name: 'Open', value: 'open' },
				{ name: 'Completed', value: 'completed' },
			],
			default: 'any',
		},
		{
			displayName: 'Task IDs',
			name: 'ids',
			type: 'string',
			default: '',
			placeholder: '56981, 56982',
			description: 'Comma-separated task IDs',
		},
		taskTypesFilter,
		...updatedRangeFilters,
	]),
	collection('options', { show }, [
		{
			displayName: 'Extra Query (JSON)',
			name: 'extraQuery',
			type: 'json',
			default: '{}',
			description:
				'More amoCRM list parameters, merged into the request: "filter" for filters the fields above do not offer (e.g. {"filter": {"lead_statuses": [{"status_id": 142, "pipeline_id": 3}]}}) and "order"',
		},
		{
			displayName: 'Sort By',
			name: 'sortBy',
			type: 'options',
			options: [
				{ name: 'Created At', value: 'created_at' },
				{ name: 'Due Date', value: 'complete_till' },
				{ name: 'ID', value: 'id' },
			],
			default: 'id',
			description: 'The field to sort by (amoCRM sorts tasks only by these three)',
		},
		sortDirectionOption,
	]),
	simplifyOption(show),
];

/** What "Extra Query (JSON)" may hold: amoCRM's own `filter` and `order` objects. */
const extraQuerySchema = z
	.object({
		filter: z.record(z.string(), z.unknown()).optional(),
		order: z.record(z.enum(['created_at', 'complete_till', 'id']), z.enum(['asc', 'desc'])).optional(),
	})
	.strict();

/** The amoCRM `filter[...]` query of the Filters collection. */
function filterQuery(ctx: IExecuteFunctions, itemIndex: number, filters: IDataObject): IDataObject {
	const input = inputContext(ctx, itemIndex);
	const filter: IDataObject = {};
	const ids = (name: string, label: string) => parseNumericIdList(input, `Filters → ${label}`, filters[name]);
	if (filters.ids) filter.id = ids('ids', 'Task IDs');
	if ((filters.responsibleUserIds as string[] | undefined)?.length) {
		filter.responsible_user_id = ids('responsibleUserIds', 'Responsible Users');
	}
	if ((filters.createdBy as string[] | undefined)?.length) filter.created_by = ids('createdBy', 'Created By');
	if ((filters.taskTypeIds as string[] | undefined)?.length) filter.task_type = ids('taskTypeIds', 'Task Types');
	if (filters.status === 'open') filter.is_completed = 0;
	if (filters.status === 'completed') filter.is_completed = 1;
	if (filters.entityIds) {
		if (!filters.entityType) {
			throw inputError(ctx.getNode(), 'Filters → Linked Entity Type', 'is required with Linked Entity IDs', itemIndex);
		}
		filter.entity_id = ids('entityIds', 'Linked Entity IDs');
	}
	if (filters.entityType) filter.entity_type = filters.entityType;
	const updated: IDataObject = {};
	for (const [name, key, label] of [
		['updatedFrom', 'from', 'Updated After'],
		['updatedTo', 'to', 'Updated Before'],
	] as const) {
		if (filters[name] === undefined || filters[name] === '') continue;
		updated[key] = toUnixSeconds(
			parseDateInput(filters[name], {
				node: ctx.getNode(),
				parameter: `Filters → ${label}`,
				timezone: ctx.getTimezone(),
				itemIndex,
			}),
		);
	}
	if (Object.keys(updated).length) filter.updated_at = updated;
	return filter;
}

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const { returnAll, limit } = returnAllAndLimitValues(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const extra = parseJsonParameter(
		inputContext(this, itemIndex),
		'Options → Extra Query (JSON)',
		options.extraQuery ?? '{}',
		extraQuerySchema,
	);
	const qs: IDataObject = {
		filter: { ...filterQuery(this, itemIndex, filters), ...(extra.filter ?? {}) },
		order: extra.order ?? { [(options.sortBy as string) ?? 'id']: (options.sortDirection as string) ?? 'asc' },
	};

	const tasks = await amoList(this, '/tasks', 'tasks', { returnAll, limit }, qs, itemIndex);
	return tasks.map(await taskOutputFor(this, itemIndex));
}

export const getAll: OperationModule = { description, execute };
