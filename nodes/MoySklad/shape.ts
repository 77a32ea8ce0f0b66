import type { IDataObject } from 'n8n-workflow';

import { isoInZone } from '../shared/dates';
import type { CommonTask } from '../shared/taskShape';
import { refId, refType, taskTime } from './api';

/**
 * Where a user opens the task in the web UI: the link MoySklad itself gives (`meta.uuidHref`,
 * https://dev.moysklad.ru/doc/api/remap/1.2/ «Метаданные»), else none. MoySklad documents no web-app route for
 * tasks to build one from.
 */
export function moySkladTaskUrl(task: IDataObject): string | null {
	const meta = task.meta as IDataObject | undefined;
	return typeof meta?.uuidHref === 'string' ? meta.uuidHref : null;
}

/** MoySklad's simplified task: the common shape, no extras. */
export type MoySkladTask = CommonTask<'moySklad'>;

/** The common task shape (nodes/shared/taskShape.ts). */
export function simplifyMoySkladTask(task: IDataObject, timezone: string): MoySkladTask {
	const done = task.done === true;
	const description = typeof task.description === 'string' ? task.description : null;
	const linked = task.agent ?? task.operation;
	const linkedId = refId(linked);
	const state = task.state as IDataObject | undefined;
	const iso = (field: string) => {
		const time = taskTime(task, field);
		return time ? isoInZone(time, timezone) : null;
	};
	return {
		vendor: 'moySklad',
		id: String(task.id),
		title: description === null ? null : description.split('\n')[0],
		text: description,
		status: done ? 'completed' : 'open',
		vendorStatus: typeof state?.name === 'string' ? state.name : done ? 'done' : 'open',
		responsibleId: refId(task.assignee),
		authorId: refId(task.author),
		typeId: refId(task.state),
		dueAt: iso('dueToDate'),
		createdAt: iso('created'),
		updatedAt: iso('updated'),
		completedAt: done ? iso('completed') : null,
		entity: linkedId ? { type: refType(linked) ?? 'unknown', id: linkedId } : null,
		url: moySkladTaskUrl(task),
	};
}
