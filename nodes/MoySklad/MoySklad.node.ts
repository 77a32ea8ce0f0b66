import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { actionNodeProperties, routeOperations } from '../shared/execute';
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
					'Create, find, update, complete, reopen and delete tasks in MoySklad, create, read, update and delete their comments, and manage task types',
			},
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'moySkladApi', required: true }],
		properties: [
			...actionNodeProperties(operations),
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
