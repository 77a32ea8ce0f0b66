/**
 * One benchmark scenario (a vendor, an operation, a size), run in a fresh process by
 * bench/run.js (bench/child.js). The vendor's sandbox runs in ANOTHER process
 * (bench/sandboxHost.ts), so every memory and CPU figure here is the n8n side's alone.
 *
 * 1. A warm-up execution of the same size and workflow (limits off, its own sandbox), so the
 *    measured one runs in a warm process (JIT, lazily loaded modules), as in a long-running n8n;
 *    it also records the node's `getNodeParameter` calls for n8n's own floor. Garbage is
 *    collected before every measured execution (children run with --expose-gc).
 * 2. Real limits: the sandbox enforces the vendor's real rate limit (time scale 1), the node runs
 *    through n8n's engine (test/harness runWorkflow) with its real governor: requests and when
 *    each arrived (the governor's actual pacing), limit answers, wall time, peak RSS / heap.
 * 3. Limits off, `runs` times (fresh sandbox each, the governor's waits scaled away): the same
 *    execution with its CPU time (`process.cpuUsage`), then the very requests it sent replayed
 *    by a bare keep-alive client (no n8n, no node) with its CPU time. Overhead per item =
 *    (execution CPU − replay CPU) / items, per run: what n8n's engine, the node and the shared
 *    transport add per task. The fastest replay's wall time is the network-and-server floor.
 *    Then n8n's own floor (bench/n8nFloor.ts): the same workflow with a stand-in node that only
 *    does what n8n makes any node do (the same parameter reads, the same requests through
 *    n8n's HTTP helper, the vendor's tasks as output items), wall and CPU time.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';

import type { INodeParameters } from 'n8n-workflow';

import { resetProcessState, setTimeScale } from '../nodes/shared/transport/clock';
import { runWorkflow } from '../test/harness/run-workflow';
import type { QueryObject, QueryValue, RequestLogEntry } from '../test/sandbox/framework';
import { n8nFloorNode, recordParameterReads, setFloorPlan, type ParameterRead } from './n8nFloor';
import type { HostReply, HostRequest, LoggedRequest } from './sandboxHost';
import { VENDORS, rateFloorMs, sustainedRate, type Floor, type SandboxRef, type VendorName } from './vendors';

export type Operation = 'list' | 'create';

/** Median and spread of a few figures. */
export interface Spread {
	median: number;
	min: number;
	max: number;
	values: number[];
}

/** Requests of one kind in the order sent, run-length encoded: [count carried, times]. */
export interface UnitsSeen {
	unit: string;
	max: number;
	runs: Array<[number, number]>;
}

export interface ScenarioResult {
	vendor: VendorName;
	operation: Operation;
	items: number;
	real: {
		requests: number;
		/** Answers that were the vendor's limit answer (429 / 503 QUERY_LIMIT_EXCEEDED). */
		limitAnswers: number;
		/** The fastest real-limits run's wall time; every figure of `real` but memory is that run's. */
		wallMs: number;
		/** Wall time of each real-limits run (fresh sandbox and process state each). */
		wallRunsMs: Spread;
		/** Execution start → first request's arrival at the sandbox. */
		startupMs: number;
		/** First request's arrival → last one's. */
		spanMs: number;
		/** Last request's arrival → end of the execution. */
		tailMs: number;
		/** Gaps between consecutive arrivals (ms). */
		gaps?: { median: number; min: number; max: number };
		/** Requests sent after the first limit answer. */
		afterFirstLimitAnswer: number;
		units: UnitsSeen[];
		itemsOut: number;
		failedItems: number;
		storedAfter: number;
		peakRssMb: number;
		peakHeapMb: number;
		/** RSS after loading and warm-up, right before the measured execution. */
		rssBeforeMb: number;
		/** The process's RSS high-water mark before the measured execution (loading and warm-up). */
		maxRssBeforeMb: number;
		/** CPU time of the n8n side during the execution. */
		cpuMs: number;
		seedMs: number;
	};
	floor: Floor & { rateMs: number; rule: string; sustainedPerSecond: number };
	off?: {
		runs: number;
		requests: number;
		/** Fastest wall time of the replay / of the execution. */
		replayMs: number;
		wallMs: number;
		/** Shortest first-to-last arrival span of the node's requests with the limits off. */
		spanMs: number;
		/** Median gap between two arrivals with the limits off (median over the runs). */
		gapMedianMs?: number;
		/** Fastest wall time of the create with its `={{ … }}` parameters, as in the real run. */
		wallWithExpressionsMs?: number;
		execCpuMs: Spread;
		replayCpuMs: Spread;
		/** (execution CPU − replay CPU) / items, µs, per run. */
		overheadUs: Spread;
		/**
		 * n8n's own floor (bench/n8nFloor.ts): the same workflow and parameters as the real run
		 * (the create's expressions included) with a stand-in node that reads the same parameters,
		 * sends the same requests through `helpers.httpRequest` and outputs the tasks unmapped.
		 * Fastest wall time, CPU per run.
		 */
		n8nFloor: { wallMs: number; cpuMs: Spread };
		/** The execution with the real run's parameters: CPU per run. */
		execRealParametersCpuMs: Spread;
		/** (execution CPU with the real run's parameters − n8n's floor CPU) / items, µs, per run: the node's own part. */
		nodeOwnUs: Spread;
		expressionsPerItem: number;
		overheadWithExpressionsUs?: Spread;
	};
	/** Rows without limits-off runs: the real run's requests replayed by the bare client. */
	replayOnly?: { replayMs: number; requests: number; n8nFloorMs: number };
}

