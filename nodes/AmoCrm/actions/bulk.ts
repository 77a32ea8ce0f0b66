import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ItemResult } from '../../shared/execute';
import { chunk } from '../../shared/paging';
import { resolveCredential } from '../../shared/transport/request';
import { AMO_MAX_BATCH, AMO_MAX_PAGE, amoCrmBaseUrl, amoCrmProfile, amoRequest, embedded, simplifyAmoTask } from '../api';

/** One item's element of a bulk write, or the error that kept it out. */
export type Prepared = { itemIndex: number; body: IDataObject } | Error;

interface ValidationEntry {
	request_id?: string;
	errors?: Array<{ path?: string; detail?: string; code?: string }>;
}

/** The elements a 400 answer rejected, by request_id, with their messages. */
function rejectedElements(error: unknown): Map<string, string> {
	const rejected = new Map<string, string>();
	const body = ((error as NodeApiError).errorResponse as IDataObject | undefined)?.body as IDataObject | undefined;
	for (const entry of (body?.['validation-errors'] as ValidationEntry[] | undefined) ?? []) {
		if (entry.request_id === undefined) continue;
		const details = (entry.errors ?? []).map((e) => `${e.path ?? ''}: ${e.detail ?? e.code ?? ''}`);
		rejected.set(String(entry.request_id), details.join('; '));
	}
	return rejected;
}

/**
 * Sends many items' tasks as arrays of at most 50 (POST to create, PATCH to update) and maps
 * each answer back to its item through `request_id`. amoCRM rejects a whole array when one
 * element is invalid and stores nothing, so the rejected elements get their own errors and
 * the rest are sent again (with "Continue On Fail"), until an array is accepted.
 */
export async function writeTasks(
	ctx: IExecuteFunctions,
	method: 'POST' | 'PATCH',
	prepared: Prepared[],
): Promise<ItemResult[]> {
	const results: ItemResult[] = prepared.map((entry) => (entry instanceof Error ? entry : {}));
	const elements = prepared.filter((entry): entry is { itemIndex: number; body: IDataObject } => !(entry instanceof Error));
	const written = new Map<number, IDataObject>();
	// Without "Continue on fail" the node fails at the first failing item: write nothing more
	// after it (bad input is found before anything is sent), so a re-run makes no duplicates.
	const stopAtFirstError = !ctx.continueOnFail();
	if (stopAtFirstError && elements.length < prepared.length) return results;

	for (const group of chunk(elements, AMO_MAX_BATCH)) {
		if (stopAtFirstError && results.some((result) => result instanceof Error)) break;
		let pending = group;
		// Each 400 removes at least one rejected element, so this ends within the group's size.
		for (let round = 0; round <= group.length && pending.length > 0; round++) {
			try {
				const response = await amoRequest.call(ctx, method, '/tasks', {
					body: pending.map(({ itemIndex, body }) => ({ ...body, request_id: String(itemIndex) })),
					itemIndex: pending[0].itemIndex,
				});
				const answers = embedded(response.body, 'tasks');
				// Answers carry the request_id sent; only an answer with none at all is matched by position.
				const byRequestId = answers.some((answer) => answer.request_id !== undefined);
				pending.forEach(({ itemIndex }, position) => {
					const answer = byRequestId
						? answers.find((a) => String(a.request_id) === String(itemIndex))
						: answers[position];
					if (answer) written.set(itemIndex, answer);
					else results[itemIndex] = new NodeOperationError(ctx.getNode(), 'amoCRM did not answer for this task', { itemIndex });
				});
				pending = [];
			} catch (error) {
				const rejected = (error as NodeApiError).httpCode === '400' ? rejectedElements(error) : new Map<string, string>();
				const isRejected = ({ itemIndex }: { itemIndex: number }) => rejected.has(String(itemIndex));
				if (!pending.some(isRejected)) {
					// The whole array failed (or the answer names none of its elements).
					for (const { itemIndex } of pending) results[itemIndex] = error as Error;
					pending = [];
					break;
				}
				const apiError = error as NodeApiError;
				for (const { itemIndex } of pending.filter(isRejected)) {
					// An API answer: keep it a NodeApiError with the status (its response is already redacted).
					results[itemIndex] = new NodeApiError(ctx.getNode(), (apiError.errorResponse ?? {}) as JsonObject, {
						message: `amoCRM rejected this task: ${rejected.get(String(itemIndex))}`,
						description: apiError.message,
						httpCode: '400',
						itemIndex,
					});
				}
				// Nothing of the array was stored: send the valid elements again (unless the node
				// is about to fail at the rejected one).
				pending = stopAtFirstError ? [] : pending.filter((element) => !isRejected(element));
			}
		}
	}

	if (stopAtFirstError && results.some((result) => result instanceof Error)) return results;
	const full = await fetchTasksByIds(ctx, [...written.values()].map((answer) => Number(answer.id)));
	for (const [itemIndex, answer] of written) {
		results[itemIndex] = full.get(Number(answer.id)) ?? answer;
	}
	return results;
}

/**
 * Reads tasks back after a write (the write answers only with ids). A failing read must not
 * turn a done write into an error the user would retry, so it falls back to the write's answer.
 */
export async function fetchTasksByIds(ctx: IExecuteFunctions, ids: number[]): Promise<Map<number, IDataObject>> {
	const found = new Map<number, IDataObject>();
	for (const group of chunk(ids, AMO_MAX_PAGE)) {
		try {
			const response = await amoRequest.call(ctx, 'GET', '/tasks', {
				qs: { filter: { id: group }, limit: AMO_MAX_PAGE },
			});
			for (const task of embedded(response.body, 'tasks')) found.set(Number(task.id), task);
		} catch {
			// Keep the write's own answers for this group.
		}
	}
	return found;
}

/** The task as output: raw, or in the common shape when "Simplify" is on. */
export async function taskOutput(
	ctx: IExecuteFunctions,
	itemIndex: number,
	task: IDataObject,
): Promise<IDataObject> {
	const simplify = ctx.getNodeParameter('simplify', itemIndex, false) as boolean;
	if (!simplify || task.text === undefined) return task;
	const credential = await resolveCredential(ctx, amoCrmProfile);
	return simplifyAmoTask(task, amoCrmBaseUrl(credential.data), ctx.getTimezone()) as unknown as IDataObject;
}

/** Applies "Simplify" to the results of a bulk write. */
export async function outputs(ctx: IExecuteFunctions, results: ItemResult[]): Promise<ItemResult[]> {
	const out: ItemResult[] = [];
	for (const [itemIndex, result] of results.entries()) {
		out.push(result instanceof Error || Array.isArray(result) ? result : await taskOutput(ctx, itemIndex, result));
	}
	return out;
}
