import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { authenticationPicker } from '../shared/descriptions';
import { actionNodeProperties, routeOperations } from '../shared/execute';
import { operations } from './actions/router';
import { searchTasks } from './methods/listSearch';
import { getTaskTypes, getUsers } from './methods/loadOptions';

export const authenticationProperty = authenticationPicker({ name: 'Long-Lived Token', value: 'accessToken' });

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
					'Create, find, update, complete and reopen tasks in amoCRM (Kommo), create and read their comments, and list task types',
			},
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: amoCrmCredentials,
		properties: [
			authenticationProperty,
			...actionNodeProperties(operations),
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
