import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readTask } from '../task/get';

/** Tasks have no comments in amoCRM: their "comments" are notes of the lead/contact/company they belong to. */
export async function linkedEntity(
	ctx: IExecuteFunctions,
	taskId: number,
	itemIndex: number,
): Promise<{ type: string; id: number; resultText: string | null }> {
	const task = await readTask(ctx, taskId, itemIndex);
	if (!task.entity_type || !task.entity_id) {
		throw new NodeOperationError(
			ctx.getNode(),
			`amoCRM: task ${taskId} is not linked to a lead, contact, company or customer, so it has nowhere to keep comments`,
			{
				itemIndex,
				description: 'amoCRM stores comments as notes of the entity a task belongs to. Link the task to an entity first, or use the task\'s result text (Complete operation).',
			},
		);
	}
	const result = task.result as { text?: unknown } | undefined;
	return {
		type: String(task.entity_type),
		id: Number(task.entity_id),
		resultText: typeof result?.text === 'string' ? result.text : null,
	};
}
