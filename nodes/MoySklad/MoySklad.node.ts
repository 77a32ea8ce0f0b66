import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { operationParameters, operationProperty } from '../shared/descriptions';
import { routeOperations } from '../shared/execute';
import { operations } from './actions/router';
import { searchCounterparties, searchTasks } from './methods/listSearch';
import { getEmployees, getTaskStateNames, getTaskStates } from './methods/loadOptions';

export class MoySklad implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MoySklad',
		name: 'moySklad',
		icon: { light: 'file:moysklad.svg', dark: 'file:moysklad.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		// The node panel shows this node and its trigger as one entry, described by the trigger's
		// description: both carry this one (test/package/node-panel.test.ts).
		description:
			'Work with MoySklad tasks, their comments and task types, and start workflows when tasks are created, updated or completed',
		defaults: { name: 'MoySklad' },
		// As an AI Agent tool: what the tools panel shows, and where "Tool Description → Set Manually"
		// starts (with "Set Automatically" the model reads the operation's action).
		usableAsTool: {
			replacements: {
				description:
					'Create, find, update, complete, reopen and delete tasks in MoySklad, add, read, edit and delete their comments, and manage task types',
			},
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'moySkladApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Comment', value: 'comment' },
					{ name: 'Task', value: 'task' },
					{ name: 'Task Type', value: 'taskType' },
				],
				default: 'task',
			},
			operationProperty(
				'task',
				[
					{ name: 'Complete', value: 'complete', action: 'Complete a task', description: 'Mark a task as done' },
					{ name: 'Create', value: 'create', action: 'Create a task', description: 'Create a task' },
					{ name: 'Delete', value: 'delete', action: 'Delete a task', description: 'Delete a task' },
					{ name: 'Get', value: 'get', action: 'Get a task', description: 'Get a task' },
					{ name: 'Get Many', value: 'getAll', action: 'Get many tasks', description: 'Get many tasks' },
					{ name: 'Reopen', value: 'reopen', action: 'Reopen a task', description: 'Mark a done task as open again' },
					{ name: 'Update', value: 'update', action: 'Update a task', description: 'Update a task' },
				],
				'create',
			),
			operationProperty(
				'comment',
				[
					{ name: 'Create', value: 'create', action: 'Add a comment to a task', description: 'Add a comment to a task' },
					{ name: 'Delete', value: 'delete', action: 'Delete a comment of a task', description: 'Delete a comment' },
					{ name: 'Get', value: 'get', action: 'Get a comment of a task', description: 'Get a comment' },
					{ name: 'Get Many', value: 'getAll', action: 'Get many comments of a task', description: 'Get the comments of a task' },
					{ name: 'Update', value: 'update', action: 'Update a comment of a task', description: 'Change a comment\'s text' },
				],
				'create',
			),
			operationProperty(
				'taskType',
				[
					{ name: 'Create', value: 'create', action: 'Create a task type', description: 'Create a task type' },
					{ name: 'Delete', value: 'delete', action: 'Delete a task type', description: 'Delete a task type' },
					{ name: 'Get Many', value: 'getAll', action: 'Get many task types', description: 'Get the account\'s task types' },
					{ name: 'Update', value: 'update', action: 'Update a task type', description: 'Rename or recolour a task type' },
				],
				'getAll',
			),
			...operationParameters(operations),
		],
	};

	methods = {
		loadOptions: { getEmployees, getTaskStates, getTaskStateNames },
		listSearch: { searchTasks, searchCounterparties },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperations.call(this, operations);
	}
}
