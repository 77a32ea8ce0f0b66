import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { DateTime } from 'luxon';

import { sortByKey } from '../shared/order';
import type { TaskEvent } from '../shared/polling/engine';
import { emitPolledTasks, triggerEventProperty, triggerFilterProperties, triggerFilters, vendorNowMs, type VendorTaskList } from '../shared/polling/trigger';
import { resolveCredential } from '../shared/transport/request';
import { parseNumericId } from '../shared/validation';
import {
	PYRUS_LIST_PAGE,
	PYRUS_REGISTER_CAP,
	pyrusProfile,
	pyrusRequest,
	pyrusTimeMs,
	toPyrusDateTime,
} from './api';
import { isClosed, simplifyPyrusTask } from './shape';
import { pyrusCredentials } from './Pyrus.node';
import { formIdProperty, listIdProperty, stepsFilter } from './actions/task/fields';
import { PYRUS_LIST_SECOND_MAX, readListTasks, readListWindow } from './list';
import { getForms, getLists } from './methods/loadOptions';

/** Register page of a poll: large enough for a busy form, small enough to answer quickly. */
const REGISTER_PAGE = 1000;
/** How far back a manual run looks for a sample. */
const SAMPLE_DAYS = 30;

function pyrusTime(ms: number): string {
	return toPyrusDateTime(DateTime.fromMillis(ms));
}

/**
 * What a user would call a change. `last_note_id` moves with every comment, so two changes
 * within one second (Pyrus times have whole seconds) still differ.
 */
function revisionValues(task: IDataObject): unknown[] {
	const { last_note_id, close_date, current_step, responsible, due, due_date, text, subject, fields, approvals, list_ids } = task;
	return [last_note_id, close_date, current_step, (responsible as IDataObject | undefined)?.id, due, due_date, text, subject, fields, approvals, list_ids];
}

function times(task: IDataObject) {
	return {
		createdAt: pyrusTimeMs(task.create_date),
		updatedAt: pyrusTimeMs(task.last_modified_date),
		completed: isClosed(task),
		// When it was closed (close_date, https://pyrus.com/ru/help/api/tasks): each closing fires
		// once.
		completedAt: isClosed(task) ? pyrusTimeMs(task.close_date) || undefined : undefined,
	};
}

function inWindow(task: IDataObject, window: { fromMs: number; toMs: number }): boolean {
	const at = pyrusTimeMs(task.last_modified_date);
	return at >= window.fromMs && at <= window.toMs;
}

/** The newest task for the event, for a manual run. */
function newest(tasks: IDataObject[], event: TaskEvent, limit: number): IDataObject[] {
	const key = event === 'taskCreated' ? 'create_date' : event === 'taskCompleted' ? 'close_date' : 'last_modified_date';
	const candidates = event === 'taskCompleted' ? tasks.filter(isClosed) : tasks;
	return sortByKey(candidates, (task) => [pyrusTimeMs(task[key]), Number(task.id)] as const, (a, b) => b[0] - a[0] || b[1] - a[1]).slice(0, limit);
}

/**
 * A form's register as the polling engine sees it: a window on `last_modified_date`, paged by
 * task id (`sort=id`, `id=gt…`), which no change during paging can shift.
 */
function registerSource(
	ctx: IPollFunctions,
	formId: number,
	filter: IDataObject,
	credentials: ICredentialDataDecryptedObject,
): VendorTaskList<number> {
	const read = async (qs: IDataObject) =>
		((await pyrusRequest.call(ctx, 'GET', `/forms/${formId}/register`, { qs: { include_archived: 'y', ...filter, ...qs } })).tasks as
			| IDataObject[]
			| undefined) ?? [];
	return {
		stablePaging: true,
		async fetchWindow(window, lastId) {
			// Whether the bounds are inclusive is not documented: ask a second wider, keep the window here.
			const tasks = await read({
				modified_after: pyrusTime(window.fromMs - 1000),
				modified_before: pyrusTime(window.toMs + 1000),
				sort: 'id',
				item_count: REGISTER_PAGE,
				...(lastId ? { id: `gt${lastId}` } : {}),
			});
			const next = tasks.length === REGISTER_PAGE ? Math.max(...tasks.map((task) => Number(task.id))) : undefined;
			return { items: tasks.filter((task) => inWindow(task, window)), next };
		},
		async fetchSample(event, limit) {
			const since = vendorNowMs(pyrusProfile, credentials) - SAMPLE_DAYS * 86_400_000;
			return newest(await read({ modified_after: pyrusTime(since), item_count: PYRUS_REGISTER_CAP }), event, limit);
		},
		times,
		revisionValues,
	};
}

