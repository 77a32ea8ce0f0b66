import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { returnAllAndLimit, returnAllAndLimitValues, taskLocator } from '../../../shared/descriptions';
import { taskIdParameter } from '../fields';
import { PYRUS_TASK_LOCATOR } from '../../locator';
import { readTask } from '../task/get';

const show = { resource: ['comment'], operation: ['getAll'] };

const description: INodeProperties[] = [taskLocator({ ...PYRUS_TASK_LOCATOR, show }), ...returnAllAndLimit(show)];

/** The task's comments, oldest first, as the task read returns them. */
async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const taskId = taskIdParameter(this, itemIndex);
	const { returnAll, limit } = returnAllAndLimitValues(this, itemIndex);
	const task = await readTask(this, taskId, itemIndex);
	const comments = ((task.comments as IDataObject[] | undefined) ?? []).map((comment) => ({ ...comment, task_id: task.id }));
	return returnAll ? comments : comments.slice(0, limit);
}

export const getAll: OperationModule = { description, execute };
