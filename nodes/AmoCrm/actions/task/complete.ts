import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { prepareItems } from '../../../shared/batch';
import { type ItemResult, type OperationModule } from '../../../shared/execute';
import { simplifyOption, taskLocator } from '../../../shared/descriptions';
import { outputs, writeTasks } from '../../write';
import { taskIdParameter } from '../fields';
import { AMO_TASK_LOCATOR } from '../../locator';

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

/**
 * amoCRM tasks API, «Выполнение задачи»
 * (https://www.amocrm.ru/developers/content/crm_platform/tasks-api#tasks-complete): a task is
 * completed by sending `is_completed` and `result` together. With a result text both go in one
 * element; without one, `is_completed` goes alone (whether amoCRM accepts that is undocumented),
 * and a refusal names the parameter to fill in.
 */
function resultHint(paths: string[], body: IDataObject): string | undefined {
	const aboutResult = paths.some((path) => path === 'result' || path.startsWith('result.'));
	return aboutResult && body.result === undefined ? 'amoCRM wants a result to complete this task: fill in "Result Text"' : undefined;
}

/** Completes one task per input item, with an optional result text; 50 per request. */
async function executeBatch(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]> {
	const prepared = await prepareItems(this, itemIndices, (itemIndex) => {
		const id = taskIdParameter(this, itemIndex);
		const resultText = String(this.getNodeParameter('resultText', itemIndex, '') ?? '');
		return {
			itemIndex,
			body: { id, is_completed: true, ...(resultText !== '' ? { result: { text: resultText } } : {}) },
		};
	});
	return await outputs(this, await writeTasks(this, 'PATCH', prepared, { rejectionHint: resultHint }));
}

export const complete: OperationModule = {
	description,
	pickerDescription: 'Mark a task as completed, with a result text',
	executeBatch,
};
