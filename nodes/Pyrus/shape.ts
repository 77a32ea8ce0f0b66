import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { idString, type CommonTask } from '../shared/taskShape';
import { pyrusConfiguredApi, PYRUS_CLOUD_API } from '../../credentials/Pyrus/endpoints';
import { pyrusTimeToIso } from './api';

export function isClosed(task: IDataObject): boolean {
	return task.is_closed === true || (typeof task.close_date === 'string' && task.close_date !== '');
}

/** Pyrus's simplified task: the common shape, no extras. */
export type PyrusTask = CommonTask<'pyrus'>;

/** The common task shape (nodes/shared/taskShape.ts). */
export function simplifyPyrusTask(
	task: IDataObject,
	credentials: ICredentialDataDecryptedObject,
	timezone: string,
): PyrusTask {
	const closed = isClosed(task);
	const text = typeof task.text === 'string' ? task.text : null;
	const subject = typeof task.subject === 'string' && task.subject !== '' ? task.subject : null;
	const step = typeof task.current_step === 'number' ? `step ${task.current_step}` : null;
	return {
		vendor: 'pyrus',
		id: String(task.id),
		title: subject ?? (text !== null ? text.split('\n')[0] : null),
		text,
		status: closed ? 'completed' : 'open',
		vendorStatus: closed ? 'closed' : (step ?? 'open'),
		responsibleId: idString((task.responsible as IDataObject | undefined)?.id),
		authorId: idString((task.author as IDataObject | undefined)?.id),
		typeId: idString(task.form_id),
		dueAt: pyrusTimeToIso(task.due ?? task.due_date, timezone),
		createdAt: pyrusTimeToIso(task.create_date, timezone),
		updatedAt: pyrusTimeToIso(task.last_modified_date, timezone),
		completedAt: closed ? pyrusTimeToIso(task.close_date, timezone) : null,
		entity: task.parent_task_id ? { type: 'task', id: String(task.parent_task_id) } : null,
		url: pyrusTaskUrl(credentials, task.id),
	};
}

/** Where a person opens the task in the web app (cloud: pyrus.com; on-premise: the server). */
export function pyrusTaskUrl(credentials: ICredentialDataDecryptedObject, id: unknown): string {
	const api = pyrusConfiguredApi(credentials);
	const origin = api === PYRUS_CLOUD_API ? 'https://pyrus.com' : new URL(api).origin;
	return `${origin}/t#id${String(id)}`;
}
