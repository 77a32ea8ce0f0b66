import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { prepareItems } from '../../../shared/batch';
import { type ItemResult, type OperationModule } from '../../../shared/execute';
import { simplifyOption, taskLocator } from '../../../shared/descriptions';
import { parseNumericId } from '../../../shared/validation';
import { runCommands, taskResult } from '../../write';
import { inputContext, taskIdParameter } from '../fields';
import { B24_TASK_LOCATOR } from '../../locator';

const show = { resource: ['task'], operation: ['delegate'] };

const description: INodeProperties[] = [
	taskLocator({ ...B24_TASK_LOCATOR, show }),
	{
		displayName: 'New Responsible User Name or ID',
		name: 'userId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getUsers' },
		default: '',
		required: true,
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		displayOptions: { show },
	},
	simplifyOption(show),
];

/** Hands the task to another user (tasks.task.delegate). */
async function executeBatch(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]> {
	const prepared = await prepareItems(this, itemIndices, (itemIndex) => ({
		itemIndex,
		method: 'tasks.task.delegate',
		params: {
			taskId: taskIdParameter(this, itemIndex),
			userId: parseNumericId(inputContext(this, itemIndex), 'New Responsible User', this.getNodeParameter('userId', itemIndex, '')),
		},
	}));
	return await runCommands(this, prepared, taskResult(this));
}

export const delegate: OperationModule = { description, executeBatch };