const MB = 1024 * 1024;

export function spread(values: number[]): Spread {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	return { median, min: sorted[0], max: sorted[sorted.length - 1], values };
}

/** The sandbox process, driven over IPC. */
class SandboxHost {
	private readonly child: ChildProcess;
	private readonly pending = new Map<number, (reply: HostReply) => void>();
	private nextId = 1;

	constructor() {
		this.child = fork(path.join(__dirname, 'sandbox-host.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
		this.child.on('message', (reply: HostReply) => {
			const resolve = this.pending.get(reply.id);
			this.pending.delete(reply.id);
			resolve?.(reply);
		});
	}

	async call(request: HostRequest): Promise<HostReply> {
		const id = this.nextId++;
		const reply = await new Promise<HostReply>((resolve, reject) => {
			this.pending.set(id, resolve);
			this.child.send({ id, request }, (error) => error && reject(error));
		});
		if (reply.error) throw new Error(`sandbox process: ${reply.error}`);
		return reply;
	}

	async start(vendor: VendorName, limits: boolean, tasks: number) {
		const reply = await this.call({ op: 'start', vendor, limits, tasks });
		return { handle: reply.handle!, ref: reply.ref!, seedMs: reply.seedMs! };
	}

	close(): void {
		this.child.disconnect();
	}
}

/** The create parameters with each `={{ $json.x }}` replaced by a constant. */
function withoutExpressions(parameters: INodeParameters): INodeParameters {
	const constants: Record<string, string> = { text: 'Bench task', due: new Date(Date.now() + 7 * 86_400_000).toISOString() };
	const out: INodeParameters = {};
	for (const [name, value] of Object.entries(parameters)) {
		const match = typeof value === 'string' ? /^=\{\{ \$json\.(\w+) \}\}$/.exec(value) : null;
		out[name] = match ? constants[match[1]] : value;
	}
	return out;
}

const countExpressions = (parameters: INodeParameters): number =>
	Object.values(parameters).filter((value) => typeof value === 'string' && value.startsWith('=')).length;

/** PHP bracket notation, as the sandboxes parse it (`filter[id][]=1`). */
function toQueryString(query: QueryObject): string {
	const parts: string[] = [];
	const add = (key: string, value: QueryValue) => {
		if (typeof value === 'string') parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
		else if (Array.isArray(value)) value.forEach((v) => add(`${key}[]`, v));
		else for (const [k, v] of Object.entries(value)) add(`${key}[${k}]`, v);
	};
	for (const [key, value] of Object.entries(query)) add(key, value);
	return parts.join('&');
}

const cpuMsSince = (start: NodeJS.CpuUsage): number => {
	const used = process.cpuUsage(start);
	return (used.user + used.system) / 1000;
};

/** Sends the logged requests again, one after another, and reads and decodes every answer. */
async function replay(baseUrl: string, entries: readonly RequestLogEntry[]): Promise<{ ms: number; cpuMs: number; refused: number }> {
	const agent = new http.Agent({ keepAlive: true });
	let refused = 0;
	const cpu = process.cpuUsage();
	const started = performance.now();
	for (const entry of entries) {
		const query = toQueryString(entry.query);
		const body = entry.body === undefined ? undefined : typeof entry.body === 'string' ? entry.body : JSON.stringify(entry.body);
		const headers: http.OutgoingHttpHeaders = {};
		for (const [name, value] of Object.entries(entry.headers)) {
			if (!['host', 'content-length', 'connection', 'transfer-encoding'].includes(name)) headers[name] = value;
		}
		if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
		const url = `${baseUrl}${entry.path}${query ? `?${query}` : ''}`;
		await new Promise<void>((resolve, reject) => {
			const request = http.request(url, { method: entry.method, headers, agent }, (response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () => {
					// The replay must get the answers the node got, or its time means nothing.
					if ((response.statusCode ?? 0) >= 300) refused++;
					let raw = Buffer.concat(chunks);
					if (response.headers['content-encoding'] === 'gzip' && raw.length > 0) raw = gunzipSync(raw);
					const text = raw.toString('utf8');
					if (text && /json/.test(String(response.headers['content-type'] ?? ''))) JSON.parse(text);
					resolve();
				});
				response.on('error', reject);
			});
			request.on('error', reject);
			request.end(body);
		});
	}
	const ms = performance.now() - started;
	const cpuMs = cpuMsSince(cpu);
	agent.destroy();
	return { ms, cpuMs, refused };
}

/** Highest RSS and heap seen while `run` runs (sampled every 20 ms, plus before and after). */
async function withMemoryPeak<T>(run: () => Promise<T>): Promise<{ value: T; peakRss: number; peakHeap: number }> {
	const highWaterBefore = process.resourceUsage().maxRSS * 1024;
	let peakRss = 0;
	let peakHeap = 0;
	const sample = () => {
		const usage = process.memoryUsage();
		peakRss = Math.max(peakRss, usage.rss);
		peakHeap = Math.max(peakHeap, usage.heapUsed);
	};
	sample();
	const timer = setInterval(sample, 20);
	try {
		const value = await run();
		sample();
		// The kernel's high-water mark catches peaks between two samples, where it rose during
		// the run (if it did not, the run stayed below the mark loading and warm-up left).
		const highWater = process.resourceUsage().maxRSS * 1024;
		if (highWater > highWaterBefore) peakRss = Math.max(peakRss, highWater);
		return { value, peakRss, peakHeap };
	} finally {
		clearInterval(timer);
	}
}

function unitsSeen(log: readonly LoggedRequest[]): UnitsSeen[] {
	const byUnit = new Map<string, UnitsSeen>();
	for (const entry of log) {
		if (!entry.units || entry.limitAnswer) continue;
		const seen = byUnit.get(entry.units.unit) ?? { unit: entry.units.unit, max: entry.units.max, runs: [] };
		byUnit.set(entry.units.unit, seen);
		const last = seen.runs[seen.runs.length - 1];
		if (last && last[0] === entry.units.count) last[1]++;
		else seen.runs.push([entry.units.count, 1]);
	}
	return [...byUnit.values()];
}

/** Real-limits runs of a row whose first one takes under `repeatUnderMs` (longer rows run once). */
export interface RealRuns {
	realRuns: number;
	repeatUnderMs: number;
}

export async function runScenario(
	vendorName: VendorName,
	operation: Operation,
	items: number,
	runs: number,
	{ realRuns: REAL_RUNS, repeatUnderMs: REPEAT_UNDER_MS }: RealRuns = { realRuns: 1, repeatUnderMs: 0 },
): Promise<ScenarioResult> {
	// Every measured execution starts after a garbage collection.
	if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc (bench/run.js does)');
	const collectGarbage = global.gc;
	const vendor = VENDORS[vendorName];
	const seeded = operation === 'list' ? items : 0;
	const host = new SandboxHost();
	const floorNode = n8nFloorNode(vendor.nodeTypes[vendor.nodeType]);
	const floorType = floorNode.description.name;
	const parametersFor = (sandbox: SandboxRef, expressions: boolean) => {
		const create = vendor.createParameters(sandbox);
		return operation === 'list' ? vendor.listParameters : expressions ? create : withoutExpressions(create);
	};
	const workflow = (sandbox: SandboxRef, nodeType: string, parameters: INodeParameters) => ({
		nodeTypes: { ...vendor.nodeTypes, [floorType]: floorNode },
		credentialTypes: vendor.credentialTypes as never,
		credentials: vendor.credentials(sandbox),
		node: { type: nodeType, parameters },
		input: operation === 'list' ? [{}] : vendor.createInput(items),
		continueOnFail: true,
	});
	const execute = async (sandbox: SandboxRef, expressions = true) => await runWorkflow(workflow(sandbox, vendor.nodeType, parametersFor(sandbox, expressions)));
	let reads: ParameterRead[] = [];
	/** n8n's own floor (bench/n8nFloor.ts) for the given requests, with the real run's parameters. */
	const n8nFloor = async (sandbox: SandboxRef, entries: readonly RequestLogEntry[]) => {
		setFloorPlan({ operation, baseUrl: sandbox.baseUrl, entries, reads, inFlight: vendor.inFlight[operation], answerTasks: vendor.answerTasks, toQueryString });
		collectGarbage();
		const cpu = process.cpuUsage();
		const started = performance.now();
		const result = await runWorkflow(workflow(sandbox, floorType, parametersFor(sandbox, true)));
		const ms = performance.now() - started;
		const cpuMs = cpuMsSince(cpu);
		setFloorPlan(undefined);
		if (result.executionError) throw new Error(`${vendorName} ${operation} n8n floor: ${result.executionError.message}`);
		if (result.items.length !== items) throw new Error(`${vendorName} ${operation} n8n floor: ${result.items.length} items out for ${items}`);
		return { ms, cpuMs };
	};
	try {
		// 1. Warm-up: the same size and workflow, limits off; records the node's parameter reads.
		setTimeScale(1_000_000);
		const warmUp = await host.start(vendorName, false, seeded);
		// Only the error leaves the closure: the warm-up's items must not outlive it (memory).
		const warmed = await recordParameterReads(vendor.nodeType, async () => (await execute(warmUp.ref)).executionError);
		if (warmed.value) throw new Error(`${vendorName} ${operation} (warm-up): ${warmed.value.message}`);
		reads = warmed.reads;
		await host.call({ op: 'stop', handle: warmUp.handle });

		// 2. Real limits, time scale 1: a fresh sandbox and process state each run. The memory
		// figures are the first run's; a row whose first run is short runs again (the floors are
		// fastest-of-several too) and its time is the fastest run's, with the spread.
		setTimeScale(1);
		const realRun = async (trackMemory: boolean) => {
			resetProcessState();
			const real = await host.start(vendorName, true, seeded);
			const storedBefore = (await host.call({ op: 'stored', handle: real.handle })).stored!;
			await host.call({ op: 'clearLog', handle: real.handle });
			collectGarbage();
			const rssBefore = process.memoryUsage().rss;
			const maxRssBefore = process.resourceUsage().maxRSS * 1024;
			const cpu = process.cpuUsage();
			const startedAt = Date.now();
			const started = performance.now();
			const body = async () => {
				const result = await execute(real.ref);
				// Only the counts leave this closure, so the items can be collected before step 3.
				if (result.executionError) throw new Error(`${vendorName} ${operation}: ${result.executionError.message}`);
				const failed = result.items.filter((item) => item.json.error !== undefined);
				if (failed.length > 0) process.stderr.write(`${vendorName} ${operation}: ${failed.length} failed items, e.g. ${JSON.stringify(failed[0].json)}\n`);
				return { itemsOut: result.items.length, failedItems: failed.length };
			};
			const measured = trackMemory ? await withMemoryPeak(body) : { value: await body(), peakRss: 0, peakHeap: 0 };
			const wallMs = performance.now() - started;
			const cpuMs = cpuMsSince(cpu);
			const log = (await host.call({ op: 'log', handle: real.handle, full: false })).log!;
			const storedAfter = (await host.call({ op: 'stored', handle: real.handle })).stored! - storedBefore;
			// Without limits-off runs, the run's own requests (less the limit answers) replayed
			// against the same sandbox with its limits switched off give the network-and-server time
			// (reads only: the store stays as it was; the tokens the node got stay valid).
			let replayOnly: ScenarioResult['replayOnly'];
			if (runs === 0 && operation === 'list') {
				const entries = (await host.call({ op: 'log', handle: real.handle, full: true })).entries!.filter((_, i) => !log[i].limitAnswer);
				await host.call({ op: 'limitsOff', handle: real.handle });
				const replayed = await replay(real.ref.baseUrl, entries);
				if (replayed.refused > 0) throw new Error(`${vendorName} ${operation}: the replay got ${replayed.refused} non-2xx answers`);
				const floor = await n8nFloor(real.ref, entries);
				replayOnly = { replayMs: replayed.ms, requests: entries.length, n8nFloorMs: floor.ms };
			}
			await host.call({ op: 'stop', handle: real.handle });
			return { ...measured, wallMs, startedAt, cpuMs, log, storedAfter, rssBefore, maxRssBefore, replayOnly, seedMs: real.seedMs };
		};
		const first = await realRun(true);
		const realRuns = [first];
		while (realRuns.length < REAL_RUNS && first.wallMs < REPEAT_UNDER_MS) {
			const again = await realRun(false);
			if (again.value.failedItems !== first.value.failedItems || again.value.itemsOut !== first.value.itemsOut) {
				throw new Error(`${vendorName} ${operation}: real-limits run ${realRuns.length + 1} put out ${again.value.itemsOut} items (${again.value.failedItems} failed), the first ${first.value.itemsOut} (${first.value.failedItems} failed)`);
			}
			realRuns.push(again);
		}
		const fastest = realRuns.reduce((best, run) => (run.wallMs < best.wallMs ? run : best));
		const { log, wallMs, cpuMs, storedAfter, startedAt } = fastest;
		const endedAt = startedAt + wallMs;
		// The floors of a row without limits-off runs: the fastest over the runs, as on the other rows.
		const replays = realRuns.flatMap((run) => (run.replayOnly ? [run.replayOnly] : []));
		const replayOnly: ScenarioResult['replayOnly'] =
			replays.length > 0
				? { requests: fastest.replayOnly!.requests, replayMs: Math.min(...replays.map((r) => r.replayMs)), n8nFloorMs: Math.min(...replays.map((r) => r.n8nFloorMs)) }
				: undefined;
		const arrivals = log.map((entry) => entry.at);
		const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]);
		const firstLimit = log.findIndex((entry) => entry.limitAnswer);

