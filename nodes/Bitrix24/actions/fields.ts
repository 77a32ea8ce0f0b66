import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { itemDateContext, parseDateInput } from '../../shared/dates';
import { resolveCredential } from '../../shared/transport/request';
import { inputError } from '../../shared/transport/errors';
import {
	inputContext,
	parseJsonParameter,
	parseNumericId,
	parseNumericIdList,
	requireText,
	resourceLocatorValue,
} from '../../shared/validation';
import { bitrix24Profile, portalOrigin } from '../api';
import { B24_TASK_LOCATOR } from '../locator';
import { B24_PRIORITIES, b24DateTime, simplifyB24Task } from '../shape';

export { inputContext };

/** The task id from the resource locator (list, id or a task link). */
/** A filter on users (Created By, Responsible), picked from the portal's users. */
export const usersFilter = (displayName: string, name: string): INodeProperties => ({
	displayName,
	name,
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'getUsers' },
	default: [],
	description: 'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
});

/** A filter on workgroups (projects). */
export const groupsFilter: INodeProperties = {
	displayName: 'Group Names or IDs',
	name: 'groupIds',
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'getGroups' },
	default: [],
	description: 'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
};

export function taskIdParameter(ctx: IExecuteFunctions, itemIndex: number): number {
	const value = resourceLocatorValue(ctx, itemIndex, 'taskId', 'Task', (link) => `"${link}" is not a link to a Bitrix24 task: use e.g. ${B24_TASK_LOCATOR.urlPlaceholder}`);
	return parseNumericId(inputContext(ctx, itemIndex), 'Task', value);
}

