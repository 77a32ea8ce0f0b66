import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execute';
import { taskLocator } from '../../../shared/descriptions';
import { apiRequest } from '../../../shared/transport/request';
import { pyrusProfile, pyrusTaskGone } from '../../api';
import { taskIdParameter } from '../fields';
import { PYRUS_TASK_LOCATOR } from '../../locator';

const show = { resource: ['task'], operation: ['delete'] };

const description: INodeProperties[] = [taskLocator({ ...PYRUS_TASK_LOCATOR, show })];

/**
 * A DELETE is repeated when its outcome is unknown (a server error, a lost answer); a repeat that
 * finds the task gone means the first attempt deleted it. A task missing at the first attempt is
 * an error.
 */
async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const taskId = taskIdParameter(this, itemIndex);
	const answer = await apiRequest.call(this, pyrusProfile, {
		method: 'DELETE',
		path: `/tasks/${taskId}`,
		itemIndex,
		doneWhenRepeatAnswers: pyrusTaskGone,
	});
	if (answer.alreadyDone) {
		return {
			deleted: true,
			note: `The first request's answer was lost or a server error; its repeat found task ${taskId} already deleted.`,
		};
	}
	return { deleted: true };
}

export const deleteTask: OperationModule = { description, execute };
