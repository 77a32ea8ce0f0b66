import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { operationParameters } from './descriptions';
import { resourceAndOperationPickers } from './operations';

/** What one input item produced: one output object, several, or the error it failed with. */
export type ItemResult = IDataObject | IDataObject[] | Error;

/**
 * One operation of a node, in its own file. Either `execute` runs one item at a time, or
 * `executeBatch` takes every input item at once (vendor bulk calls) and answers for each.
 */
export interface OperationModule {
	description: INodeProperties[];
	/**
	 * The vendor's line under the operation's name in the Operation picker, where it says something
	 * true of this vendor that the shared one (nodes/shared/operations.ts) does not.
	 */
	pickerDescription?: string;
	execute?(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject | IDataObject[]>;
	/**
	 * How many items `execute` may run at once: for operations whose items are independent
	 * requests (a vendor without a bulk call). Only with "Continue On Fail": without it the run
	 * ends at the first failing item, and no item after it may have been sent. Default 1.
	 */
	concurrency?(this: IExecuteFunctions): number;
	executeBatch?(this: IExecuteFunctions, itemIndices: number[]): Promise<ItemResult[]>;
}

export type OperationMap = Record<string, Record<string, OperationModule>>;

/**
 * An action node's parameters after its authentication: the Resource and Operation pickers, then
 * each operation's own parameters, all from its operation files.
 */
export function actionNodeProperties(
	operations: OperationMap,
	resourceDescriptions?: Record<string, string>,
): INodeProperties[] {
	return [...resourceAndOperationPickers(operations, resourceDescriptions), ...operationParameters(operations)];
}

/** n8n's own error types pass as they are; anything else is wrapped with its item. */
function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

function errorJson(error: Error): IDataObject {
	const description = (error as { description?: unknown }).description;
	return typeof description === 'string' && description !== ''
		? { error: error.message, description }
		: { error: error.message };
}

/**
 * Runs `execute` over the items with up to `concurrency` at once ("Continue On Fail" only), each
 * result in its item's place. The first item runs alone: what later items share (a token the
 * credential fetches, a form's schema) is then in hand once, not fetched by each at the same time.
 */
async function executeConcurrently(
	ctx: IExecuteFunctions,
	module: OperationModule,
	indices: number[],
	concurrency: number,
): Promise<ItemResult[]> {
	const results: ItemResult[] = new Array<ItemResult>(indices.length);
	const runItem = async (position: number): Promise<void> => {
		const index = indices[position];
		try {
			results[position] = await module.execute!.call(ctx, index);
		} catch (error) {
			results[position] = asNodeError(ctx, error, index);
		}
	};
	if (indices.length === 0) return results;
	await runItem(0);
	let next = 1;
	const worker = async (): Promise<void> => {
		while (next < indices.length) await runItem(next++);
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, indices.length - 1) }, worker));
	return results;
}

/**
 * Runs the chosen operation over the input items. Every output item carries `pairedItem`;
 * with "Continue on fail", a failing item becomes `{ error }` and the others go on.
 */
export async function routeOperations(
	this: IExecuteFunctions,
	operations: OperationMap,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const module = operations[resource]?.[operation];
	if (!module) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	const indices = items.map((_, index) => index);

	let results: ItemResult[];
	if (module.executeBatch) {
		try {
			results = await module.executeBatch.call(this, indices);
		} catch (error) {
			// The whole batch failed (nothing answered per item): every item carries the error,
			// so "Continue on fail" gives each its { error } instead of n8n passing the input on.
			results = indices.map(() => error as Error);
		}
		// An item the batch did not answer for is not silently dropped.
		results = indices.map(
			(index) =>
				results[index] ??
				new NodeOperationError(this.getNode(), 'The operation returned no result for this item', { itemIndex: index }),
		);
	} else {
		const concurrency = module.concurrency && this.continueOnFail() ? Math.max(1, Math.floor(module.concurrency.call(this))) : 1;
		results = concurrency > 1 ? await executeConcurrently(this, module, indices, concurrency) : [];
		if (concurrency === 1) {
			for (const index of indices) {
				try {
					results.push(await module.execute!.call(this, index));
				} catch (error) {
					results.push(asNodeError(this, error, index));
					if (!this.continueOnFail()) break;
				}
			}
		}
	}

	const out: INodeExecutionData[] = [];
	results.forEach((result, index) => {
		const pairedItem = { item: index };
		if (result instanceof Error) {
			if (!this.continueOnFail()) throw asNodeError(this, result, index);
			out.push({ json: errorJson(result), pairedItem });
			return;
		}
		for (const json of Array.isArray(result) ? result : [result]) out.push({ json, pairedItem });
	});
	return [out];
}
