import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { prepareEach, type ItemResult, type OperationModule } from '../../shared/execute';
import { simplifyOption, taskLocator } from '../../shared/descriptions';
import { chunk } from '../../shared/paging';
import { B24_MAX_BATCH, b24Batch, b24Call, commandError } from '../api';
import { B24_TASK_LOCATOR, taskIdParameter, taskOutput } from './fields';

/** One item's REST call, or the error that kept it from being sent. */
export type PreparedCommand = { itemIndex: number; method: string; params: IDataObject } | Error;

/** Turns a command's `result` into the item's output. */
export type CommandOutput = (result: unknown, itemIndex: number) => Promise<IDataObject>;

/**
 * Runs one command per input item. A single item is one plain call; many go out as `batch`
 * calls of at most 50 commands, and each command's result or `result_error` goes back to its
 * own item. Without "Continue On Fail" the batch halts at the first failing command and no
 * further batch is sent (bad input stops everything before a request leaves), so a re-run
 * repeats nothing that was done after the failure.
 */
export async function runCommands(
	ctx: IExecuteFunctions,
	prepared: PreparedCommand[],
	output: CommandOutput,
): Promise<ItemResult[]> {
	const results: ItemResult[] = prepared.map((entry) => (entry instanceof Error ? entry : {}));
	const commands = prepared.filter((entry): entry is Exclude<PreparedCommand, Error> => !(entry instanceof Error));
	const stopAtFirstError = !ctx.continueOnFail();
	if (stopAtFirstError && commands.length < prepared.length) return results;

	if (commands.length === 1) {
		const [{ itemIndex, method, params }] = commands;
		try {
			const envelope = await b24Call(ctx, method, params, { itemIndex });
			results[itemIndex] = await output(envelope.result, itemIndex);
		} catch (error) {
			results[itemIndex] = error as Error;
		}
		return results;
	}

	for (const group of chunk(commands, B24_MAX_BATCH)) {
		if (stopAtFirstError && results.some((result) => result instanceof Error)) break;
		const key = (itemIndex: number) => `i${itemIndex}`;
		let answer;
		try {
			answer = await b24Batch(
				ctx,
				group.map(({ itemIndex, method, params }) => ({ key: key(itemIndex), method, params })),
				{ halt: stopAtFirstError, itemIndex: group[0].itemIndex },
			);
		} catch (error) {
			for (const { itemIndex } of group) results[itemIndex] = error as Error;
			continue;
		}
		for (const { itemIndex } of group) {
			if (key(itemIndex) in answer.errors) {
				results[itemIndex] = commandError(ctx.getNode(), answer.errors[key(itemIndex)], itemIndex);
			} else if (key(itemIndex) in answer.result) {
				results[itemIndex] = await output(answer.result[key(itemIndex)], itemIndex);
			} else {
				results[itemIndex] = new NodeOperationError(
					ctx.getNode(),
					'Bitrix24 did not run this command: an earlier command of the batch failed',
					{ itemIndex },
				);
			}
		}
	}
	return results;
}

/** The task of a `{ task: {...} }` answer, raw or simplified. */
export function taskResult(ctx: IExecuteFunctions): CommandOutput {
	return async (result, itemIndex) => {
		const task = (result as IDataObject | undefined)?.task;
		if (task === null || typeof task !== 'object') {
			throw new NodeOperationError(ctx.getNode(), 'Bitrix24 returned no task', { itemIndex });
		}
		return await taskOutput(ctx, itemIndex, task as IDataObject);
	};
}

/**
 * A status method that takes only the task (complete, renew, start, pause, defer, approve,
 * disapprove): one command per item, answered with the whole task.
 */
export function statusOperation(operation: string, method: string, label: string): OperationModule {
	const show = { resource: ['task'], operation: [operation] };
	const description: INodeProperties[] = [
		taskLocator({ ...B24_TASK_LOCATOR, show, description: `The task to ${label}` }),
		simplifyOption(show),
	];
	async function executeBatch(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]> {
		const prepared = prepareEach(itemIndices, (itemIndex) => ({
			itemIndex,
			method,
			params: { taskId: taskIdParameter(this, itemIndex) },
		}));
		return await runCommands(this, prepared, taskResult(this));
	}
	return { description, executeBatch };
}
