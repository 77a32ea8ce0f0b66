/**
 * n8n resolves a parameter anew on every getNodeParameter call (expressions included), so a
 * Get Many of a long list reads "Simplify" once for its input item, not once per task it outputs.
 * Runs each vendor's node against its sandbox through n8n-core and counts the reads n8n-core
 * serves (NodeExecutionContext's shared `_getNodeParameter`).
 */
// n8n-core does not export the class; every execute context inherits its parameter reads from it.
import { NodeExecutionContext } from 'n8n-core/dist/execution-engine/node-execution-context/node-execution-context';

import { runAgainst, useVendorSandbox, VENDORS } from '../reliability/vendors';

type GetNodeParameter = (name: string, ...rest: unknown[]) => unknown;

async function countReads(nodeType: string, run: () => Promise<unknown>): Promise<Map<string, number>> {
	const proto = NodeExecutionContext.prototype as unknown as { _getNodeParameter: GetNodeParameter };
	const original = proto._getNodeParameter;
	const reads = new Map<string, number>();
	proto._getNodeParameter = function (this: { node: { type: string } }, name, ...rest) {
		if (this.node.type === nodeType) reads.set(name, (reads.get(name) ?? 0) + 1);
		return original.call(this, name, ...rest);
	};
	try {
		await run();
	} finally {
		proto._getNodeParameter = original;
	}
	return reads;
}

const TASKS = 30;

describe.each(VENDORS.map((adapter) => [adapter.displayName, adapter] as const))('%s Get Many', (_name, adapter) => {
	const sandbox = useVendorSandbox(adapter, { timeScale: 1000 });

	test.each([false, true])(`reads "Simplify" once for one input item and ${TASKS} tasks (simplify %s)`, async (simplify) => {
		adapter.seedTasks(sandbox(), TASKS);
		let outputs = 0;
		const reads = await countReads(adapter.nodeType, async () => {
			const result = await runAgainst(adapter, sandbox(), { ...adapter.getAllParameters, simplify }, [{}]);
			outputs = result.items.length;
		});
		expect(outputs).toBeGreaterThanOrEqual(TASKS);
		expect(reads.get('simplify')).toBe(1);
	});
});
