import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { authenticationPicker } from '../shared/descriptions';
import { actionNodeProperties, routeOperations } from '../shared/execute';
import { operations } from './actions/router';
import { bitrix24CredentialTest } from './methods/credentialTest';
import { searchTasks } from './methods/listSearch';
import { getGroups, getTaskFields, getUsers } from './methods/loadOptions';

export const authenticationProperty = authenticationPicker({ name: 'Inbound Webhook', value: 'webhook' });

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
					'Create, find, update, complete, reopen and delete tasks in Bitrix24, start, pause, defer, delegate and approve them, create and read their comments, and read task statuses, priorities and fields',
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
			...actionNodeProperties(operations, { taskType: 'Statuses, priorities and fields of tasks' }),
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
