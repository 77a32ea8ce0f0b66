import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { emitPolledTasks, triggerEventProperty, triggerFilterProperties, triggerFilters, type VendorTaskList } from '../shared/polling/trigger';
import { inputError } from '../shared/transport/errors';
import { resolveCredential } from '../shared/transport/request';
import { B24_PAGE, b24Call, bitrix24Profile, portalOrigin } from './api';
import { authenticationProperty } from './Bitrix24.node';
import { groupsFilter, usersFilter } from './actions/fields';
import { DEFAULT_SELECT } from './actions/task/getAll';
import { listTasks } from './list';
import { bitrix24CredentialTest } from './methods/credentialTest';
import { getGroups, getUsers } from './methods/loadOptions';
import { B24_STATUSES, b24DateTime, simplifyB24Task } from './shape';

/** The fields whose change a user would call an update. */
function revisionValues(task: IDataObject): unknown[] {
	const { title, description, status, priority, responsibleId, deadline, groupId, accomplices, auditors, closedDate, startDatePlan, endDatePlan } = task;
	return [title, description, status, priority, responsibleId, deadline, groupId, accomplices, auditors, closedDate, startDatePlan, endDatePlan];
}

/** The portal's UTC offset as its answers show it ("+03:00" in time.date_start). */
function portalOffset(envelope: IDataObject): string | undefined {
	const start = (envelope.time as IDataObject | undefined)?.date_start;
	const match = typeof start === 'string' ? /([+-]\d{2}:\d{2}|Z)$/.exec(start) : null;
	return match ? (match[1] === 'Z' ? '+00:00' : match[1]) : undefined;
}

/** A date of a task, in epoch ms; a date without offset is read in the portal's zone. */
function epochMs(value: unknown, zone: string): number {
	if (typeof value !== 'string' || value === '') return 0;
	const date = DateTime.fromISO(value, { zone, setZone: true });
	return date.isValid ? date.toMillis() : 0;
}

/**
 * Bitrix24's task list as the polling engine sees it: windows on CHANGED_DATE (whole seconds,
 * both bounds inclusive), read by key (`>ID`, `start=-1`), so paging is stable. Bounds go out
 * with the portal's own offset.
 */
function bitrix24TaskList(ctx: IPollFunctions, baseFilter: IDataObject): VendorTaskList<number> {
	let zone = 'UTC';
	// Bounds in the documented type; before any answer told the portal's offset (the first poll of
	// a process), in UTC written as +00:00.
	const bound = (ms: number) => b24DateTime(DateTime.fromMillis(ms), zone);
	// STATUS_CHANGED_DATE: when the task last changed status (statusChangedDate,
	// https://apidocs.bitrix24.com/api-reference/tasks/fields.html).
	const select = [...DEFAULT_SELECT, 'STATUS_CHANGED_DATE'];
	return {
		stablePaging: true,
		async fetchWindow(window, afterId) {
			const filter: IDataObject = {
				...baseFilter,
				'>=CHANGED_DATE': bound(window.fromMs),
				'<=CHANGED_DATE': bound(window.toMs),
				...(afterId !== undefined ? { '>ID': afterId } : {}),
			};
			const envelope = await b24Call(ctx, 'tasks.task.list', { order: { ID: 'asc' }, filter, select, start: -1 }, { read: true });
			const offset = portalOffset(envelope as IDataObject);
			if (offset) zone = offset === '+00:00' ? 'UTC' : `UTC${offset}`;
			const tasks = ((envelope.result as IDataObject | undefined)?.tasks as IDataObject[] | undefined) ?? [];
			return { items: tasks, next: tasks.length === B24_PAGE ? Number(tasks[tasks.length - 1].id) : undefined };
		},
		async fetchSample(event, limit) {
			const filter = event === 'taskCompleted' ? { ...baseFilter, REAL_STATUS: 5 } : baseFilter;
			const sortBy = event === 'taskCreated' ? 'ID' : event === 'taskCompleted' ? 'CLOSED_DATE' : 'CHANGED_DATE';
			return await listTasks(ctx, { filter, sortBy, direction: 'desc', select }, { returnAll: false, limit });
		},
		times: (task) => ({
			createdAt: epochMs(task.createdDate, zone),
			updatedAt: epochMs(task.changedDate, zone),
			completed: String(task.status) === '5',
			// When it became completed, so that each completion fires once: CLOSED_DATE, or the status
			// change to completed if later (a task under control may keep the CLOSED_DATE of its
			// submission through the creator's approval: unconfirmed).
			completedAt:
				String(task.status) === '5'
					? Math.max(epochMs(task.closedDate, zone), epochMs(task.statusChangedDate, zone)) || undefined
					: undefined,
		}),
		revisionValues,
	};
}

export class Bitrix24Trigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bitrix24 Trigger',
		name: 'bitrix24Trigger',
		icon: { light: 'file:bitrix24.svg', dark: 'file:bitrix24.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		// n8n's node panel shows the service (this trigger merged into the Bitrix24 node) with this
		// description, so it is the node's own.
		description:
			'Work with Bitrix24 tasks, their comments, statuses and fields, and start workflows when tasks are created, updated or completed',
		defaults: { name: 'Bitrix24 Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// Written out in each node (n8n's lint reads them there). The webhook is tested by a
		// function that reads its scopes; n8n tests OAuth2 credentials by their own request.
		credentials: [
			{ name: 'bitrix24WebhookApi', required: true, testedBy: 'bitrix24CredentialTest', displayOptions: { show: { authentication: ['webhook'] } } },
			{ name: 'bitrix24OAuth2Api', required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
		],
		properties: [
			authenticationProperty,
			triggerEventProperty,
			{
				displayName: 'The trigger sees the tasks the credential\'s user may see: use an administrator\'s webhook for the whole portal',
				name: 'visibilityNotice',
				type: 'notice',
				default: '',
			},
			...triggerFilterProperties([
				groupsFilter,
				usersFilter('Responsible User Names or IDs', 'responsibleIds'),
				{
					displayName: 'Status',
					name: 'statuses',
					type: 'multiOptions',
					options: Object.entries(B24_STATUSES).map(([value, name]) => ({ name, value })),
					default: [],
				},
			]),
		],
	};

	methods = { loadOptions: { getUsers, getGroups }, credentialTest: { bitrix24CredentialTest } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const { values: filters, idList } = triggerFilters(this);
		const baseFilter: IDataObject = {};
		const responsible = idList('Responsible Users', 'responsibleIds');
		const groups = idList('Groups', 'groupIds');
		const statuses = (Array.isArray(filters.statuses) ? filters.statuses : filters.statuses ? [filters.statuses] : []).map(String);
		const unknown = statuses.find((status) => !(status in B24_STATUSES));
		if (unknown !== undefined) {
			throw inputError(this.getNode(), 'Filters → Status', `"${unknown}" is not a status: use 2 to 6 (or 1, 7)`);
		}
		if (responsible.length) baseFilter.RESPONSIBLE_ID = responsible;
		if (groups.length) baseFilter.GROUP_ID = groups;
		if (statuses.length) baseFilter.REAL_STATUS = statuses.map(Number);

		const { data } = await resolveCredential(this, bitrix24Profile);
		return await emitPolledTasks(this, {
			profile: bitrix24Profile,
			credentials: data,
			tasks: bitrix24TaskList(this, baseFilter),
			// The portal's origin is read after the poll: an answer may have told of a renamed portal.
			simplify: (task, timezone) => simplifyB24Task(task, portalOrigin(data), timezone),
		});
	}
}
