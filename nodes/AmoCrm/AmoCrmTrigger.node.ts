import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { simplifyOption } from '../shared/descriptions';
import { pollTasks, type PollSource, type TaskEvent } from '../shared/polling/engine';
import { pollBudgetMs, triggerEventProperty } from '../shared/polling/trigger';
import { resolveCredential, serverNow } from '../shared/transport/request';
import { AMO_MAX_PAGE, amoCrmBaseUrl, amoCrmProfile, amoRequest, embedded, hasNextPage, simplifyAmoTask } from './api';
import { amoCrmCredentials, authenticationProperty } from './AmoCrm.node';
import { responsibleUsersFilter, taskTypesFilter } from './actions/fields';
import { getTaskTypes, getUsers } from './methods/loadOptions';

/** amoCRM's task list as the polling engine sees it: windows on `updated_at`, ordered by id. */
function amoTaskSource(ctx: IPollFunctions, baseFilter: IDataObject, credentials: ICredentialDataDecryptedObject): PollSource<IDataObject, number> {
	const list = async (qs: IDataObject) => {
		const response = await amoRequest.call(ctx, 'GET', '/tasks', { qs });
		return { items: embedded(response.body, 'tasks'), more: hasNextPage(response.body) };
	};
	return {
		resolutionMs: 1000,
		stablePaging: false,
		serverNow: () => serverNow(amoCrmProfile, credentials),
		async fetchWindow(window, page) {
			const { items, more } = await list({
				filter: {
					...baseFilter,
					updated_at: { from: Math.floor(window.fromMs / 1000), to: Math.floor(window.toMs / 1000) },
				},
				order: { id: 'asc' },
				page: page ?? 1,
				limit: AMO_MAX_PAGE,
			});
			return { items, next: more && items.length === AMO_MAX_PAGE ? (page ?? 1) + 1 : undefined };
		},
		async fetchSample(event: TaskEvent, limit: number) {
			const filter = event === 'taskCompleted' ? { ...baseFilter, is_completed: 1 } : baseFilter;
			const order = event === 'taskCreated' ? { created_at: 'desc' } : { id: 'desc' };
			return (await list({ filter, order, page: 1, limit })).items;
		},
		record: (task) => ({
			id: String(task.id),
			createdAt: Number(task.created_at) * 1000,
			updatedAt: Number(task.updated_at) * 1000,
			completed: task.is_completed === true,
		}),
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
		description: 'Starts the workflow when amoCRM (Kommo) tasks are created, updated or completed',
		defaults: { name: 'amoCRM Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: amoCrmCredentials,
		properties: [
			authenticationProperty,
			triggerEventProperty,
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [
					responsibleUsersFilter,
					taskTypesFilter,
				],
			},
			simplifyOption({}, 'on'),
		],
	};

	methods = { loadOptions: { getUsers, getTaskTypes } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = this.getNodeParameter('event') as TaskEvent;
		const filters = this.getNodeParameter('filters', {}) as IDataObject;
		const simplify = this.getNodeParameter('simplify', true) as boolean;
		const baseFilter: IDataObject = {};
		const ids = (value: unknown) => ((value as string[] | undefined) ?? []).map(Number).filter((n) => n > 0);
		if (ids(filters.responsibleUserIds).length) baseFilter.responsible_user_id = ids(filters.responsibleUserIds);
		if (ids(filters.taskTypeIds).length) baseFilter.task_type = ids(filters.taskTypeIds);

		const { data } = await resolveCredential(this, amoCrmProfile);
		const tasks = await pollTasks(amoTaskSource(this, baseFilter, data), {
			event,
			mode: this.getMode() === 'manual' ? 'manual' : 'trigger',
			state: this.getWorkflowStaticData('node'),
			budgetMs: pollBudgetMs(this),
		});
		if (tasks.length === 0) return null;
		const baseUrl = amoCrmBaseUrl(data);
		const timezone = this.getTimezone();
		return [
			tasks.map((task) => ({
				json: simplify ? (simplifyAmoTask(task, baseUrl, timezone) as unknown as IDataObject) : task,
			})),
		];
	}
}
