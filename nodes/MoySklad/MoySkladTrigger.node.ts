import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { emitPolledTasks, triggerEventProperty, triggerFilterProperties, triggerFilters, type VendorTaskList } from '../shared/polling/trigger';
import { assigneeProperty, parseUuid, taskTypeFilterProperty } from './actions/fields';
import { condition } from './actions/filter';
import { taskStateName } from './actions/taskState';
import { MS_MAX_PAGE, metaRef, moySkladBaseUrl, msPage, profileOf, taskTime, toMoscow } from './api';
import { simplifyMoySkladTask } from './shape';
import { getEmployees, getTaskStateNames } from './methods/loadOptions';
import { allTasksPage, listTasks, type AllTasksCursor } from './list';

/** The fields whose change a user would call an update. */
function revisionValues(task: IDataObject): unknown[] {
	const { description, done, dueToDate, assignee, state, agent, operation, completed } = task;
	return [description, done, dueToDate, assignee, state, agent, operation, completed];
}

/** Completed tasks per page of a manual run's search for the last completed. */
const SAMPLE_PAGE = 100;

/**
 * The most recently completed tasks. `completed` is not a sort field (MoySklad's sorting table,
 * «Сортировка», https://dev.moysklad.ru/doc/api/remap/1.2/workbook/: tasks sort by id, created,
 * version, updated, description, dueToDate, done),
 * but completing changes a task, so none changed before a task's completion was completed after
 * it: completed tasks are read newest change first until the page's oldest change is older than
 * the `limit`-th completion found.
 */
async function lastCompleted(ctx: IPollFunctions, conditions: string[], limit: number): Promise<IDataObject[]> {
	const completedMs = (task: IDataObject) => (taskTime(task, 'completed') ?? taskTime(task, 'updated', true)!).toMillis();
	const best: IDataObject[] = [];
	let offset: number | undefined = 0;
	while (offset !== undefined) {
		const page = await msPage(ctx, 'entity/task', {
			offset,
			pageSize: SAMPLE_PAGE,
			qs: { filter: ['done=true', ...conditions].join(';'), order: 'updated,desc;id,desc' },
		});
		best.push(...page.items);
		best.sort((a, b) => completedMs(b) - completedMs(a));
		best.splice(limit);
		const oldestChange = Math.min(...page.items.map((task) => taskTime(task, 'updated', true)!.toMillis()));
		if (best.length === limit && completedMs(best[limit - 1]) >= oldestChange) break;
		offset = page.next;
	}
	return best;
}

/**
 * The task list as the polling engine sees it: windows on `updated` (Moscow time, whole
 * seconds), ordered by `updated` then id, offset paging. The API lists completed tasks only
 * when asked for; every event asks: a task created and completed between two polls is still
 * new, and the engine tells the events apart by the tasks' times and done state.
 */
function moySkladTaskList(ctx: IPollFunctions, baseConditions: string[]): VendorTaskList<AllTasksCursor> {
	const moscow = (ms: number) => toMoscow(DateTime.fromMillis(ms));
	return {
		stablePaging: false,
		async fetchWindow(window, cursor) {
			// Times may carry milliseconds: the upper bound covers the whole last second.
			const conditions = [
				...baseConditions,
				condition('updated', '>=', moscow(window.fromMs)),
				condition('updated', '<=', `${moscow(window.toMs)}.999`),
			];
			return await allTasksPage(ctx, { conditions, order: 'updated,asc;id,asc', pageSize: MS_MAX_PAGE, cursor });
		},
		async fetchSample(sampleEvent, limit) {
			if (sampleEvent === 'taskCompleted') return await lastCompleted(ctx, baseConditions, limit);
			return await listTasks(ctx, {
				status: 'all',
				conditions: baseConditions,
				order: sampleEvent === 'taskCreated' ? 'created,desc;id,desc' : 'updated,desc;id,desc',
				paging: { returnAll: false, limit, maxPageSize: MS_MAX_PAGE },
			});
		},
		times: (task) => ({
			createdAt: taskTime(task, 'created', true)!.toMillis(),
			updatedAt: taskTime(task, 'updated', true)!.toMillis(),
			completed: task.done === true,
			// The time it was completed (`completed` of «Задача»,
			// https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-zadacha): each completion fires once.
			completedAt: task.done === true ? taskTime(task, 'completed')?.toMillis() : undefined,
		}),
		revisionValues,
	};
}

export class MoySkladTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MoySklad Trigger',
		name: 'moySkladTrigger',
		icon: { light: 'file:moysklad.svg', dark: 'file:moysklad.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		// n8n's node panel shows the service (this trigger merged into the MoySklad node) with this
		// description, so it is the node's own.
		description:
			'Work with MoySklad tasks, their comments and task types, and start workflows when tasks are created, updated or completed',
		defaults: { name: 'MoySklad Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'moySkladApi', required: true }],
		properties: [
			triggerEventProperty,
			{
				displayName:
					'MoySklad shows a user only the tasks they may see: without the "view all tasks" permission, those they authored or are assigned to',
				name: 'visibilityNotice',
				type: 'notice',
				default: '',
			},
			...triggerFilterProperties([assigneeProperty(), taskTypeFilterProperty()]),
		],
	};

	methods = { loadOptions: { getEmployees, getTaskStateNames } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const filters = triggerFilters(this).values;
		const { profile, credentials } = await profileOf(this);
		const baseConditions: string[] = [];
		if (filters.assignee) {
			const id = parseUuid(this, undefined, 'Filters → Assignee', filters.assignee);
			const href = (metaRef(moySkladBaseUrl(credentials), 'employee', id).meta as IDataObject).href;
			baseConditions.push(condition('assignee', '=', String(href)));
		}
		if (filters.stateName) {
			const state = await taskStateName(this, 'Filters → Task Type', filters.stateName);
			baseConditions.push(condition('state.name', '=', state));
		}

		return await emitPolledTasks(this, {
			profile,
			credentials,
			tasks: moySkladTaskList(this, baseConditions),
			simplify: simplifyMoySkladTask,
		});
	}
}
