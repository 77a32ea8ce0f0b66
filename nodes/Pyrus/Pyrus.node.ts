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
import { getFormFields, getForms, getLists, getMembers } from './methods/loadOptions';

export const pyrusCredentials: INodeTypeDescription['credentials'] = [{ name: 'pyrusApi', required: true }];

export class Pyrus implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Pyrus',
		name: 'pyrus',
		icon: { light: 'file:pyrus.svg', dark: 'file:pyrus.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		// The node panel shows this node and its trigger as one entry, described by the trigger's
		// description: both carry this one (test/package/node-panel.test.ts).
		description:
			'Work with Pyrus tasks, their comments, forms and lists, and start workflows when tasks are created, updated or completed',
		defaults: { name: 'Pyrus' },
		// As an AI Agent tool: what the tools panel shows, and where "Tool Description → Set Manually"
		// starts (with "Set Automatically" the model reads the operation's action).
		usableAsTool: {
			replacements: {
				description:
					'Create, find, update, complete, reopen and delete tasks in Pyrus, add, read and edit their comments, and read forms and lists',
			},
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: pyrusCredentials,
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Comment', value: 'comment' },
					{ name: 'Form (Task Type)', value: 'form' },
					{ name: 'List', value: 'list' },
					{ name: 'Task', value: 'task' },
				],
				default: 'task',
			},
			operationProperty(
				'task',
				[
					{ name: 'Complete', value: 'complete', action: 'Complete a task', description: 'Close a task (a comment with action "finished")' },
					{ name: 'Create', value: 'create', action: 'Create a task', description: 'Create a simple task or a task from a form' },
					{ name: 'Delete', value: 'delete', action: 'Delete a task', description: 'Delete a task' },
					{ name: 'Get', value: 'get', action: 'Get a task', description: 'Get a task with its comments' },
					{ name: 'Get Many', value: 'getAll', action: 'Get many tasks', description: 'Get tasks of a form register, a list or the inbox' },
					{ name: 'Reopen', value: 'reopen', action: 'Reopen a task', description: 'Reopen a closed task (a comment with action "reopened")' },
					{ name: 'Update', value: 'update', action: 'Update a task', description: 'Change a task through a comment' },
				],
				'create',
			),
			operationProperty(
				'comment',
				[
					{ name: 'Add', value: 'create', action: 'Add a comment to a task', description: 'Add a comment to a task' },
					{ name: 'Edit', value: 'update', action: 'Edit a comment', description: 'Replace the text of a comment' },
					{ name: 'Get Many', value: 'getAll', action: 'Get many comments of a task', description: 'Get the comments of a task' },
				],
				'create',
			),
			operationProperty(
				'form',
				[
					{ name: 'Get', value: 'get', action: 'Get a form', description: 'Get a form with its fields and steps' },
					{ name: 'Get Many', value: 'getAll', action: 'Get many forms', description: 'Get the forms available to the credential\'s user' },
				],
				'getAll',
			),
			operationProperty(
				'list',
				[{ name: 'Get Many', value: 'getAll', action: 'Get many lists', description: 'Get the lists (projects) available to the credential\'s user' }],
				'getAll',
			),
			...operationParameters(operations),
		],
	};

	methods = {
		loadOptions: { getMembers, getForms, getLists, getFormFields },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperations.call(this, operations);
	}
}
