import { createHash } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ItemResult } from '../shared/execute';
import { runBatches } from '../shared/batch';
import type { RawResponse } from '../shared/transport/types';
import {
	MS_MAX_BATCH,
	describeErrors,
	moySkladBaseUrl,
	moySkladHint,
	msRequest,
	profileOf,
	refId,
	vendorErrors,
} from './api';
import { simplifyMoySkladTask } from './shape';

/** One item's element of a bulk call, or the error that kept it out. */
export type Prepared<T = IDataObject> = { itemIndex: number; body: T } | Error;

/** A bulk endpoint: where the arrays go and how its elements are named in messages. */
export interface BulkCall {
	/** Collection path the arrays are POSTed to (`entity/task`, `entity/task/delete`...). */
	path: string;
	/** What one element is: "task", "task type". */
	what: string;
	/** What MoySklad did to an element that has no `errors`: "Saved" (default), "Deleted". */
	done?: string;
}

/**
 * Task creates and updates (complete and reopen are updates of `done`): «Массовое создание и
 * обновление Задач», https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-zadacha.
 */
export const TASK_WRITES: BulkCall = { path: 'entity/task', what: 'task' };

/** The base URL of the node's credential, for building references. */
export async function baseUrlOf(ctx: IExecuteFunctions): Promise<string> {
	return moySkladBaseUrl((await profileOf(ctx)).credentials);
}

/** An element of a bulk answer that carries `errors` instead of an entity. */
function elementError(ctx: IExecuteFunctions, itemIndex: number, element: unknown, what: string, status: number): NodeApiError {
	const message = describeErrors(vendorErrors(element));
	// Element errors carry no status of their own: the code decides the hint.
	const hint = moySkladHint(0, { message });
	return new NodeApiError(ctx.getNode(), (element ?? {}) as JsonObject, {
		message: `MoySklad rejected this ${what}: ${message}`,
		description: `${hint ? `${hint} ` : ''}MoySklad answered this element of a bulk request with an error; the other elements were processed on their own.`,
		httpCode: status >= 400 ? String(status) : undefined,
		itemIndex,
	});
}

/**
 * A bulk answer is read element by element whatever its status: MoySklad answers an array in
 * which some elements failed with 4xx (the client wmakeev/moysklad met 400), and the elements
 * without `errors` were still processed (https://github.com/wmakeev/moysklad, README
 * «MoyskladCollectionError»; MoySklad documents no status for it).
 */
function isElementAnswer(response: RawResponse): boolean {
	return response.statusCode < 500 && Array.isArray(response.body);
}

/**
 * Elements saved by an earlier try of the same run of the node, for n8n's "Retry On Fail": n8n
 * runs the node again on the same input items (the same array, n8n-core 2.x), and what the first
 * try saved must not be sent again. Keyed by that array, so it goes with the execution.
 */
const savedByRun = new WeakMap<object, Map<string, IDataObject>>();

function savedInThisRun(ctx: IExecuteFunctions): Map<string, IDataObject> {
	const items: INodeExecutionData[] = ctx.getInputData();
	let saved = savedByRun.get(items);
	if (!saved) {
		saved = new Map();
		savedByRun.set(items, saved);
	}
	return saved;
}

/** One element as sent: a changed element (another expression value) is another write. */
function elementKey(ctx: IExecuteFunctions, path: string, itemIndex: number, body: IDataObject): string {
	return createHash('sha1').update(JSON.stringify([ctx.getNode().name, path, itemIndex, body])).digest('hex');
}

/** "3, 5–7" for the item indices 3, 5, 6, 7. */
function itemRanges(indices: number[]): string {
	const parts: string[] = [];
	for (let i = 0; i < indices.length; i++) {
		let j = i;
		while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
		parts.push(j === i ? String(indices[i]) : `${indices[i]}–${indices[j]}`);
		i = j;
	}
	return parts.join(', ');
}

/**
 * Without "Continue On Fail" the run fails at its first failing item and n8n keeps none of the
 * output: that error then says which items MoySklad already wrote (with their ids) and which
 * were never sent, so that nobody sends a saved one again.
 */
function tellWhatWasWritten(
	results: ItemResult[],
	written: Array<{ itemIndex: number; id: string }>,
	notSent: number[],
	call: BulkCall,
): void {
	const first = results.find((result): result is Error => result instanceof Error);
	if (!first || (written.length === 0 && notSent.length === 0)) return;
	const lines: string[] = [];
	if (written.length > 0) {
		const list = [...written]
			.sort((a, b) => a.itemIndex - b.itemIndex)
			.map(({ itemIndex, id }) => `item ${itemIndex} (${call.what} ${id})`)
			.join(', ');
		lines.push(`${call.done ?? 'Saved'} in MoySklad before the run stopped (do not send these items again): ${list}.`);
	}
	if (notSent.length > 0) lines.push(`Not sent to MoySklad: items ${itemRanges(notSent)}.`);
	const error = first as Error & { description?: string | null };
	error.description = [error.description, ...lines].filter(Boolean).join('\n');
}

