/**
 * Counts n8n's getNodeParameter calls per item (by parameter name) of each vendor's bulk create
 * and Return All, against the vendor's sandbox with limits off (in this process). A diagnostic
 * for the per-item overhead: `node -r ./scripts/ts-register bench/param-calls.ts [items]`.
 */
import { NodeExecutionContext } from 'n8n-core/dist/execution-engine/node-execution-context/node-execution-context';

import { runWorkflow } from '../test/harness';
import { setTimeScale } from '../nodes/shared/transport/clock';
import { VENDOR_NAMES, VENDORS } from './vendors';

async function main(): Promise<void> {
	const items = Number(process.argv[2] ?? 10);
	const proto = NodeExecutionContext.prototype as unknown as { _getNodeParameter: (...args: unknown[]) => unknown };
	const original = proto._getNodeParameter;
	const calls = new Map<string, number>();
	proto._getNodeParameter = function (this: unknown, ...args: unknown[]) {
		calls.set(String(args[0]), (calls.get(String(args[0])) ?? 0) + 1);
		return original.apply(this, args);
	};
	setTimeScale(1_000_000);
	for (const name of VENDOR_NAMES) {
		const vendor = VENDORS[name];
		for (const operation of ['create', 'list'] as const) {
			const server = await vendor.sandbox(false, operation === 'list' ? items : 0);
			const ref = vendor.ref(server);
			calls.clear();
			const result = await runWorkflow({
				nodeTypes: vendor.nodeTypes,
				credentialTypes: vendor.credentialTypes as never,
				credentials: vendor.credentials(ref),
				node: { type: vendor.nodeType, parameters: operation === 'list' ? vendor.listParameters : vendor.createParameters(ref) },
				input: operation === 'list' ? [{}] : vendor.createInput(items),
				continueOnFail: true,
			});
			await server.stop();
			const per = [...calls].map(([k, v]) => `${k}×${operation === 'create' ? (v / items).toFixed(1) : v}`).join(' ');
			process.stdout.write(`${name} ${operation} (${result.items.length} out, ${server.requests.length} requests): ${per}\n`);
		}
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
		process.exit(1);
	},
);
