import { DateTime } from 'luxon';
import type { IDataObject } from 'n8n-workflow';

import { isoInZone } from '../shared/dates';
import { idString, type CommonTask } from '../shared/taskShape';

/** Task statuses (`status` / REAL_STATUS); 1 and 7 only appear on old tasks. */
export const B24_STATUSES: Record<string, string> = {
	'1': 'New',
	'2': 'Pending',
	'3': 'In Progress',
	'4': 'Awaiting Control',
	'5': 'Completed',
	'6': 'Deferred',
	'7': 'Declined',
};

/** Meta-statuses, filterable through STATUS (`subStatus` in answers). */
export const B24_META_STATUSES: Record<string, string> = {
	'-1': 'Overdue',
	'-2': 'Not Viewed',
	'-3': 'Almost Overdue',
};

export const B24_PRIORITIES: Record<string, string> = { '0': 'Low', '1': 'Medium', '2': 'High' };

/**
 * A datetime as Bitrix24's documented type `YYYY-MM-DDThh:mm:ss±hh:mm` (source:
 * https://apidocs.bitrix24.com/api-reference/data-types.html): whole seconds and an explicit offset in
 * the given zone, never milliseconds or `Z`.
 */
export function b24DateTime(date: DateTime, zone: string): string {
	return date.setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
}

/** A Bitrix24 date (ISO with offset; without one, in the portal's zone) as ISO in the workflow's zone. */
export function b24DateToIso(value: unknown, timezone: string, portalZone = 'UTC'): string | null {
	if (typeof value !== 'string' || value.trim() === '') return null;
	const date = DateTime.fromISO(value.trim(), { zone: portalZone, setZone: true });
	return date.isValid ? isoInZone(date, timezone) : null;
}

/** A number Bitrix24 sent as a string ("2"), or null. */
function numberOf(value: unknown): number | null {
	if (value === null || value === undefined || value === '') return null;
	const n = Number(value);
	return Number.isFinite(n) ? n : null;
}

function idList(value: unknown): string[] {
	return Array.isArray(value) ? value.map(String) : [];
}

/** Where the task opens in the portal's web UI. */
export function b24TaskUrl(origin: string, task: IDataObject): string {
	const group = numberOf(task.groupId);
	if (group) return `${origin}/workgroups/group/${group}/tasks/task/view/${String(task.id)}/`;
	const user = idString(task.responsibleId) ?? '0';
	return `${origin}/company/personal/user/${user}/tasks/task/view/${String(task.id)}/`;
}

/** Bitrix24's simplified task: the common shape plus the task's numbers, group, parent, people and chat. */
export type Bitrix24Task = CommonTask<
	'bitrix24',
	{
		statusCode: number | null;
		subStatus: number | null;
		priority: number | null;
		groupId: string | null;
		parentId: string | null;
		accomplices: string[];
		auditors: string[];
		chatId: number | null;
	}
>;

/**
 * The common task shape (nodes/shared/taskShape.ts), with Bitrix24's string numbers turned into numbers and
 * its id lists into string arrays.
 */
export function simplifyB24Task(task: IDataObject, origin: string, timezone: string): Bitrix24Task {
	const status = String(task.status ?? '');
	const completed = status === '5';
	return {
		vendor: 'bitrix24',
		id: String(task.id),
		title: typeof task.title === 'string' ? task.title : null,
		text: typeof task.description === 'string' ? task.description : null,
		status: completed ? 'completed' : 'open',
		vendorStatus: B24_STATUSES[status] ?? (status || null),
		responsibleId: idString(task.responsibleId),
		authorId: idString(task.createdBy),
		typeId: null,
		dueAt: b24DateToIso(task.deadline, timezone),
		createdAt: b24DateToIso(task.createdDate, timezone),
		updatedAt: b24DateToIso(task.changedDate, timezone),
		completedAt: completed ? b24DateToIso(task.closedDate, timezone) : null,
		entity: Array.isArray(task.ufCrmTask) && task.ufCrmTask.length > 0 ? { type: 'crm', id: String(task.ufCrmTask[0]) } : null,
		url: b24TaskUrl(origin, task),
		statusCode: numberOf(task.status),
		subStatus: numberOf(task.subStatus),
		priority: numberOf(task.priority),
		groupId: idString(task.groupId === '0' ? null : task.groupId),
		parentId: idString(task.parentId === '0' ? null : task.parentId),
		accomplices: idList(task.accomplices),
		auditors: idList(task.auditors),
		chatId: numberOf(task.chatId),
	};
}