/**
 * Sends the items' elements as arrays of at most 1000 to one bulk endpoint and gives every item
 * its own element of the answer (same order): the entity, or that element's `errors`. Bad input
 * of any item stops everything before a request leaves unless "Continue On Fail" is on; without
 * it, no further array is sent after one with a failing element ({@link runBatches}).
 */
export async function sendBulk(
	ctx: IExecuteFunctions,
	call: BulkCall,
	prepared: Prepared[],
	existing: ReadonlyMap<number, IDataObject> = new Map(),
): Promise<ItemResult[]> {
	const saved = savedInThisRun(ctx);
	const written: Array<{ itemIndex: number; id: string }> = [];
	const writtenAs = (itemIndex: number, body: IDataObject, answer: IDataObject) =>
		written.push({ itemIndex, id: typeof answer.id === 'string' ? answer.id : (refId(body) ?? '') });

	const send = async (group: Array<{ itemIndex: number; body: IDataObject }>): Promise<Map<number, ItemResult>> => {
		const answers = new Map<number, ItemResult>();
		const toSend: Array<{ itemIndex: number; body: IDataObject; key: string }> = [];
		for (const { itemIndex, body } of group) {
			const key = elementKey(ctx, call.path, itemIndex, body);
			const earlier = saved.get(key);
			if (earlier) {
				answers.set(itemIndex, earlier);
				writtenAs(itemIndex, body, earlier);
			} else {
				toSend.push({ itemIndex, body, key });
			}
		}
		if (toSend.length === 0) return answers;
		let response: RawResponse;
		try {
			response = await msRequest<unknown>(ctx, 'POST', call.path, {
				body: toSend.map(({ body }) => body),
				itemIndex: toSend[0].itemIndex,
				returnErrorAnswer: isElementAnswer,
			});
		} catch (error) {
			for (const { itemIndex } of toSend) answers.set(itemIndex, error as Error);
			return answers;
		}
		const elements: unknown[] = Array.isArray(response.body) ? response.body : [];
		toSend.forEach(({ itemIndex, body, key }, position) => {
			const element = elements[position];
			if (element === null || typeof element !== 'object' || Array.isArray(element)) {
				answers.set(
					itemIndex,
					new NodeOperationError(
						ctx.getNode(),
						`MoySklad's answer has no element for this ${call.what}: whether it was written is unknown; check in MoySklad before running this item again`,
						{ itemIndex },
					),
				);
			} else if (vendorErrors(element).length > 0) {
				answers.set(itemIndex, elementError(ctx, itemIndex, element, call.what, response.statusCode));
			} else {
				answers.set(itemIndex, element as IDataObject);
				saved.set(key, element as IDataObject);
				writtenAs(itemIndex, body, element as IDataObject);
			}
		});
		return answers;
	};

	const { results, notSent } = await runBatches(ctx, prepared, { size: MS_MAX_BATCH, send, done: existing });
	if (!ctx.continueOnFail()) tellWhatWasWritten(results, written, notSent, call);
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
		{ path: `${collectionPath}/delete`, what, done: 'Deleted' },
		prepared.map((entry) => (entry instanceof Error ? entry : { itemIndex: entry.itemIndex, body: entry.ref })),
	);
	return results.map((result) => (result instanceof Error ? result : { deleted: true }));
}

/**
 * How an item's tasks are output: raw, or in the common shape when "Simplify" is on. The
 * parameter is read once per item, not once per task of a long list.
 */
export function taskOutputFor(ctx: IExecuteFunctions, itemIndex: number): (task: IDataObject) => IDataObject {
	const simplify = ctx.getNodeParameter('simplify', itemIndex, false) as boolean;
	if (!simplify) return (task) => task;
	const timezone = ctx.getTimezone();
	return (task) => (task.id === undefined ? task : simplifyMoySkladTask(task, timezone));
}

/** One task as output (see taskOutputFor). */
export function taskOutput(ctx: IExecuteFunctions, itemIndex: number, task: IDataObject): IDataObject {
	return taskOutputFor(ctx, itemIndex)(task);
}

/** Applies "Simplify" to the results of a bulk write; a task that cannot be simplified fails its own item. */
export function taskOutputs(ctx: IExecuteFunctions, results: ItemResult[]): ItemResult[] {
	return results.map((result, itemIndex) => {
		if (result instanceof Error || Array.isArray(result)) return result;
		try {
			return taskOutput(ctx, itemIndex, result);
		} catch (error) {
			return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
		}
	});
}
