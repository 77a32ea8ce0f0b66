import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { pyrusRequest } from '../../api';
import { answerTask } from '../fields';

/**
 * Every change to a Pyrus task is a comment: posts one and returns the updated task.
 * Never repeated by the helper (a POST): a lost answer leaves its outcome unknown.
 */
export async function postComment(ctx: IExecuteFunctions, taskId: number, body: IDataObject, itemIndex: number): Promise<IDataObject> {
	return answerTask(ctx, itemIndex, await pyrusRequest.call(ctx, 'POST', `/tasks/${taskId}/comments`, { body, itemIndex }));
}
