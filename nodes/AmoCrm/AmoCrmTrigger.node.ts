import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { emitPolledTasks, triggerEventProperty, triggerFilterProperties, triggerFilters, vendorNowMs, type VendorTaskList } from '../shared/polling/trigger';
import { resolveCredential } from '../shared/transport/request';
import { AMO_MAX_PAGE, amoCrmBaseUrl, amoCrmProfile } from './api';
import { amoList, amoPage } from './list';
import { simplifyAmoTask } from './shape';
import { amoCrmCredentials, authenticationProperty } from './AmoCrm.node';
import { responsibleUsersFilter, taskTypesFilter } from './actions/fields';
import { getTaskTypes, getUsers } from './methods/loadOptions';

/** The fields whose change a user would call an update. */
function revisionValues(task: IDataObject): unknown[] {
	const { text, is_completed, complete_till, responsible_user_id, task_type_id, entity_id, entity_type, result, duration } = task;
	return [text, is_completed, complete_till, responsible_user_id, task_type_id, entity_id, entity_type, result, duration];
}

/** How far back a manual run of Task Completed looks, widening while it finds nothing. */
const SAMPLE_SPANS_S = [3_600, 86_400, 7 * 86_400, 30 * 86_400, 365 * 86_400];
/** Completed tasks a manual run reads at most within one span. */
const SAMPLE_READ_MAX = 1000;

/**
 * The most recently completed tasks, as best amoCRM can tell: it keeps no completion time and
 * cannot sort by change time, so the completed tasks changed within a recent span are read and
 * the most recently changed come first (completing is usually a task's last change). With none
 * in a year, the newest by id.
 */
async function recentlyCompleted(
	ctx: IPollFunctions,
	baseFilter: IDataObject,
	credentials: ICredentialDataDecryptedObject,
	limit: number,
): Promise<IDataObject[]> {
	const filter = { ...baseFilter, is_completed: 1 };
	const nowS = Math.floor(vendorNowMs(amoCrmProfile, credentials) / 1000);
	for (const span of SAMPLE_SPANS_S) {
		const tasks = await amoList(ctx, '/tasks', 'tasks', { returnAll: false, limit: SAMPLE_READ_MAX }, {
			filter: { ...filter, updated_at: { from: nowS - span, to: nowS + 60 } },
			order: { id: 'desc' },
		});
		if (tasks.length > 0) {
			return tasks.sort((a, b) => Number(b.updated_at) - Number(a.updated_at) || Number(b.id) - Number(a.id)).slice(0, limit);
		}
	}
	return await amoList(ctx, '/tasks', 'tasks', { returnAll: false, limit }, { filter, order: { id: 'desc' } });
}

/** amoCRM's task list as the polling engine sees it: windows on `updated_at`, ordered by id. */
function amoTaskList(
	ctx: IPollFunctions,
	baseFilter: IDataObject,
	credentials: ICredentialDataDecryptedObject,
): VendorTaskList<number> {
	return {
		stablePaging: false,
		async fetchWindow(window, page = 1) {
			const from = Math.floor(window.fromMs / 1000);
			const to = Math.floor(window.toMs / 1000);
			// Whether amoCRM's bounds are inclusive is not documented: ask one second wider on
			// each side and keep the window here, so either reading loses nothing.
			const { items, next } = await amoPage(ctx, '/tasks', 'tasks', {
				page,
				pageSize: AMO_MAX_PAGE,
				qs: { filter: { ...baseFilter, updated_at: { from: from - 1, to: to + 1 } }, order: { id: 'asc' } },
			});
			const inWindow = (task: IDataObject) => Number(task.updated_at) >= from && Number(task.updated_at) <= to;
			return { items: items.filter(inWindow), next };
		},
		async fetchSample(event, limit) {
			if (event === 'taskCompleted') return await recentlyCompleted(ctx, baseFilter, credentials, limit);
			const order = event === 'taskCreated' ? { created_at: 'desc' } : { id: 'desc' };
			return await amoList(ctx, '/tasks', 'tasks', { returnAll: false, limit }, { filter: baseFilter, order });
		},
		times: (task) => ({
			createdAt: Number(task.created_at) * 1000,
			updatedAt: Number(task.updated_at) * 1000,
			completed: task.is_completed === true,
		}),
		revisionValues,
	};
}

export class AmoCrmTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'amoCRM (Kommo) Trigger',
		name: 'amoCrmTrigger',
		icon: { light: 'file:amocrm.svg', dark: 'file:amocrm.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		// n8n's node panel shows the service (this trigger merged into the amoCRM (Kommo) node) with this
		// description, so it is the node's own.
		description:
			'Work with amoCRM (Kommo) tasks, their comments and task types, and start workflows when tasks are created, updated or completed',
		defaults: { name: 'amoCRM Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: amoCrmCredentials,
		properties: [
			authenticationProperty,
			triggerEventProperty,
			{
				displayName:
					'amoCRM keeps no completion time: the trigger fires when it first reads a task completed, so not again for a task reopened and completed again between two polls. A task completed before the trigger was activated, or left unchanged for 30 days after its completion, fires once if it is changed later.',
				name: 'completedNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { event: ['taskCompleted'] } },
			},
			...triggerFilterProperties([responsibleUsersFilter, taskTypesFilter]),
		],
	};

	methods = { loadOptions: { getUsers, getTaskTypes } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const { idList } = triggerFilters(this);
		const baseFilter: IDataObject = {};
		const responsible = idList('Responsible Users', 'responsibleUserIds');
		const types = idList('Task Types', 'taskTypeIds');
		if (responsible.length) baseFilter.responsible_user_id = responsible;
		if (types.length) baseFilter.task_type = types;

		const { data } = await resolveCredential(this, amoCrmProfile);
		return await emitPolledTasks(this, {
			profile: amoCrmProfile,
			credentials: data,
			tasks: amoTaskList(this, baseFilter, data),
			simplify: (task, timezone) => simplifyAmoTask(task, amoCrmBaseUrl(data), timezone),
		});
	}
}
