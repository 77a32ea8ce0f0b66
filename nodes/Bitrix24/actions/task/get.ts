import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { simplifyOption, taskLocator } from '../../../shared/descriptions';
import type { RequestContext } from '../../../shared/transport/types';
import { b24Call } from '../../api';
import { taskIdParameter, taskOutput } from '../fields';
import { B24_TASK_LOCATOR } from '../../locator';
import { selectOf } from './getAll';

const show = { resource: ['task'], operation: ['get'] };

const description: INodeProperties[] = [
	taskLocator({ ...B24_TASK_LOCATOR, show }),
	{
		displayName: 'Custom Field Names or IDs',
		name: 'customFields',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getTaskFields' },
		default: [],
		description:
			'Fields beyond the standard ones, such as UF_ custom fields (which Bitrix24 returns only when named). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show },
	},
	simplifyOption(show),
];

/** One task by id (`select: ['*', ...]`: every standard field plus the named ones). */
export async function readTask(ctx: RequestContext, id: number, select: string[], itemIndex?: number): Promise<IDataObject> {
	const envelope = await b24Call(ctx, 'tasks.task.get', { taskId: id, select }, { read: true, itemIndex });
	const task = (envelope.result as IDataObject | undefined)?.task;
	if (task === null || typeof task !== 'object' || Array.isArray(task)) {
		throw new NodeOperationError(ctx.getNode(), `Bitrix24: task ${id} was not found`, { itemIndex });
	}
	return task as IDataObject;
}

async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const id = taskIdParameter(this, itemIndex);
	const custom = this.getNodeParameter('customFields', itemIndex, []);
	const extra = (Array.isArray(custom) && custom.length ? selectOf(this, itemIndex, custom, 'Custom Fields') : []).filter((f) => f !== 'ID');
	const task = await readTask(this, id, ['*', ...extra], itemIndex);
	return await taskOutput(this, itemIndex, task);
}

export const get: OperationModule = { description, execute };