/** The cursor that asks for a single second whole, in one larger request. */
const WHOLE_SECOND = 'whole';

/**
 * A list's tasks: a window on `last_modified_date`. The order of a cut page (`has_more`) is not
 * documented, so it tells nothing of what it left out: the engine splits a cut window by time,
 * and a single second still cut is read whole, in one larger request.
 */
function listSource(
	ctx: IPollFunctions,
	listId: number,
	credentials: ICredentialDataDecryptedObject,
): VendorTaskList<string> {
	return {
		stablePaging: false,
		async fetchWindow(window, cursor) {
			const whole = cursor === WHOLE_SECOND;
			// A second wider on both ends (bounds and sub-second times are not documented); the
			// window is kept here.
			const page = await readListWindow(
				ctx,
				listId,
				{ from: Math.floor(window.fromMs / 1000), to: Math.floor(window.toMs / 1000) + 1 },
				{ itemCount: whole ? PYRUS_LIST_SECOND_MAX : PYRUS_LIST_PAGE, includeArchived: true },
			);
			if (page.cut && whole) {
				throw new NodeOperationError(
					ctx.getNode(),
					`Pyrus: more than ${PYRUS_LIST_SECOND_MAX} tasks of list ${listId} changed within one second (${pyrusTime(window.fromMs)}); the trigger cannot read them all`,
				);
			}
			return { items: page.tasks.filter((task) => inWindow(task, window)), next: page.cut && !whole ? WHOLE_SECOND : undefined };
		},
		async fetchSample(event, limit) {
			const since = vendorNowMs(pyrusProfile, credentials) - SAMPLE_DAYS * 86_400_000;
			// The most recently changed tasks, whatever order the list pages in.
			const tasks = await readListTasks(ctx, { listId, window: { from: Math.floor(since / 1000) }, includeArchived: true, limit: PYRUS_LIST_PAGE });
			return newest(tasks, event, limit);
		},
		times,
		revisionValues,
	};
}

export class PyrusTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Pyrus Trigger',
		name: 'pyrusTrigger',
		icon: { light: 'file:pyrus.svg', dark: 'file:pyrus.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		// n8n's node panel shows the service (this trigger merged into the Pyrus node) with this
		// description, so it is the node's own.
		description:
			'Work with Pyrus tasks, their comments, forms and lists, and start workflows when tasks are created, updated or completed',
		defaults: { name: 'Pyrus Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: pyrusCredentials,
		properties: [
			triggerEventProperty,
			{
				displayName: 'Watch',
				name: 'source',
				type: 'options',
				options: [
					{ name: 'Form', value: 'form', description: 'Tasks created from a form (its register)' },
					{ name: 'List', value: 'list', description: 'Tasks in a list (project), simple tasks included' },
				],
				default: 'form',
			},
			{
				...formIdProperty({ source: ['form'] }),
				description:
					'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
			},
			listIdProperty({ source: ['list'] }),
			...triggerFilterProperties(
				[
					stepsFilter,
				],
				{ show: { source: ['form'] } },
			),
		],
	};

	methods = { loadOptions: { getForms, getLists } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const sourceKind = this.getNodeParameter('source', 'form') as string;
		const input = { node: this.getNode() };
		const { data } = await resolveCredential(this, pyrusProfile);
		const vendor = { profile: pyrusProfile, credentials: data, simplify: (task: IDataObject, timezone: string) => simplifyPyrusTask(task, data, timezone) };
		if (sourceKind === 'list') {
			const listId = parseNumericId(input, 'List', this.getNodeParameter('listId', ''));
			return await emitPolledTasks(this, { ...vendor, tasks: listSource(this, listId, data) });
		}
		const steps = triggerFilters(this).idList('Steps', 'steps');
		const filter: IDataObject = steps.length ? { steps: steps.join(',') } : {};
		const formId = parseNumericId(input, 'Form', this.getNodeParameter('formId', ''));
		return await emitPolledTasks(this, { ...vendor, tasks: registerSource(this, formId, filter, data) });
	}
}
