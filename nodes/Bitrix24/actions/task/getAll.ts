import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { OperationModule } from '../../../shared/execute';
import { collection, returnAllAndLimit, returnAllAndLimitValues, simplifyOption, sortDirectionOption } from '../../../shared/descriptions';
import { inputError } from '../../../shared/transport/errors';
import { parseJsonParameter, parseNumericId, parseNumericIdList } from '../../../shared/validation';
import { listTasks, type TaskQuery } from '../../list';
import { B24_META_STATUSES, B24_STATUSES } from '../../shape';
import { b24Date, groupsFilter, inputContext, taskOutputFor, usersFilter } from '../fields';

const show = { resource: ['task'], operation: ['getAll'] };

/** Fields read when the user picks none: what the simplified shape and most workflows need. */
export const DEFAULT_SELECT = [
	'ID', 'PARENT_ID', 'TITLE', 'DESCRIPTION', 'STATUS', 'PRIORITY', 'MARK', 'RESPONSIBLE_ID', 'CREATED_BY',
	'ACCOMPLICES', 'AUDITORS', 'GROUP_ID', 'CREATED_DATE', 'CHANGED_DATE', 'CLOSED_DATE', 'DEADLINE',
	'START_DATE_PLAN', 'END_DATE_PLAN', 'CHAT_ID',
];

const SORT_FIELDS = ['ID', 'TITLE', 'CREATED_DATE', 'CHANGED_DATE', 'CLOSED_DATE', 'DEADLINE', 'PRIORITY', 'REAL_STATUS'];

const dateFilter = (displayName: string, name: string): INodeProperties => ({ displayName, name, type: 'dateTime', default: '' });

/** Date range filters: parameter name → Bitrix24 field and operator. */
const DATE_FILTERS: Array<[string, string, string]> = [
	['createdAfter', '>=CREATED_DATE', 'Created After'],
	['createdBefore', '<=CREATED_DATE', 'Created Before'],
	['changedAfter', '>=CHANGED_DATE', 'Changed After'],
	['changedBefore', '<=CHANGED_DATE', 'Changed Before'],
	['closedAfter', '>=CLOSED_DATE', 'Closed After'],
	['closedBefore', '<=CLOSED_DATE', 'Closed Before'],
	['deadlineAfter', '>=DEADLINE', 'Deadline After'],
	['deadlineBefore', '<=DEADLINE', 'Deadline Before'],
];

const statusOptions = [
	...Object.entries(B24_STATUSES).map(([value, name]) => ({ name, value })),
	...Object.entries(B24_META_STATUSES).map(([value, name]) => ({ name: `${name} (Meta-Status)`, value })),
];