const userOption = (displayName: string, name: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getUsers' },
	default: '',
	description: `${description}. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
});

/** Task fields offered by create's "Additional Fields" and update's "Update Fields". */
export function taskFieldOptions(forUpdate: boolean): INodeProperties[] {
	const options: INodeProperties[] = [
		{
			displayName: 'Accomplice IDs',
			name: 'accomplices',
			type: 'string',
			default: '',
			placeholder: '12, 15',
			description: 'Comma-separated user IDs of participants (replaces the whole list)',
		},
		{
			displayName: 'Auditor IDs',
			name: 'auditors',
			type: 'string',
			default: '',
			placeholder: '13, 103',
			description: 'Comma-separated user IDs of observers (replaces the whole list)',
		},
		userOption('Created By Name or ID', 'createdBy', 'The creator of the task'),
		{
			displayName: 'CRM Links',
			name: 'crmLinks',
			type: 'string',
			default: '',
			placeholder: 'D_10, C_7',
			description: 'Comma-separated CRM items: L_ lead, D_ deal, C_ contact, CO_ company',
		},
		{
			displayName: 'Custom Fields (JSON)',
			name: 'customFields',
			type: 'json',
			default: '{}',
			description: 'Values of custom fields by their UF_ code, e.g. {"UF_AUTO_123": "x"}',
		},
		{
			displayName: 'Deadline',
			name: 'deadline',
			type: 'dateTime',
			default: '',
			description: 'Without a time zone offset, the workflow\'s time zone applies',
		},
		{
			displayName: 'Description',
			name: 'description',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			description: 'Text of the task (BBCode)',
		},
		{
			displayName: 'Group Name or ID',
			name: 'groupId',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getGroups' },
			default: '',
			description:
				'The project or workgroup. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Parent Task ID',
			name: 'parentId',
			type: 'string',
			default: '',
		},
		{
			displayName: 'Planned End',
			name: 'endDatePlan',
			type: 'dateTime',
			default: '',
			description: 'Needs Planned Start too',
		},
		{
			displayName: 'Planned Start',
			name: 'startDatePlan',
			type: 'dateTime',
			default: '',
			description: 'Needs Planned End too',
		},
		{
			displayName: 'Priority',
			name: 'priority',
			type: 'options',
			options: Object.entries(B24_PRIORITIES).map(([value, name]) => ({ name, value })),
			default: '1',
		},
		{
			displayName: 'Tags',
			name: 'tags',
			type: 'string',
			default: '',
			placeholder: 'urgent, client',
			description: 'Comma-separated tags',
		},
	];
	if (!forUpdate) return options;
	return [
		...options,
		userOption('Responsible User Name or ID', 'responsibleId', 'The person who does the task'),
		{ displayName: 'Title', name: 'title', type: 'string', default: '' } as INodeProperties,
	].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

const customFieldsSchema = z.record(
	z.string().regex(/^UF_[A-Z0-9_]+$/, 'custom field codes start with UF_ (upper case)'),
	z.unknown(),
);

/** A date as Bitrix24 documents it, in the workflow's zone: `YYYY-MM-DDThh:mm:ss±hh:mm`. */
export function b24Date(ctx: IExecuteFunctions, itemIndex: number, parameter: string, value: unknown): string {
	const timezone = ctx.getTimezone();
	return b24DateTime(parseDateInput(value, itemDateContext(ctx, parameter, itemIndex, timezone)), timezone);
}

const listOf = (value: unknown): string[] =>
	String(value ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter((part) => part !== '');

/** The optional task fields of one item as Bitrix24's UPPER_CASE `fields`. */
export function taskFieldsBody(ctx: IExecuteFunctions, itemIndex: number, fields: IDataObject, collection: string): IDataObject {
	const input = inputContext(ctx, itemIndex);
	const name = (field: string) => `${collection} → ${field}`;
	const set = (key: string) => fields[key] !== undefined && fields[key] !== '';
	const body: IDataObject = {};
	if (fields.title !== undefined) body.TITLE = requireText(input, name('Title'), fields.title);
	if (set('responsibleId')) body.RESPONSIBLE_ID = parseNumericId(input, name('Responsible User'), fields.responsibleId);
	if (fields.description !== undefined) body.DESCRIPTION = String(fields.description);
	if (set('deadline')) body.DEADLINE = b24Date(ctx, itemIndex, name('Deadline'), fields.deadline);
	if (set('priority')) {
		const priority = String(fields.priority);
		if (!(priority in B24_PRIORITIES)) {
			throw inputError(ctx.getNode(), name('Priority'), `"${priority}" is not a priority: use 0 (low), 1 (medium) or 2 (high)`, itemIndex);
		}
		body.PRIORITY = Number(priority);
	}
	if (set('groupId')) body.GROUP_ID = parseNumericId(input, name('Group'), fields.groupId);
	if (set('createdBy')) body.CREATED_BY = parseNumericId(input, name('Created By'), fields.createdBy);
	if (set('parentId')) body.PARENT_ID = parseNumericId(input, name('Parent Task ID'), fields.parentId);
	if (fields.accomplices !== undefined) body.ACCOMPLICES = parseNumericIdList(input, name('Accomplice IDs'), fields.accomplices);
	if (fields.auditors !== undefined) body.AUDITORS = parseNumericIdList(input, name('Auditor IDs'), fields.auditors);
	if (set('tags')) body.TAGS = listOf(fields.tags);
	if (set('crmLinks')) {
		const links = listOf(fields.crmLinks);
		const bad = links.find((link) => !/^(L|D|C|CO|SI|T[0-9a-f]+)_\d+$/.test(link));
		if (bad) {
			throw inputError(ctx.getNode(), name('CRM Links'), `"${bad}" is not a CRM link: use e.g. D_10 (deal 10) or C_7 (contact 7)`, itemIndex);
		}
		body.UF_CRM_TASK = links;
	}
	if (set('startDatePlan') !== set('endDatePlan')) {
		throw inputError(ctx.getNode(), name(set('startDatePlan') ? 'Planned End' : 'Planned Start'), 'is required: Bitrix24 takes the planned start and end together', itemIndex);
	}
	if (set('startDatePlan')) {
		body.START_DATE_PLAN = b24Date(ctx, itemIndex, name('Planned Start'), fields.startDatePlan);
		body.END_DATE_PLAN = b24Date(ctx, itemIndex, name('Planned End'), fields.endDatePlan);
	}
	if (fields.customFields !== undefined) {
		Object.assign(body, parseJsonParameter(input, name('Custom Fields (JSON)'), fields.customFields || '{}', customFieldsSchema));
	}
	return body;
}

/**
 * How an item's tasks are output: raw as Bitrix24 sent them, or in the common shape when
 * "Simplify" is on. The parameter is read once per item, not once per task of a long list.
 */
export async function taskOutputFor(ctx: IExecuteFunctions, itemIndex: number): Promise<(task: IDataObject) => IDataObject> {
	const simplify = ctx.getNodeParameter('simplify', itemIndex, false) as boolean;
	if (!simplify) return (task) => task;
	const origin = portalOrigin((await resolveCredential(ctx, bitrix24Profile)).data);
	const timezone = ctx.getTimezone();
	return (task) => simplifyB24Task(task, origin, timezone);
}

/** One task as output (see taskOutputFor). */
export async function taskOutput(ctx: IExecuteFunctions, itemIndex: number, task: IDataObject): Promise<IDataObject> {
	return (await taskOutputFor(ctx, itemIndex))(task);
}
