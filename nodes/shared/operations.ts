import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { OperationMap } from './execute';

/**
 * The one vocabulary of the action nodes' Resource and Operation pickers: every vendor names,
 * and tells AI Agent tools ("<action> in <node>"), the same operation in the same words, in
 * n8n's own convention (Create, Get, Get Many, Update, Delete...). An operation's value is what
 * saved workflows store: never change one. A vendor's operation file may set `pickerDescription`
 * where the vendor's own words say something true that the shared description does not.
 */
export interface OperationWords {
	/** Shown in the picker. */
	name: string;
	/** The node panel's action, and what an AI Agent tool says it does. */
	action: string;
	/** Shown under the name in the picker. */
	description: string;
}

export interface ResourceWords {
	name: string;
	/** The operation a new node starts with (saved workflows omit it: never change it). */
	defaultOperation: string;
	operations: Record<string, OperationWords>;
}

const words = (name: string, action: string, description = action): OperationWords => ({ name, action, description });

export const RESOURCES: Record<string, ResourceWords> = {
	comment: {
		name: 'Comment',
		defaultOperation: 'create',
		operations: {
			create: words('Create', 'Create a comment on a task'),
			delete: words('Delete', 'Delete a comment of a task', 'Delete a comment'),
			get: words('Get', 'Get a comment of a task', 'Get a comment'),
			getAll: words('Get Many', 'Get many comments of a task', 'Get the comments of a task'),
			update: words('Update', 'Update a comment of a task', "Change a comment's text"),
		},
	},
	form: {
		name: 'Form (Task Type)',
		defaultOperation: 'getAll',
		operations: {
			get: words('Get', 'Get a form', 'Get a form with its fields and steps'),
			getAll: words('Get Many', 'Get many forms', "Get the forms available to the credential's user"),
		},
	},
	list: {
		name: 'List',
		defaultOperation: 'getAll',
		operations: {
			getAll: words('Get Many', 'Get many lists', "Get the lists (projects) available to the credential's user"),
		},
	},
	task: {
		name: 'Task',
		defaultOperation: 'create',
		operations: {
			approve: words('Approve', 'Approve a task', 'Accept the result of a task under control'),
			complete: words('Complete', 'Complete a task', 'Mark a task as completed'),
			create: words('Create', 'Create a task'),
			defer: words('Defer', 'Defer a task', 'Put a task off'),
			delegate: words('Delegate', 'Delegate a task', 'Hand a task to another responsible user'),
			delete: words('Delete', 'Delete a task'),
			disapprove: words('Disapprove', 'Disapprove a task', 'Send a task under control back for rework'),
			get: words('Get', 'Get a task'),
			getAll: words('Get Many', 'Get many tasks'),
			pause: words('Pause', 'Pause a task', 'Stop work on a task (back to pending)'),
			reopen: words('Reopen', 'Reopen a task', 'Mark a completed task as open again'),
			start: words('Start', 'Start a task', 'Start work on a task'),
			update: words('Update', 'Update a task'),
		},
	},
	taskType: {
		name: 'Task Type',
		defaultOperation: 'getAll',
		operations: {
			create: words('Create', 'Create a task type'),
			delete: words('Delete', 'Delete a task type'),
			getAll: words('Get Many', 'Get many task types', "Get the account's task types"),
			update: words('Update', 'Update a task type'),
		},
	},
};

function wordsOf(resource: string, operation: string): OperationWords {
	const found = RESOURCES[resource]?.operations[operation];
	if (!found) throw new Error(`"${resource}" → "${operation}" has no words in nodes/shared/operations.ts: add a line there`);
	return found;
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/**
 * The Resource picker and each resource's Operation picker, for the operations a node routes:
 * names, actions and descriptions from the table above, in alphabetical order as n8n lists them.
 * `resourceDescriptions`: a vendor's line under a resource's name in the Resource picker.
 */
export function resourceAndOperationPickers(
	operations: OperationMap,
	resourceDescriptions: Record<string, string> = {},
): INodeProperties[] {
	const resources = Object.keys(operations);
	const resourceOptions: INodePropertyOptions[] = resources
		.map((resource) => {
			const name = RESOURCES[resource]?.name;
			if (!name) throw new Error(`Resource "${resource}" has no words in nodes/shared/operations.ts: add it there`);
			const description = resourceDescriptions[resource];
			return description ? { name, value: resource, description } : { name, value: resource };
		})
		.sort(byName);
	const operationPickers = resources.map((resource): INodeProperties => {
		const options = Object.entries(operations[resource])
			.map(([operation, module]) => {
				const { name, action, description } = wordsOf(resource, operation);
				return { name, value: operation, action, description: module.pickerDescription ?? description };
			})
			.sort(byName);
		const defaultOperation = RESOURCES[resource].defaultOperation;
		if (!options.some(({ value }) => value === defaultOperation)) {
			throw new Error(`Resource "${resource}" lacks its default operation "${defaultOperation}"`);
		}
		return {
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource] } },
			options,
			default: defaultOperation,
		};
	});
	return [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: resourceOptions,
			default: 'task',
		},
		...operationPickers,
	];
}
