/**
 * routeOperations through n8n's engine: pairedItem on every output, "Continue on fail" for
 * operations that run item by item and for batch operations.
 */
import type { IDataObject } from 'n8n-workflow';

import { runWorkflow } from '../harness';
import type { RunWorkflowResult } from '../harness';
import { ROUTE_NODE, executedItems, probeNodeTypes } from './fixtures';

beforeEach(() => {
	executedItems.length = 0;
});

async function route(
	operation: string,
	input: IDataObject[],
	continueOnFail = false,
	resource = 'thing',
): Promise<RunWorkflowResult> {
	return await runWorkflow({
		nodeTypes: probeNodeTypes,
		node: { type: ROUTE_NODE, parameters: { resource, operation } },
		input,
		continueOnFail,
	});
}

describe('operations that run item by item', () => {
	it('pairs every output with its input item, several outputs per item included', async () => {
		const result = await route('single', [{ a: 1 }, { many: 3 }, { a: 2 }]);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{ json: { item: 0, echo: { a: 1 } }, pairedItem: { item: 0 } },
			{ json: { item: 1, n: 0 }, pairedItem: { item: 1 } },
			{ json: { item: 1, n: 1 }, pairedItem: { item: 1 } },
			{ json: { item: 1, n: 2 }, pairedItem: { item: 1 } },
			{ json: { item: 2, echo: { a: 2 } }, pairedItem: { item: 2 } },
		]);
	});

	it('with "Continue on fail", turns a failing item into { error } and goes on with the others', async () => {
		const result = await route('single', [{ a: 1 }, { fail: 'item 1 is bad' }, { many: 2 }], true);

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.items).toEqual([
			{ json: { item: 0, echo: { a: 1 } }, pairedItem: { item: 0 } },
			{ json: { error: 'item 1 is bad' }, pairedItem: { item: 1 } },
			{ json: { item: 2, n: 0 }, pairedItem: { item: 2 } },
			{ json: { item: 2, n: 1 }, pairedItem: { item: 2 } },
		]);
		expect(executedItems).toEqual([0, 1, 2]);
	});

	it('without "Continue on fail", stops at the failing item and reports it with its index', async () => {
		const result = await route('single', [{ a: 1 }, { fail: 'item 1 is bad' }, { a: 3 }]);

		expect(result.status).toBe('error');
		expect(result.items).toEqual([]);
		expect(result.error).toMatchObject({ name: 'NodeOperationError', message: 'item 1 is bad' });
		expect(result.error?.context).toMatchObject({ itemIndex: 1 });
		// Nothing runs after the failing item.
		expect(executedItems).toEqual([0, 1]);
	});

	it('refuses an operation the node does not have', async () => {
		const result = await route('nope', [{}]);

		expect(result.error).toMatchObject({
			name: 'NodeOperationError',
			message: 'The operation "nope" of "thing" is not supported',
		});
	});
});

describe('batch operations', () => {
	it('answers for each item, in order, with pairedItem', async () => {
		const result = await route('batch', [{}, {}, {}]);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{ json: { item: 0, batched: 3 }, pairedItem: { item: 0 } },
			{ json: { item: 1, batched: 3 }, pairedItem: { item: 1 } },
			{ json: { item: 2, batched: 3 }, pairedItem: { item: 2 } },
		]);
	});

	it('with "Continue on fail", gives a failing element its own { error } item', async () => {
		const result = await route('batch', [{}, { fail: 'element 1 rejected' }, {}], true);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{ json: { item: 0, batched: 3 }, pairedItem: { item: 0 } },
			{ json: { error: 'element 1 rejected' }, pairedItem: { item: 1 } },
			{ json: { item: 2, batched: 3 }, pairedItem: { item: 2 } },
		]);
	});

	it('without "Continue on fail", fails the node with the first failing element', async () => {
		const result = await route('batch', [{}, { fail: 'element 1 rejected' }, { fail: 'element 2 rejected' }]);

		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({ name: 'NodeOperationError', message: 'element 1 rejected' });
		expect(result.error?.context).toMatchObject({ itemIndex: 1 });
	});

	it('with "Continue on fail", gives every item the error when the whole batch fails', async () => {
		const result = await route('batchThrows', [{ a: 1 }, { a: 2 }], true);

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{ json: { error: 'the whole batch failed' }, pairedItem: { item: 0 } },
			{ json: { error: 'the whole batch failed' }, pairedItem: { item: 1 } },
		]);
	});

	it('without "Continue on fail", fails the node when the whole batch fails', async () => {
		const result = await route('batchThrows', [{ a: 1 }, { a: 2 }]);

		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({ name: 'NodeOperationError', message: 'the whole batch failed' });
	});

	it('does not drop an item the batch gave no answer for', async () => {
		const result = await route('batchShort', [{}, {}], true);

		expect(result.items).toEqual([
			{ json: { only: 'the first' }, pairedItem: { item: 0 } },
			{ json: { error: 'The operation returned no result for this item' }, pairedItem: { item: 1 } },
		]);
	});
});
