import type { INodeProperties, IPollFunctions } from 'n8n-workflow';

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
