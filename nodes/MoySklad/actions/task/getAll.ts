import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { collection, returnAllAndLimit, returnAllAndLimitValues, simplifyOption, sortDirectionOption, updatedRangeFilters } from '../../../shared/descriptions';
import type { OperationModule } from '../../../shared/execute';
import { inputError } from '../../../shared/transport/errors';
import { MS_MAX_EXPAND_PAGE, MS_MAX_PAGE, metaRef } from '../../api';
import { listTasks, type TaskStatus } from '../../list';
import { baseUrlOf, taskOutputFor } from '../../write';
import { expandOption, expandQuery } from '../expand';
import { assigneeProperty, moscowDate, parseUuid, taskTypeFilterProperty } from '../fields';
import { condition } from '../filter';
import { taskStateName } from '../taskState';

const show = { resource: ['task'], operation: ['getAll'] };

const description: INodeProperties[] = [
	...returnAllAndLimit(show),
	collection('filters', { show }, [
		assigneeProperty(),
		{
			displayName: 'Author Name or ID',
			name: 'author',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getEmployees' },
			default: '',
			description:
				'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		},
		{
			displayName: 'Counterparty ID',
			name: 'agent',
			type: 'string',
			default: '',
			description: 'Only tasks linked to this counterparty',
		},
		{
			displayName: 'Description Contains',
			name: 'description',
			type: 'string',
			default: '',
			description: 'Only tasks whose description contains this text (case-insensitive)',
		},
		{
			displayName: 'Status',
			name: 'status',
			type: 'options',
			options: [
				{ name: 'All', value: 'all' },
				{ name: 'Open', value: 'open' },
				{ name: 'Completed', value: 'completed' },
			],
			default: 'all',
			description: 'MoySklad itself lists only open tasks unless asked otherwise',
		},
		taskTypeFilterProperty(),
		...updatedRangeFilters,
	]),
	collection('options', { show }, [
		expandOption,
		{
			displayName: 'Sort By',
			name: 'sortBy',
			type: 'options',
			options: [
				{ name: 'Created', value: 'created' },
				{ name: 'Description', value: 'description' },
				{ name: 'Done', value: 'done' },
				{ name: 'Due Date', value: 'dueToDate' },
				{ name: 'ID', value: 'id' },
				{ name: 'Updated', value: 'updated' },
			],
			default: 'created',
		},
		sortDirectionOption,
	]),
	simplifyOption(show),
];

/** The status of the Filters collection. */
function statusValue(ctx: IExecuteFunctions, itemIndex: number, filters: IDataObject): TaskStatus {
	const status = String(filters.status ?? 'all');
	if (!['all', 'open', 'completed'].includes(status)) {
		throw inputError(ctx.getNode(), 'Filters → Status', `"${status}" is not one of all, open, completed`, itemIndex);
	}
	return status as TaskStatus;
}

/** The `filter` conditions of the Filters collection besides the status. */
async function filterConditions(ctx: IExecuteFunctions, itemIndex: number, baseUrl: string, filters: IDataObject): Promise<string[]> {
	const name = (label: string) => `Filters → ${label}`;
	const given = (value: unknown) => value !== undefined && value !== '' && value !== null;
	const conditions: string[] = [];
	const reference = (field: string, type: string, label: string) => {
		const id = parseUuid(ctx, itemIndex, name(label), filters[field]);
		conditions.push(condition(field, '=', String((metaRef(baseUrl, type, id).meta as IDataObject).href)));
	};
	if (given(filters.assignee)) reference('assignee', 'employee', 'Assignee');
	if (given(filters.author)) reference('author', 'employee', 'Author');
	if (given(filters.agent)) reference('agent', 'counterparty', 'Counterparty ID');
	if (given(filters.stateName)) {
		const state = await taskStateName(ctx, name('Task Type'), filters.stateName, itemIndex);
		conditions.push(condition('state.name', '=', state));
	}
	if (given(filters.description)) conditions.push(condition('description', '~', String(filters.description)));
	if (given(filters.updatedFrom)) {
		conditions.push(condition('updated', '>=', moscowDate(ctx, itemIndex, name('Updated After'), filters.updatedFrom)));
	}
	if (given(filters.updatedTo)) {
		conditions.push(condition('updated', '<=', moscowDate(ctx, itemIndex, name('Updated Before'), filters.updatedTo)));
	}
	return conditions;
}

/** The `order` value; ties broken by id so that pages do not shift between requests. */
function orderValue(field: string, direction: string): string {
	return field === 'id' ? `id,${direction}` : `${field},${direction};id,asc`;
}

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const { returnAll, limit } = returnAllAndLimitValues(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const baseUrl = await baseUrlOf(this);
	const expand = expandQuery(options);
	const status = statusValue(this, itemIndex, filters);
	const tasks = await listTasks(this, {
		status,
		conditions: await filterConditions(this, itemIndex, baseUrl, filters),
		order: orderValue(String(options.sortBy ?? 'created'), String(options.sortDirection ?? 'asc')),
		paging: { returnAll, limit, maxPageSize: expand.expand ? MS_MAX_EXPAND_PAGE : MS_MAX_PAGE },
		qs: expand,
		itemIndex,
	});
	return tasks.map(taskOutputFor(this, itemIndex));
}

export const getAll: OperationModule = { description, execute };