		// 3. Limits off: the node's CPU time, then the same requests without the node.
		let off: ScenarioResult['off'];
		if (runs > 0) {
			setTimeScale(1_000_000);
			const exec: number[] = [];
			const replayCpu: number[] = [];
			const overhead: number[] = [];
			const floorCpu: number[] = [];
			const realParametersCpu: number[] = [];
			const nodeOwn: number[] = [];
			let floorWallMs = Infinity;
			const withExpressions: number[] = [];
			let replayMs = Infinity;
			let offWallMs = Infinity;
			let sent = 0;
			let offSpanMs = Infinity;
			let wallWithExpressionsMs = Infinity;
			const offGaps: number[] = [];
			for (let round = 0; round < runs; round++) {
				resetProcessState();
				const free = await host.start(vendorName, false, seeded);
				collectGarbage();
				// Constant parameters: n8n's evaluation of `={{ … }}` expressions is measured apart.
				const offCpu = process.cpuUsage();
				const offStarted = performance.now();
				const offResult = await execute(free.ref, false);
				offWallMs = Math.min(offWallMs, performance.now() - offStarted);
				const execCpuMs = cpuMsSince(offCpu);
				if (offResult.executionError) throw new Error(`${vendorName} ${operation} (limits off): ${offResult.executionError.message}`);
				const entries = (await host.call({ op: 'log', handle: free.handle, full: true })).entries!;
				sent = entries.length;
				if (entries.length > 0) offSpanMs = Math.min(offSpanMs, entries[entries.length - 1].at - entries[0].at);
				if (entries.length > 1) offGaps.push(spread(entries.slice(1).map((entry, i) => entry.at - entries[i].at)).median);
				collectGarbage();
				const replayed = await replay(free.ref.baseUrl, entries);
				if (replayed.refused > 0) throw new Error(`${vendorName} ${operation}: the replay got ${replayed.refused} non-2xx answers`);
				// n8n's own floor, against the same sandbox as the bare replay (the tokens in the
				// logged headers are valid there).
				const floor = await n8nFloor(free.ref, entries);
				await host.call({ op: 'stop', handle: free.handle });
				floorWallMs = Math.min(floorWallMs, floor.ms);
				floorCpu.push(floor.cpuMs);
				if (operation === 'list') {
					realParametersCpu.push(execCpuMs);
					nodeOwn.push(((execCpuMs - floor.cpuMs) * 1000) / items);
				}
				replayMs = Math.min(replayMs, replayed.ms);
				exec.push(execCpuMs);
				replayCpu.push(replayed.cpuMs);
				overhead.push(((execCpuMs - replayed.cpuMs) * 1000) / items);
				if (operation === 'create') {
					resetProcessState();
					const again = await host.start(vendorName, false, seeded);
					collectGarbage();
					const exprCpu = process.cpuUsage();
					const exprStarted = performance.now();
					await execute(again.ref, true);
					wallWithExpressionsMs = Math.min(wallWithExpressionsMs, performance.now() - exprStarted);
					const exprCpuMs = cpuMsSince(exprCpu);
					withExpressions.push(((exprCpuMs - replayed.cpuMs) * 1000) / items);
					realParametersCpu.push(exprCpuMs);
					nodeOwn.push(((exprCpuMs - floor.cpuMs) * 1000) / items);
					await host.call({ op: 'stop', handle: again.handle });
				}
			}
			setTimeScale(1);
			off = {
				runs,
				requests: sent,
				replayMs,
				wallMs: offWallMs,
				spanMs: offSpanMs === Infinity ? 0 : offSpanMs,
				gapMedianMs: offGaps.length > 0 ? spread(offGaps).median : undefined,
				wallWithExpressionsMs: wallWithExpressionsMs === Infinity ? undefined : wallWithExpressionsMs,
				execCpuMs: spread(exec),
				replayCpuMs: spread(replayCpu),
				overheadUs: spread(overhead),
				n8nFloor: { wallMs: floorWallMs, cpuMs: spread(floorCpu) },
				execRealParametersCpuMs: spread(realParametersCpu),
				nodeOwnUs: spread(nodeOwn),
				expressionsPerItem: operation === 'create' ? countExpressions(vendor.createParameters({ baseUrl: '' })) : 0,
				overheadWithExpressionsUs: withExpressions.length > 0 ? spread(withExpressions) : undefined,
			};
		}

