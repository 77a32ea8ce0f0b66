import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { prepareItems, runBatches } from '../shared/batch';
import { type ItemResult, type OperationModule } from '../shared/execute';
import { simplifyOption, taskLocator } from '../shared/descriptions';
import { B24_MAX_BATCH, b24Batch, b24Call, batchable, commandError, credentialHolder } from './api';
import { taskIdParameter, taskOutput } from './actions/fields';
import { B24_TASK_LOCATOR } from './locator';

/** One item's REST call, or the error that kept it from being sent. */
export type PreparedCommand = { itemIndex: number; method: string; params: IDataObject } | Error;

/** Turns a command's `result` into the item's output. */
export type CommandOutput = (result: unknown, itemIndex: number) => Promise<IDataObject>;

/**
 * Runs one command per input item. A single item is one plain call; many go out as `batch`
 * calls of at most 50 commands, and each command's result or `result_error` goes back to its
 * own item. A command whose parameters hold an empty list (clearing participants...) has no
 * batch form and goes out as its own JSON call, so many items behave exactly like one.
 * Without "Continue On Fail" the batch halts at the first failing command and no further call
 * is sent (bad input stops everything before a request leaves), so a re-run repeats nothing
 * that was done after the failure. Commands refused for their method's operating-time limit
 * were not run: they go again after the wait (`b24Batch`).
 */
export async function runCommands(
	ctx: IExecuteFunctions,
	prepared: PreparedCommand[],
	output: CommandOutput,
	existing: ReadonlyMap<number, IDataObject> = new Map(),
): Promise<ItemResult[]> {
	type Command = Exclude<PreparedCommand, Error>;
	// Items whose task is in Bitrix24 already ("Skip Tasks Already Created") send no command.
	const done = new Map<number, IDataObject>();
	for (const [itemIndex, task] of existing) done.set(itemIndex, await output({ task }, itemIndex));
	let alone = false;
	let holder: Awaited<ReturnType<typeof credentialHolder>> | undefined;

	// In input order: runs of batchable commands as batches, the others one by one.
	const split = (commands: Command[]): Command[][] => {
		alone = commands.length === 1;
		const groups: Command[][] = [];
		for (const command of commands) {
			const last = groups.at(-1);
			const fits = batchable(command.params);
			if (fits && last && batchable(last[0].params) && last.length < B24_MAX_BATCH) last.push(command);
			else groups.push([command]);
		}
		return groups;
	};

	const send = async (group: Command[], stopAtFirstError: boolean): Promise<Map<number, ItemResult>> => {
		const answers = new Map<number, ItemResult>();
		if (group.length === 1 && (alone || !batchable(group[0].params))) {
			const [{ itemIndex, method, params }] = group;
			const envelope = await b24Call(ctx, method, params, { itemIndex });
			return answers.set(itemIndex, await output(envelope.result, itemIndex));
		}
		const key = (itemIndex: number) => `i${itemIndex}`;
		const answer = await b24Batch(
			ctx,
			group.map(({ itemIndex, method, params }) => ({ key: key(itemIndex), method, params })),
			{ halt: stopAtFirstError, itemIndex: group[0].itemIndex, retryRefused: true },
		);
		for (const { itemIndex, method } of group) {
			if (key(itemIndex) in answer.errors) {
				holder ??= await credentialHolder(ctx);
				answers.set(itemIndex, await commandError(ctx, answer.errors[key(itemIndex)], itemIndex, { method, holder }));
			} else if (key(itemIndex) in answer.result) {
				answers.set(itemIndex, await output(answer.result[key(itemIndex)], itemIndex));
			} else {
				answers.set(
					itemIndex,
					new NodeOperationError(ctx.getNode(), 'Bitrix24 did not run this command: an earlier command of the batch failed', {
						itemIndex,
					}),
				);
			}
		}
		return answers;
	};

	return (await runBatches(ctx, prepared, { size: B24_MAX_BATCH, split, send, done })).results;
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
		const prepared = await prepareItems(this, itemIndices, (itemIndex) => ({
			itemIndex,
			method,
			params: { taskId: taskIdParameter(this, itemIndex) },
		}));
		return await runCommands(this, prepared, taskResult(this));
	}
	return { description, executeBatch };
}
