import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	INodeProperties,
	IPollFunctions,
} from 'n8n-workflow';
import { createHash } from 'crypto';

import { pollTasks, type ActivationRecord, type PollRecord, type PollSource, type TaskEvent } from './engine';
import { simplifyOption } from '../descriptions';
import type { CommonTask } from '../taskShape';
import { now } from '../transport/clock';
import { serverNow } from '../transport/request';
import type { VendorProfile } from '../transport/types';
import { parseNumericIdList } from '../validation';

/** The event picker shared by every task trigger. */
export const triggerEventProperty: INodeProperties = {
	displayName: 'Event',
	name: 'event',
	type: 'options',
	options: [
		{ name: 'Task Completed', value: 'taskCompleted', description: 'A task was marked as completed' },
		{ name: 'Task Created', value: 'taskCreated', description: 'A new task appeared' },
		{ name: 'Task Updated', value: 'taskUpdated', description: 'Any change to a task, creation included' },
	],
	default: 'taskCreated',
};

/**
 * The end of every trigger's parameters: its "Filters" collection of the vendor's filters (shown
 * where `displayOptions` say, when given) and "Simplify", on by default.
 */
export function triggerFilterProperties(
	filters: INodeProperties[],
	displayOptions?: INodeProperties['displayOptions'],
): INodeProperties[] {
	const collection: INodeProperties = {
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		...(displayOptions ? { displayOptions } : {}),
		options: filters,
	};
	return [collection, simplifyOption({}, 'on')];
}

/**
 * The values of the trigger's "Filters", and a reader of its ID lists: a bad ID fails the poll
 * naming its filter ("Filters → <label>") before any request leaves.
 */
export function triggerFilters(context: IPollFunctions): { values: IDataObject; idList(label: string, name: string): number[] } {
	const values = context.getNodeParameter('filters', {}) as IDataObject;
	const input = { node: context.getNode() };
	return { values, idList: (label, name) => parseNumericIdList(input, `Filters → ${label}`, values[name]) };
}

/** The engine's time budget for this poll; older n8n versions have none. */
export function pollBudgetMs(context: IPollFunctions): number | undefined {
	const withBudget = context as IPollFunctions & { getPollBudgetMs?: () => number };
	return typeof withBudget.getPollBudgetMs === 'function' ? withBudget.getPollBudgetMs() : undefined;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** A month: the longest gap of the fixed modes, and the one assumed for a custom cron. */
const LONGEST_GAP_MS = 31 * DAY_MS;

/**
 * The longest time between two scheduled polls, from the node's "Poll Times" (n8n adds that
 * parameter to every polling node). Several entries poll at the union of their times.
 */
export function pollIntervalMs(pollTimes: unknown): number {
	const items = ((pollTimes as IDataObject | undefined)?.item as IDataObject[] | undefined) ?? [];
	const gaps = items.map((item) => {
		const value = Math.max(1, Number(item.value) || 1);
		switch (item.mode) {
			case 'everyMinute':
				return MINUTE_MS;
			case 'everyHour':
				return HOUR_MS;
			case 'everyX':
				return value * (item.unit === 'hours' ? HOUR_MS : MINUTE_MS);
			case 'everyDay':
				return DAY_MS;
			case 'everyWeek':
				return 7 * DAY_MS;
			default:
				return LONGEST_GAP_MS;
		}
	});
	return gaps.length ? Math.min(...gaps) : MINUTE_MS;
}

/**
 * A short digest of the fields whose change a user would call an update: two changes of one
 * task within the same second share its change time, the digest tells them apart.
 */
function revisionDigest(values: unknown[]): string {
	return createHash('sha1').update(JSON.stringify(values)).digest('hex').slice(0, 12);
}

/**
 * The activation moment of this trigger, in the workflow's shared static data (which n8n saves
 * after activating a workflow, also where it discards what the activation poll wrote into the
 * node's own state). A record stays usable for two poll intervals: the first scheduled poll
 * comes within one.
 */
function activationRecord(context: IPollFunctions): ActivationRecord {
	const shared = context.getWorkflowStaticData('global');
	const key = context.getNode().name;
	const records = () => shared.taskTriggerActivations as IDataObject | undefined;
	const pollTimes = context.getNodeParameter('pollTimes', { item: [{ mode: 'everyMinute' }] });
	return {
		read: () => {
			const moment = records()?.[key];
			return typeof moment === 'number' ? moment : undefined;
		},
		write: (moment) => {
			shared.taskTriggerActivations = { ...records(), [key]: moment };
		},
		maxAgeMs: 2 * pollIntervalMs(pollTimes) + 10 * MINUTE_MS,
	};
}

/**
 * What only the vendor knows of its task list: how to read a time window (and whether its paging
 * is stable), a sample for a manual run, a task's times and completion, and which of its fields
 * make a change. The rest of a poll source is the same for every vendor: tasks keyed by `id`,
 * change times in whole seconds, the vendor's clock as its answers told it.
 */
export interface VendorTaskList<C> extends Pick<PollSource<IDataObject, C>, 'stablePaging' | 'fetchWindow' | 'fetchSample'> {
	/** The task's times (epoch ms) and whether (and when) it is completed. */
	times(task: IDataObject): Omit<PollRecord, 'id' | 'revision'>;
	/** The values of the fields whose change a user would call an update. */
	revisionValues(task: IDataObject): unknown[];
}

/** A trigger's vendor for one poll: its task list under the node's filters, and the common shape of a task. */
export interface PolledVendor<C> {
	profile: VendorProfile;
	credentials: ICredentialDataDecryptedObject;
	tasks: VendorTaskList<C>;
	simplify(task: IDataObject, timezone: string): CommonTask;
}

/** The vendor's clock as its answers told it, or this process's before any answer. */
export function vendorNowMs(profile: VendorProfile, credentials: ICredentialDataDecryptedObject): number {
	return serverNow(profile, credentials) ?? now();
}

/**
 * One poll of a task trigger node: runs the engine over the vendor's task list for the node's
 * `event` (a manual run shows a sample) and emits the tasks, in the common shape when `simplify`
 * is on. Null when nothing happened, so n8n starts no execution.
 */
export async function emitPolledTasks<C>(
	context: IPollFunctions,
	vendor: PolledVendor<C>,
): Promise<INodeExecutionData[][] | null> {
	const { profile, credentials, tasks: list } = vendor;
	const source: PollSource<IDataObject, C> = {
		resolutionMs: 1000,
		stablePaging: list.stablePaging,
		serverNow: () => serverNow(profile, credentials),
		fetchWindow: async (window, cursor) => await list.fetchWindow(window, cursor),
		fetchSample: async (event, limit) => await list.fetchSample(event, limit),
		record: (task) => ({ id: String(task.id), ...list.times(task), revision: revisionDigest(list.revisionValues(task)) }),
	};
	const event = context.getNodeParameter('event') as TaskEvent;
	const simplify = context.getNodeParameter('simplify', true) as boolean;
	const mode = context.getMode() === 'manual' ? 'manual' : 'trigger';
	const tasks = await pollTasks(source, {
		event,
		mode,
		state: context.getWorkflowStaticData('node'),
		activation: mode === 'trigger' ? activationRecord(context) : undefined,
		budgetMs: pollBudgetMs(context),
	});
	if (tasks.length === 0) return null;
	const timezone = context.getTimezone();
	return [
		tasks.map((task) => ({
			json: simplify ? vendor.simplify(task, timezone) : task,
		})),
	];
}
