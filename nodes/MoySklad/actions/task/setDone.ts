import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { simplifyOption, taskLocator } from '../../../shared/descriptions';
import { prepareItems } from '../../../shared/batch';
import { type ItemResult, type OperationModule } from '../../../shared/execute';
import { metaRef } from '../../api';
import { TASK_WRITES, baseUrlOf, sendBulk, taskOutputs } from '../../write';
import { taskIdParameter } from '../fields';
import { MS_TASK_LOCATOR } from '../../locator';

/** Complete (done: true) or reopen (done: false): one bulk array for all items. */
export function setDoneOperation(operation: 'complete' | 'reopen'): OperationModule {
	const show = { resource: ['task'], operation: [operation] };
	const description: INodeProperties[] = [taskLocator({ ...MS_TASK_LOCATOR, show }), simplifyOption(show)];
	const done = operation === 'complete';

	async function executeBatch(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]> {
		const baseUrl = await baseUrlOf(this);
		const prepared = await prepareItems(this, itemIndices, (itemIndex) => ({
			itemIndex,
			body: { ...metaRef(baseUrl, 'task', taskIdParameter(this, itemIndex)), done },
		}));
		return taskOutputs(this, await sendBulk(this, TASK_WRITES, prepared));
	}

	return { description, executeBatch };
}
