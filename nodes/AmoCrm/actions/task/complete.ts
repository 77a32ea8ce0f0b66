import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { prepareEach, type ItemResult, type OperationModule } from '../../../shared/execute';
import { simplifyOption, taskLocator } from '../../../shared/descriptions';
import { outputs, writeTasks } from '../bulk';
import { taskIdParameter } from '../fields';
import { AMO_TASK_LOCATOR } from '../locator';

const show = { resource: ['task'], operation: ['complete'] };

const description: INodeProperties[] = [
	taskLocator({ ...AMO_TASK_LOCATOR, show }),
	{
		displayName: 'Result Text',
		name: 'resultText',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description: 'The outcome of the task, shown in amoCRM with the completed task',
		displayOptions: { show },
	},
	simplifyOption(show),
];

/** Completes one task per input item, with an optional result text; 50 per request. */
async function executeBatch(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]> {
	const prepared = prepareEach(itemIndices, (itemIndex) => {
		const id = taskIdParameter(this, itemIndex);
		const resultText = String(this.getNodeParameter('resultText', itemIndex, '') ?? '');
		return {
			itemIndex,
			body: { id, is_completed: true, ...(resultText !== '' ? { result: { text: resultText } } : {}) },
		};
	});
	return await outputs(this, await writeTasks(this, 'PATCH', prepared));
}

export const complete: OperationModule = { description, executeBatch };
