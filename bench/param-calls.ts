/**
 * Counts n8n's getNodeParameter calls per item (by parameter name) of each vendor's bulk create
 * and Return All, against the vendor's sandbox with limits off (in this process). A diagnostic
 * for the per-item overhead: `node -r ./scripts/ts-register bench/param-calls.ts [items]`.
 */
import { runWorkflow } from '../test/harness';
import { setTimeScale } from '../nodes/shared/transport/clock';
import { recordParameterReads } from './n8nFloor';
import { VENDOR_NAMES, VENDORS } from './vendors';

async function main(): Promise<void> {
	const items = Number(process.argv[2] ?? 10);
	setTimeScale(1_000_000);
	for (const name of VENDOR_NAMES) {
		const vendor = VENDORS[name];
		for (const operation of ['create', 'list'] as const) {
			const server = await vendor.sandbox(false, operation === 'list' ? items : 0);
			const ref = vendor.ref(server);
			const { value: result, reads } = await recordParameterReads(vendor.nodeType, async () => await runWorkflow({
				nodeTypes: vendor.nodeTypes,
				credentialTypes: vendor.credentialTypes as never,
				credentials: vendor.credentials(ref),
				node: { type: vendor.nodeType, parameters: operation === 'list' ? vendor.listParameters : vendor.createParameters(ref) },
				input: operation === 'list' ? [{}] : vendor.createInput(items),
				continueOnFail: true,
			}));
			await server.stop();
			const calls = new Map<string, number>();
			for (const [name] of reads) calls.set(name, (calls.get(name) ?? 0) + 1);
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