const description: INodeProperties[] = [
	...returnAllAndLimit(show),
	collection('filters', { show }, [
		dateFilter('Changed After', 'changedAfter'),
		dateFilter('Changed Before', 'changedBefore'),
		dateFilter('Closed After', 'closedAfter'),
		dateFilter('Closed Before', 'closedBefore'),
		dateFilter('Created After', 'createdAfter'),
		dateFilter('Created Before', 'createdBefore'),
		usersFilter('Created By Names or IDs', 'createdBy'),
		{
			displayName: 'Custom Filter (JSON)',
			name: 'customFilter',
			type: 'json',
			default: '{}',
			description:
				'More conditions in Bitrix24\'s own form: field names with operator prefixes (!, &lt;, &lt;=, &gt;, &gt;=, %, =, !=, @, !@), e.g. {"!GROUP_ID": 0, "UF_CRM_TASK": "D_10"}',
		},
		dateFilter('Deadline After', 'deadlineAfter'),
		dateFilter('Deadline Before', 'deadlineBefore'),
		groupsFilter,
		{
			displayName: 'Member Name or ID',
			name: 'member',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getUsers' },
			default: '',
			description:
				'Tasks where this user is the creator, the responsible person, a participant or an observer (read as four lists, merged). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		usersFilter('Responsible User Names or IDs', 'responsibleIds'),
		{
			displayName: 'Status',
			name: 'statuses',
			type: 'multiOptions',
			options: statusOptions,
			default: [],
			description: 'Real statuses filter on the task\'s status; meta-statuses (overdue...) on Bitrix24\'s status for sorting',
		},
		{ displayName: 'Tag', name: 'tag', type: 'string', default: '' },
		{ displayName: 'Task IDs', name: 'ids', type: 'string', default: '', placeholder: '8017, 8018' },
		{ displayName: 'Title Contains', name: 'titleContains', type: 'string', default: '' },
	]),
	collection('options', { show }, [
		{
			displayName: 'Field Names or IDs',
			name: 'select',
			type: 'multiOptions',
			typeOptions: { loadOptionsMethod: 'getTaskFields' },
			default: [],
			description:
				'Fields to read, custom UF_ fields included (default: the usual task fields). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Sort By',
			name: 'sortBy',
			type: 'options',
			options: SORT_FIELDS.map((value) => ({ name: value, value })),
			default: 'ID',
			description: 'Sorting by ID pages by key, which stays exact while tasks change',
		},
		sortDirectionOption,
	]),
	simplifyOption(show),
];

/** A filter key: optional operator prefix, then a field name (or a ::SUBFILTER- key). */
const FILTER_KEY = /^(?:(?:!|<=|>=|<|>|=|!=|%|=%|%=|!%|@|!@)?[A-Z][A-Z0-9_.]*|::SUBFILTER-[A-Z]+)$/;
const customFilterSchema = z.record(
	z.string().regex(FILTER_KEY, 'not a Bitrix24 filter key: an operator (!, <, <=, >, >=, %, =, !=, @, !@) then an UPPER_CASE field'),
	z.unknown(),
);

const STATUS_VALUES = new Set([...Object.keys(B24_STATUSES), ...Object.keys(B24_META_STATUSES)]);

/**
 * "Member": tasks where the user takes part in any role. MEMBER is not among the documented
 * tasks.task.list filters (https://apidocs.bitrix24.com/api-reference/tasks/tasks-task-list.html,
 * «filter»; third-party articles use it: unconfirmed), so it is built from the documented ones:
 * creator, responsible person, participant (ACCOMPLICE) or observer (AUDITOR), any of them.
 */
function memberAlternatives(ctx: IExecuteFunctions, itemIndex: number, filters: IDataObject): IDataObject[] | undefined {
	if (!filters.member) return undefined;
	const user = parseNumericId(inputContext(ctx, itemIndex), 'Filters → Member', filters.member);
	return [{ CREATED_BY: user }, { RESPONSIBLE_ID: user }, { ACCOMPLICE: user }, { AUDITOR: user }];
}

/** Bitrix24's `filter` from the Filters collection. */
function filterOf(ctx: IExecuteFunctions, itemIndex: number, filters: IDataObject): IDataObject {
	const input = inputContext(ctx, itemIndex);
	const label = (name: string) => `Filters → ${name}`;
	const filter: IDataObject = {};
	const ids = (name: string, title: string) => parseNumericIdList(input, label(title), filters[name]);
	if (filters.ids) filter.ID = ids('ids', 'Task IDs');
	if (filters.titleContains) filter['%TITLE'] = String(filters.titleContains);
	if ((filters.responsibleIds as unknown[] | undefined)?.length) filter.RESPONSIBLE_ID = ids('responsibleIds', 'Responsible Users');
	if ((filters.createdBy as unknown[] | undefined)?.length) filter.CREATED_BY = ids('createdBy', 'Created By');
	if ((filters.groupIds as unknown[] | undefined)?.length) filter.GROUP_ID = ids('groupIds', 'Groups');
	if (filters.tag) filter.TAG = String(filters.tag);
	const statuses = Array.isArray(filters.statuses) ? filters.statuses.map(String) : filters.statuses ? [String(filters.statuses)] : [];
	const unknown = statuses.find((status) => !STATUS_VALUES.has(status));
	if (unknown !== undefined) {
		throw inputError(ctx.getNode(), label('Status'), `"${unknown}" is not a status: use 2 to 6 (or 1, 7), or the meta-statuses -1, -2, -3`, itemIndex);
	}
	const real = statuses.filter((status) => Number(status) > 0).map(Number);
	const meta = statuses.filter((status) => Number(status) < 0).map(Number);
	if (real.length) filter.REAL_STATUS = real;
	if (meta.length) filter.STATUS = meta;
	for (const [name, key, title] of DATE_FILTERS) {
		if (filters[name] === undefined || filters[name] === '') continue;
		filter[key] = b24Date(ctx, itemIndex, label(title), filters[name]);
	}
	if (filters.customFilter !== undefined) {
		Object.assign(filter, parseJsonParameter(input, label('Custom Filter (JSON)'), filters.customFilter || '{}', customFilterSchema));
	}
	return filter;
}

/** The fields to read: the picked ones (ID always, for paging) or the default set. */
export function selectOf(ctx: IExecuteFunctions, itemIndex: number, picked: unknown, parameter = 'Options → Fields'): string[] {
	const fields = Array.isArray(picked) ? picked.map(String) : typeof picked === 'string' && picked ? picked.split(',').map((f) => f.trim()) : [];
	const bad = fields.find((field) => !/^[A-Z][A-Z0-9_.]*$/.test(field));
	if (bad !== undefined) {
		throw inputError(ctx.getNode(), parameter, `"${bad}" is not a field name: use UPPER_CASE names such as TITLE or UF_CRM_TASK`, itemIndex);
	}
	return fields.length ? ['ID', ...fields.filter((field) => field !== 'ID')] : DEFAULT_SELECT;
}

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const { returnAll, limit } = returnAllAndLimitValues(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const sortBy = String(options.sortBy ?? 'ID');
	if (!SORT_FIELDS.includes(sortBy)) {
		throw inputError(this.getNode(), 'Options → Sort By', `"${sortBy}" is not a field Bitrix24 sorts tasks by: use one of ${SORT_FIELDS.join(', ')}`, itemIndex);
	}
	const query: TaskQuery = {
		filter: filterOf(this, itemIndex, filters),
		anyOf: memberAlternatives(this, itemIndex, filters),
		sortBy,
		direction: options.sortDirection === 'desc' ? 'desc' : 'asc',
		select: selectOf(this, itemIndex, options.select),
	};
	const tasks = await listTasks(this, query, { returnAll, limit, itemIndex });
	return tasks.map(await taskOutputFor(this, itemIndex));
}

export const getAll: OperationModule = { description, execute };
