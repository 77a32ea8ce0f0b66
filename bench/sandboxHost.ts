/**
 * The sandboxes of a benchmark scenario, in a process of their own (forked by bench/scenario.ts
 * through bench/sandbox-host.js), so that the n8n side's memory and CPU figures hold none of the
 * sandbox's store, answers or request log. Driven over the IPC channel: one request, one reply.
 */
import type { RequestLogEntry, SandboxServer } from '../test/sandbox/framework';
import { VENDORS, type RequestUnits, type SandboxRef, type VendorName } from './vendors';

export type HostRequest =
	| { op: 'start'; vendor: VendorName; limits: boolean; tasks: number }
	| { op: 'clearLog' | 'stored' | 'stop' | 'limitsOff'; handle: number }
	| { op: 'log'; handle: number; full: boolean };

/** A logged request as the benchmark reads it: arrival (epoch ms), answer, what it carried. */
export interface LoggedRequest {
	at: number;
	status?: number;
	limitAnswer: boolean;
	method: string;
	path: string;
	units?: RequestUnits;
}

export interface HostReply {
	id: number;
	error?: string;
	handle?: number;
	ref?: SandboxRef;
	seedMs?: number;
	stored?: number;
	log?: LoggedRequest[];
	/** The whole entries, for the replay. */
	entries?: RequestLogEntry[];
}

const sandboxes = new Map<number, { vendor: VendorName; server: SandboxServer }>();
let nextHandle = 1;

function get(handle: number) {
	const found = sandboxes.get(handle);
	if (!found) throw new Error(`no sandbox ${handle}`);
	return found;
}

async function serve(request: HostRequest): Promise<Omit<HostReply, 'id'>> {
	switch (request.op) {
		case 'start': {
			const vendor = VENDORS[request.vendor];
			const started = Date.now();
			const server = await vendor.sandbox(request.limits, request.tasks);
			const handle = nextHandle++;
			sandboxes.set(handle, { vendor: request.vendor, server });
			return { handle, ref: vendor.ref(server), seedMs: Date.now() - started };
		}
		case 'clearLog':
			get(request.handle).server.clearLog();
			return {};
		case 'limitsOff': {
			const { vendor, server } = get(request.handle);
			VENDORS[vendor].limitsOff(server);
			return {};
		}
		case 'stored': {
			const { vendor, server } = get(request.handle);
			return { stored: VENDORS[vendor].storedTasks(server) };
		}
		case 'log': {
			const { vendor, server } = get(request.handle);
			if (request.full) return { entries: [...server.requests] };
			const bench = VENDORS[vendor];
			return {
				log: server.requests.map((entry) => ({
					at: entry.at,
					status: entry.status,
					limitAnswer: bench.isLimitAnswer(entry),
					method: entry.method,
					path: entry.path,
					units: bench.units(entry),
				})),
			};
		}
		case 'stop': {
			const { server } = get(request.handle);
			sandboxes.delete(request.handle);
			await server.stop();
			return {};
		}
	}
}

export function startHost(): void {
	process.on('message', (message: { id: number; request: HostRequest }) => {
		serve(message.request).then(
			(reply) => process.send?.({ id: message.id, ...reply }),
			(error: unknown) => process.send?.({ id: message.id, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
		);
	});
	// The benchmark's process went away: nothing left to serve.
	process.on('disconnect', () => process.exit(0));
}