		const floor = operation === 'list' ? vendor.listFloor(items) : vendor.createFloor(items);
		return {
			vendor: vendorName,
			operation,
			items,
			real: {
				requests: log.length,
				limitAnswers: log.filter((entry) => entry.limitAnswer).length,
				wallMs,
				startupMs: arrivals.length > 0 ? arrivals[0] - startedAt : wallMs,
				spanMs: arrivals.length > 0 ? arrivals[arrivals.length - 1] - arrivals[0] : 0,
				tailMs: arrivals.length > 0 ? endedAt - arrivals[arrivals.length - 1] : 0,
				gaps: gaps.length > 0 ? { median: spread(gaps).median, min: Math.min(...gaps), max: Math.max(...gaps) } : undefined,
				afterFirstLimitAnswer: firstLimit < 0 ? 0 : log.length - firstLimit - 1,
				units: unitsSeen(log),
				wallRunsMs: spread(realRuns.map((run) => run.wallMs)),
				itemsOut: first.value.itemsOut,
				failedItems: first.value.failedItems,
				storedAfter,
				// A peak over a span that starts at "before" is at least "before".
				peakRssMb: Math.max(first.peakRss, first.rssBefore) / MB,
				peakHeapMb: first.peakHeap / MB,
				rssBeforeMb: first.rssBefore / MB,
				maxRssBeforeMb: first.maxRssBefore / MB,
				cpuMs,
				seedMs: first.seedMs,
			},
			floor: { ...floor, rateMs: rateFloorMs(vendor.rate, floor.requests), rule: vendor.rate.text, sustainedPerSecond: sustainedRate(vendor.rate) },
			off,
			replayOnly,
		};
	} finally {
		host.close();
	}
}
