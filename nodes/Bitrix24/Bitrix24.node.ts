import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { operationParameters, operationProperty, type OperationOption } from '../shared/descriptions';
import { routeOperations } from '../shared/execute';
import { operations } from './actions/router';
import { bitrix24CredentialTest } from './methods/credentialTest';
import { searchTasks } from './methods/listSearch';
import { getGroups, getTaskFields, getUsers } from './methods/loadOptions';

export const authenticationProperty: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'Inbound Webhook', value: 'webhook' },
		{ name: 'OAuth2', value: 'oAuth2' },
	],
	default: 'webhook',
};

const op = (name: string, value: string, action: string, description: string): OperationOption => ({ name, value, action, description });

export class Bitrix24 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bitrix24',
		name: 'bitrix24',
		icon: { light: 'file:bitrix24.svg', dark: 'file:bitrix24.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		// The node panel shows this node and its trigger as one entry, described by the trigger's
		// description: both carry this one (test/package/node-panel.test.ts).
		description:
			'Work with Bitrix24 tasks, their comments, statuses and fields, and start workflows when tasks are created, updated or completed',
		defaults: { name: 'Bitrix24' },
		// As an AI Agent tool: what the tools panel shows, and where "Tool Description → Set Manually"
		// starts (with "Set Automatically" the model reads the operation's action).
		usableAsTool: {
			replacements: {
				description:
					'Create, find, update, complete, reopen and delete tasks in Bitrix24, start, pause, defer, delegate and approve them, add and read their comments, and read task statuses, priorities and fields',
			},
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Written out in each node (n8n's lint reads them there). The webhook is tested by a
		// function that reads its scopes; n8n tests OAuth2 credentials by their own request.
		credentials: [
			{ name: 'bitrix24WebhookApi', required: true, testedBy: 'bitrix24CredentialTest', displayOptions: { show: { authentication: ['webhook'] } } },
			{ name: 'bitrix24OAuth2Api', required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
		],
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
					{ name: 'Task Type', value: 'taskType', description: 'Statuses, priorities and fields of tasks' },
				],
				default: 'task',
			},
			operationProperty(
				'task',
				[
					op('Approve', 'approve', 'Approve a task', 'Accept the result of a task under control'),
					op('Complete', 'complete', 'Complete a task', 'Mark a task as completed'),
					op('Create', 'create', 'Create a task', 'Create a task'),
					op('Defer', 'defer', 'Defer a task', 'Put a task off'),
					op('Delegate', 'delegate', 'Delegate a task', 'Hand a task to another responsible user'),
					op('Delete', 'delete', 'Delete a task', 'Delete a task'),
					op('Disapprove', 'disapprove', 'Disapprove a task', 'Send a task under control back for rework'),
					op('Get', 'get', 'Get a task', 'Get a task'),
					op('Get Many', 'getAll', 'Get many tasks', 'Get many tasks'),
					op('Pause', 'pause', 'Pause a task', 'Stop work on a task (back to pending)'),
					op('Reopen', 'reopen', 'Reopen a task', 'Renew a completed task'),
					op('Start', 'start', 'Start a task', 'Start work on a task'),
					op('Update', 'update', 'Update a task', 'Change fields of a task'),
				],
				'create',
			),
			operationProperty(
				'comment',
				[
					op('Add', 'create', 'Add a comment to a task', 'Add a comment, or a message to the task chat on the new task card'),
					op('Get Many', 'getAll', 'Get many comments of a task', 'Get the comments or the task chat messages'),
				],
				'create',
			),
			operationProperty(
				'taskType',
				[op('Get Many', 'getAll', 'Get task statuses, priorities or fields', 'Get statuses, priorities or the portal\'s task fields')],
				'getAll',
			),
			...operationParameters(operations),
		],
	};

	methods = {
		loadOptions: { getUsers, getGroups, getTaskFields },
		listSearch: { searchTasks },
		credentialTest: { bitrix24CredentialTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperations.call(this, operations);
	}
}
