import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ItemResult } from '../../shared/execute';
import { chunk } from '../../shared/paging';
import { MS_MAX_BATCH, describeErrors, moySkladBaseUrl, moySkladHint, msRequest, profileOf, simplifyMoySkladTask, vendorErrors } from '../api';

/** One item's element of a bulk call, or the error that kept it out. */
export type Prepared<T = IDataObject> = { itemIndex: number; body: T } | Error;

/**
 * Prepares each item's element in turn; preparing may read (task types given by name). An
 * item's error becomes its result; without "Continue On Fail" the first one ends the
 * preparing, so that the failing run sends nothing more.
 */
export async function prepareEachInTurn<T>(
	ctx: IExecuteFunctions,
	indices: number[],
	prepare: (itemIndex: number) => Promise<T>,
): Promise<Array<T | Error>> {
	const prepared: Array<T | Error> = [];
	for (const index of indices) {
		try {
			prepared.push(await prepare(index));
		} catch (error) {
			prepared.push(error as Error);
			if (!ctx.continueOnFail()) break;
		}
	}
	return prepared;
}

/** The base URL of the node's credential, for building references. */
export async function baseUrlOf(ctx: IExecuteFunctions): Promise<string> {
	return moySkladBaseUrl((await profileOf(ctx)).credentials);
}

/** An element of a bulk answer that carries `errors` instead of an entity. */
function elementError(ctx: IExecuteFunctions, itemIndex: number, element: unknown, what: string): NodeApiError {
	const message = describeErrors(vendorErrors(element));
	// Element errors carry no status of their own: the code decides the hint.
	const hint = moySkladHint(0, { message });
	return new NodeApiError(ctx.getNode(), (element ?? {}) as JsonObject, {
		message: `MoySklad rejected this ${what}: ${message}`,
		description: `${hint ? `${hint} ` : ''}MoySklad answered this element of a bulk request with an error; the other elements were processed on their own.`,
		itemIndex,
	});
}

/**
 * Sends the items' elements as arrays of at most 1000 to one bulk endpoint, and gives every
 * item its own element of the answer (same order) or that element's `errors`. Bad input of
 * any item stops everything before a request leaves unless "Continue On Fail" is on.
 */
export async function sendBulk(
	ctx: IExecuteFunctions,
	path: string,
	prepared: Prepared[],
	what: string,
): Promise<ItemResult[]> {
	const results: ItemResult[] = prepared.map((entry) => (entry instanceof Error ? entry : {}));
	const stopAtFirstError = !ctx.continueOnFail();
	if (stopAtFirstError && results.some((result) => result instanceof Error)) return results;
	const elements = prepared.filter((entry): entry is { itemIndex: number; body: IDataObject } => !(entry instanceof Error));

	for (const group of chunk(elements, MS_MAX_BATCH)) {
		// Without "Continue On Fail" the node fails at the first failing item: send no more.
		if (stopAtFirstError && results.some((result) => result instanceof Error)) break;
		try {
			const response = await msRequest<unknown>(ctx, 'POST', path, {
				body: group.map(({ body }) => body),
				itemIndex: group[0].itemIndex,
			});
			const answers = Array.isArray(response.body) ? (response.body as IDataObject[]) : [];
			group.forEach(({ itemIndex }, position) => {
				const answer = answers[position];
				if (answer === undefined) {
					results[itemIndex] = new NodeOperationError(ctx.getNode(), `MoySklad did not answer for this ${what}`, { itemIndex });
				} else if (vendorErrors(answer).length > 0) {
					results[itemIndex] = elementError(ctx, itemIndex, answer, what);
				} else {
					results[itemIndex] = answer;
				}
			});
		} catch (error) {
			for (const { itemIndex } of group) results[itemIndex] = error as Error;
		}
	}
	return results;
}

/**
 * Deletes the items' entities: one alone with DELETE, several with the mass-delete call
 * (`<path>/delete` with their metas), each element's `errors` going to its own item.
 */
export async function deleteMany(
	ctx: IExecuteFunctions,
	collectionPath: string,
	prepared: Array<{ itemIndex: number; id: string; ref: IDataObject } | Error>,
	what: string,
): Promise<ItemResult[]> {
	const valid = prepared.filter((entry): entry is { itemIndex: number; id: string; ref: IDataObject } => !(entry instanceof Error));
	if (valid.length === 1 && prepared.length === 1) {
		const [{ itemIndex, id }] = valid;
		await msRequest(ctx, 'DELETE', `${collectionPath}/${id}`, { itemIndex });
		return [{ deleted: true }];
	}
	const results = await sendBulk(
		ctx,
		`${collectionPath}/delete`,
		prepared.map((entry) => (entry instanceof Error ? entry : { itemIndex: entry.itemIndex, body: entry.ref })),
		what,
	);
	return results.map((result) => (result instanceof Error ? result : { deleted: true }));
}

/** The task as output: raw, or in the common shape when "Simplify" is on. */
export function taskOutput(ctx: IExecuteFunctions, itemIndex: number, task: IDataObject): IDataObject {
	const simplify = ctx.getNodeParameter('simplify', itemIndex, false) as boolean;
	if (!simplify || task.id === undefined) return task;
	return simplifyMoySkladTask(task, ctx.getTimezone()) as unknown as IDataObject;
}

/** Applies "Simplify" to the results of a bulk write. */
export function taskOutputs(ctx: IExecuteFunctions, results: ItemResult[]): ItemResult[] {
	return results.map((result, itemIndex) =>
		result instanceof Error || Array.isArray(result) ? result : taskOutput(ctx, itemIndex, result),
	);
}
