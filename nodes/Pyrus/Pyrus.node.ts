import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { actionNodeProperties, routeOperations } from '../shared/execute';
import { operations } from './actions/router';
import { searchTasks } from './methods/listSearch';
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
					'Create, find, update, complete, reopen and delete tasks in Pyrus, create, read and update their comments, and read forms and lists',
			},
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: pyrusCredentials,
		properties: [
			...actionNodeProperties(operations),
		],
	};

	methods = {
		loadOptions: { getMembers, getForms, getLists, getFormFields },
		listSearch: { searchTasks },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await routeOperations.call(this, operations);
	}
}
