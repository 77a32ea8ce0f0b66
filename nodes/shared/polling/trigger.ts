import type { IDataObject, INodeExecutionData, INodeProperties, IPollFunctions } from 'n8n-workflow';
import { createHash } from 'crypto';

import { pollTasks, type PollSource, type TaskEvent } from './engine';

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

/** The engine's time budget for this poll; older n8n versions have none. */
export function pollBudgetMs(context: IPollFunctions): number | undefined {
	const withBudget = context as IPollFunctions & { getPollBudgetMs?: () => number };
	return typeof withBudget.getPollBudgetMs === 'function' ? withBudget.getPollBudgetMs() : undefined;
}

/**
 * A short digest of the fields whose change a user would call an update: two changes of one
 * task within the same second share its change time, the digest tells them apart.
 */
export function revisionDigest(values: unknown[]): string {
	return createHash('sha1').update(JSON.stringify(values)).digest('hex').slice(0, 12);
}

/**
 * One poll of a task trigger node: runs the engine over the source for the node's `event`
 * (a manual run shows a sample) and emits the tasks, in the common shape when `simplify` is on.
 * Null when nothing happened, so n8n starts no execution.
 */
export async function emitPolledTasks(
	context: IPollFunctions,
	source: PollSource<IDataObject, unknown>,
	simplifyTask: (task: IDataObject, timezone: string) => object,
): Promise<INodeExecutionData[][] | null> {
	const event = context.getNodeParameter('event') as TaskEvent;
	const simplify = context.getNodeParameter('simplify', true) as boolean;
	const tasks = await pollTasks(source, {
		event,
		mode: context.getMode() === 'manual' ? 'manual' : 'trigger',
		state: context.getWorkflowStaticData('node'),
		budgetMs: pollBudgetMs(context),
	});
	if (tasks.length === 0) return null;
	const timezone = context.getTimezone();
	return [
		tasks.map((task) => ({
			json: simplify ? (simplifyTask(task, timezone) as IDataObject) : task,
		})),
	];
}
