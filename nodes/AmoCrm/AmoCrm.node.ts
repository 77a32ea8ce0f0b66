import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { operationParameters, operationProperty } from '../shared/descriptions';
import { routeOperations } from '../shared/execute';
import { operations } from './actions/router';
import { searchTasks } from './methods/listSearch';
import { getTaskTypes, getUsers } from './methods/loadOptions';

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'Long-Lived Token', value: 'accessToken' },
		{ name: 'OAuth2', value: 'oAuth2' },
	],
	default: 'accessToken',
};

export const amoCrmCredentials: INodeTypeDescription['credentials'] = [
	{ name: 'amoCrmApi', required: true, displayOptions: { show: { authentication: ['accessToken'] } } },
	{ name: 'amoCrmOAuth2Api', required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
];

export class AmoCrm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'amoCRM (Kommo)',
		name: 'amoCrm',
		icon: { light: 'file:amocrm.svg', dark: 'file:amocrm.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		// The node panel shows this node and its trigger as one entry, described by the trigger's
		// description: both carry this one (test/package/node-panel.test.ts).
		description:
			'Work with amoCRM (Kommo) tasks, their comments and task types, and start workflows when tasks are created, updated or completed',
		defaults: { name: 'amoCRM' },
		// As an AI Agent tool: what the tools panel shows, and where "Tool Description → Set Manually"
		// starts (with "Set Automatically" the model reads the operation's action).
		usableAsTool: {
			replacements: {
				description:
					'Create, find, update, complete and reopen tasks in amoCRM (Kommo), add and read their comments, and list task types',
			},
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: amoCrmCredentials,
		properties: [
			authenticationProperty,
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
					{ name: 'Complete', value: 'complete', action: 'Complete a task', description: 'Mark a task as completed, with a result text' },
					{ name: 'Create', value: 'create', action: 'Create a task', description: 'Create a task' },
					{ name: 'Get', value: 'get', action: 'Get a task', description: 'Get a task' },
					{ name: 'Get Many', value: 'getAll', action: 'Get many tasks', description: 'Get many tasks' },
					{ name: 'Reopen', value: 'reopen', action: 'Reopen a task', description: 'Mark a completed task as open again' },
					{ name: 'Update', value: 'update', action: 'Update a task', description: 'Update a task (amoCRM cannot delete tasks through its API)' },
				],
				'create',
			),
			operationProperty(
				'comment',
				[
					{ name: 'Add', value: 'create', action: 'Add a comment to a task', description: 'Add a note to the lead, contact or company the task belongs to' },
					{ name: 'Get Many', value: 'getAll', action: 'Get many comments of a task', description: 'Get the notes of the lead, contact or company the task belongs to' },
				],
				'create',
			),
			operationProperty(
				'taskType',
				[{ name: 'Get Many', value: 'getAll', action: 'Get many task types', description: 'Get the account\'s task types' }],
				'getAll',
			),
			...operationParameters(operations),
		],
	};

	methods = {
		loadOptions: { getUsers, getTaskTypes },
		listSearch: { searchTasks },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperations.call(this, operations);
	}
}
