import type { IDataObject } from 'n8n-workflow';

import { unixSecondsToIso } from '../shared/dates';
import { idString, type CommonTask } from '../shared/taskShape';

/** The path of amoCRM's "Tasks" page in its web UI (a URL, not a to-do note). */
const AMO_TASKS_PAGE = '/todo/line/';

const ENTITY_PATHS: Record<string, string> = {
	leads: 'leads',
	contacts: 'contacts',
	companies: 'companies',
	customers: 'customers',
};

/** Where a user sees the task: its linked card, or the task list. */
export function amoTaskUrl(baseUrl: string, task: IDataObject): string {
	const type = typeof task.entity_type === 'string' ? ENTITY_PATHS[task.entity_type] : undefined;
	if (type && task.entity_id) return `${baseUrl}/${type}/detail/${String(task.entity_id)}`;
	return `${baseUrl}${AMO_TASKS_PAGE}`;
}

/** amoCRM's simplified task: the common shape plus the completion's result text. */
export type AmoCrmTask = CommonTask<'amoCrm', { resultText: string | null }>;

/** The common task shape (nodes/shared/taskShape.ts). amoCRM tasks have one text and no title. */
export function simplifyAmoTask(task: IDataObject, baseUrl: string, timezone: string): AmoCrmTask {
	const completed = task.is_completed === true;
	const result = task.result as IDataObject | undefined;
	return {
		vendor: 'amoCrm',
		id: String(task.id),
		title: typeof task.text === 'string' ? task.text.split('\n')[0] : null,
		text: typeof task.text === 'string' ? task.text : null,
		status: completed ? 'completed' : 'open',
		vendorStatus: completed ? 'completed' : 'open',
		responsibleId: idString(task.responsible_user_id),
		authorId: idString(task.created_by),
		typeId: idString(task.task_type_id),
		dueAt: unixSecondsToIso(task.complete_till, timezone),
		createdAt: unixSecondsToIso(task.created_at, timezone),
		updatedAt: unixSecondsToIso(task.updated_at, timezone),
		// amoCRM keeps no completion time: the last change of a completed task is the closest.
		completedAt: completed ? unixSecondsToIso(task.updated_at, timezone) : null,
		entity:
			task.entity_type && task.entity_id
				? { type: String(task.entity_type), id: String(task.entity_id) }
				: null,
		url: amoTaskUrl(baseUrl, task),
		resultText: result && typeof result.text === 'string' ? result.text : null,
	};
}
