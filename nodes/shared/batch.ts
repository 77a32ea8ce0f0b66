import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ItemResult } from './execute';
import { chunk } from './paging';

/**
 * Prepares each item's element in turn (preparing may read: a task type given by name). An
 * item's error becomes its result; without "Continue On Fail" the first one ends the preparing:
 * the node fails at that item, so nothing more is read and nothing at all is written.
 */
export async function prepareItems<T>(
	ctx: IExecuteFunctions,
	indices: number[],
	prepare: (itemIndex: number) => T | Promise<T>,
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

/** What a vendor's batch write needs from the shared runner. */
export interface BatchWrite<E extends { itemIndex: number }> {
	/** The requests: elements in input order, at most `size` a request (the vendor's bulk size). */
	size: number;
	/** Splits the elements into requests another way (e.g. commands that cannot share one). */
	split?: (elements: E[]) => E[][];
	/**
	 * Sends one request's elements and answers for each: its result or its error. An element it
	 * does not answer for fails with "no answer" (its outcome unknown, so it is not sent again). A
	 * throw fails every element of the request. `stopAtFirstError`: the run ends at the first
	 * failing item (no "Continue On Fail"), so the vendor may stop processing at it too.
	 */
	send: (elements: E[], stopAtFirstError: boolean) => Promise<Map<number, ItemResult>>;
	/** Items already done (found by "Skip Tasks Already Created"): their result, nothing sent. */
	done?: ReadonlyMap<number, IDataObject>;
}

/** The outcome of {@link runBatches}: each item's result, and the items never sent. */
export interface BatchOutcome {
	results: ItemResult[];
	/** Items not sent because the run stopped at a failing item after writing began. */
	notSent: number[];
}

/**
 * Runs a bulk write over the prepared items: the vendor's requests one after another, each
 * element's answer to its own item. Without "Continue On Fail" bad input stops everything
 * before a request leaves, and no request is sent after one with a failing element, so a re-run
 * repeats nothing that was done after the failure. A request that failed as a whole is never
 * sent again here: whether its writes happened is the transport's to know (it retries only
 * what was refused unprocessed).
 */
export async function runBatches<E extends { itemIndex: number }>(
	ctx: IExecuteFunctions,
	prepared: ReadonlyArray<E | Error>,
	write: BatchWrite<E>,
): Promise<BatchOutcome> {
	const done = write.done ?? new Map<number, IDataObject>();
	const results: ItemResult[] = prepared.map((entry) => (entry instanceof Error ? entry : (done.get(entry.itemIndex) ?? {})));
	const elements = prepared.filter((entry): entry is E => !(entry instanceof Error) && !done.has(entry.itemIndex));
	const stopAtFirstError = !ctx.continueOnFail();
	const failed = () => stopAtFirstError && results.some((result) => result instanceof Error);
	const notSent: number[] = [];
	// Bad input without "Continue On Fail": nothing leaves (and nothing is "not sent" after a write).
	if (failed()) return { results, notSent };

	for (const request of write.split ? write.split(elements) : chunk(elements, write.size)) {
		if (failed()) {
			notSent.push(...request.map(({ itemIndex }) => itemIndex));
			continue;
		}
		let answers: Map<number, ItemResult>;
		try {
			answers = await write.send(request, stopAtFirstError);
		} catch (error) {
			for (const { itemIndex } of request) results[itemIndex] = error as Error;
			continue;
		}
		for (const { itemIndex } of request) {
			results[itemIndex] =
				answers.get(itemIndex) ??
				new NodeOperationError(ctx.getNode(), 'The service did not answer for this item: whether it was written is unknown, so it was not sent again', {
					itemIndex,
				});
		}
	}
	return { results, notSent };
}
