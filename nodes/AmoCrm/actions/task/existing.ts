import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { AMO_MAX_PAGE } from '../../api';
import { amoList } from '../../list';

/**
 * The tasks created since `since` (epoch ms), oldest first. amoCRM filters tasks by `updated_at`
 * only (tasks API, «Список задач», #tasks-list); a task is updated when it is created, so the
 * tasks changed since then hold every task created since then.
 */
export async function tasksCreatedSince(ctx: IExecuteFunctions, since: number, itemIndex: number): Promise<IDataObject[]> {
	const from = Math.floor(since / 1000);
	const changed = await amoList(
		ctx,
		'/tasks',
		'tasks',
		{ returnAll: true, limit: AMO_MAX_PAGE },
		{ filter: { updated_at: { from } }, order: { id: 'asc' } },
		itemIndex,
	);
	return changed
		.filter((task) => Number(task.created_at) >= from)
		.sort((a, b) => Number(a.created_at) - Number(b.created_at) || Number(a.id) - Number(b.id));
}
