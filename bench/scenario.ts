/**
 * One benchmark scenario (a vendor, an operation, a size), run in a fresh process by
 * bench/run.js (bench/child.js). The vendor's sandbox runs in ANOTHER process
 * (bench/sandboxHost.ts), so every memory and CPU figure here is the n8n side's alone.
 *
 * 1. A small warm-up execution (limits off, a few tasks), so the measured one is not the
 *    process's first (JIT, lazily loaded modules) while adding next to nothing to its memory.
 * 2. Real limits: the sandbox enforces the vendor's real rate limit (time scale 1), the node runs
 *    through n8n's engine (test/harness runWorkflow) with its real governor: requests and when
 *    each arrived (the governor's actual pacing), limit answers, wall time, peak RSS / heap.
 * 3. Limits off, `runs` times (fresh sandbox each, the governor's waits scaled away): the same
 *    execution with its CPU time (`process.cpuUsage`), then the very requests it sent replayed
 *    by a bare keep-alive client (no n8n, no node) with its CPU time. Overhead per item =
 *    (execution CPU − replay CPU) / items, per run: what n8n's engine, the node and the shared
 *    transport add per task. The fastest replay's wall time is the network-and-server floor.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';

import type { IExecuteFunctions, IHttpRequestMethods, INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

import { resetProcessState, setTimeScale } from '../nodes/shared/transport/clock';
import { runWorkflow } from '../test/harness/run-workflow';
import type { QueryObject, QueryValue, RequestLogEntry } from '../test/sandbox/framework';
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
		wallMs: number;
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
		 * The same requests sent again through n8n's own HTTP helper (`helpers.httpRequest` in an
		 * n8n execute context, no node logic): n8n's unavoidable part of each request.
		 */
		helperReplay: { wallMs: number; cpuMs: Spread };
		/** (execution CPU − n8n helper replay CPU) / items, µs, per run: the node's own part plus n8n's per-item engine work. */
		beyondHelperUs: Spread;
		expressionsPerItem: number;
		overheadWithExpressionsUs?: Spread;
	};
	/** Rows without limits-off runs: the real run's requests replayed by the bare client. */
	replayOnly?: { replayMs: number; requests: number; helperReplayMs?: number };
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

/** The bench's stand-in node: sends the given requests through n8n's HTTP helper, nothing else. */
const HELPER_REPLAY_TYPE = 'bench.helperReplay';
let helperEntries: readonly RequestLogEntry[] = [];
let helperBaseUrl = '';
const helperReplayNode: INodeType = {
	description: {
		displayName: 'Helper Replay',
		name: HELPER_REPLAY_TYPE,
		group: ['transform'],
		version: 1,
		description: 'Sends logged requests through helpers.httpRequest',
		defaults: { name: 'Helper Replay' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as INodeType['description'],
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		let refused = 0;
		for (const entry of helperEntries) {
			const query = toQueryString(entry.query);
			const body = entry.body === undefined ? undefined : typeof entry.body === 'string' ? entry.body : JSON.stringify(entry.body);
			const headers: Record<string, string> = {};
			for (const [name, value] of Object.entries(entry.headers)) {
				if (!['host', 'content-length', 'connection', 'transfer-encoding'].includes(name) && typeof value === 'string') headers[name] = value;
			}
			const answer = (await this.helpers.httpRequest({
				method: entry.method as IHttpRequestMethods,
				url: `${helperBaseUrl}${entry.path}${query ? `?${query}` : ''}`,
				headers,
				body,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			})) as { statusCode: number };
			if (answer.statusCode >= 300) refused++;
		}
		return [[{ json: { refused } }]];
	},
};

/**
 * The logged requests sent again, one after another, through n8n's own HTTP helper in an n8n
 * execution (Manual Trigger → items → a node that only calls `helpers.httpRequest`).
 */
async function replayThroughN8n(baseUrl: string, entries: readonly RequestLogEntry[]): Promise<{ ms: number; cpuMs: number; refused: number }> {
	helperEntries = entries;
	helperBaseUrl = baseUrl;
	const cpu = process.cpuUsage();
	const started = performance.now();
	const result = await runWorkflow({ nodeTypes: { [HELPER_REPLAY_TYPE]: helperReplayNode }, node: { type: HELPER_REPLAY_TYPE, parameters: {} }, input: [{}] });
	const ms = performance.now() - started;
	const cpuMs = cpuMsSince(cpu);
	helperEntries = [];
	if (result.executionError) throw new Error(`helper replay: ${result.executionError.message}`);
	return { ms, cpuMs, refused: Number(result.items[0]?.json.refused ?? 0) };
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

/** The warm-up's size: enough to run every code path once, too small to matter for memory. */
const WARM_UP_ITEMS = 20;

export async function runScenario(vendorName: VendorName, operation: Operation, items: number, runs: number): Promise<ScenarioResult> {
	const vendor = VENDORS[vendorName];
	const seeded = operation === 'list' ? items : 0;
	const host = new SandboxHost();
	const execute = async (sandbox: SandboxRef, count: number, expressions = true) => {
		const create = vendor.createParameters(sandbox);
		return await runWorkflow({
			nodeTypes: vendor.nodeTypes,
			credentialTypes: vendor.credentialTypes as never,
			credentials: vendor.credentials(sandbox),
			node: { type: vendor.nodeType, parameters: operation === 'list' ? vendor.listParameters : expressions ? create : withoutExpressions(create) },
			input: operation === 'list' ? [{}] : vendor.createInput(count),
			continueOnFail: true,
		});
	};
	try {
		// 1. Warm-up.
		setTimeScale(1_000_000);
		const warmUp = await host.start(vendorName, false, operation === 'list' ? WARM_UP_ITEMS : 0);
		await execute(warmUp.ref, WARM_UP_ITEMS);
		await host.call({ op: 'stop', handle: warmUp.handle });

		// 2. Real limits, time scale 1.
		setTimeScale(1);
		resetProcessState();
		const real = await host.start(vendorName, true, seeded);
		const storedBefore = (await host.call({ op: 'stored', handle: real.handle })).stored!;
		await host.call({ op: 'clearLog', handle: real.handle });
		global.gc?.();
		const rssBefore = process.memoryUsage().rss;
		const maxRssBefore = process.resourceUsage().maxRSS * 1024;
		const cpu = process.cpuUsage();
		const startedAt = Date.now();
		const started = performance.now();
		const measured = await withMemoryPeak(async () => {
			const result = await execute(real.ref, items);
			// Only the counts leave this closure, so the items can be collected before step 3.
			if (result.executionError) throw new Error(`${vendorName} ${operation}: ${result.executionError.message}`);
			const failed = result.items.filter((item) => item.json.error !== undefined);
			if (failed.length > 0) process.stderr.write(`${vendorName} ${operation}: ${failed.length} failed items, e.g. ${JSON.stringify(failed[0].json)}\n`);
			return { itemsOut: result.items.length, failedItems: failed.length };
		});
		const wallMs = performance.now() - started;
		const endedAt = startedAt + wallMs;
		const cpuMs = cpuMsSince(cpu);
		const log = (await host.call({ op: 'log', handle: real.handle, full: false })).log!;
		const storedAfter = (await host.call({ op: 'stored', handle: real.handle })).stored! - storedBefore;
		// Without limits-off runs, the real run's own requests (less the limit answers) replayed
		// against the same sandbox with its limits switched off give the network-and-server time
		// (reads only: the store stays as it was; the tokens the node got stay valid).
		let replayOnly: ScenarioResult['replayOnly'];
		if (runs === 0 && operation === 'list') {
			const entries = (await host.call({ op: 'log', handle: real.handle, full: true })).entries!.filter((_, i) => !log[i].limitAnswer);
			await host.call({ op: 'limitsOff', handle: real.handle });
			const replayed = await replay(real.ref.baseUrl, entries);
			if (replayed.refused > 0) throw new Error(`${vendorName} ${operation}: the replay got ${replayed.refused} non-2xx answers`);
			const throughN8n = await replayThroughN8n(real.ref.baseUrl, entries);
			if (throughN8n.refused > 0) throw new Error(`${vendorName} ${operation}: the n8n helper replay got ${throughN8n.refused} non-2xx answers`);
			replayOnly = { replayMs: replayed.ms, requests: entries.length, helperReplayMs: throughN8n.ms };
		}
		await host.call({ op: 'stop', handle: real.handle });
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
			const helperCpu: number[] = [];
			const beyondHelper: number[] = [];
			let helperWallMs = Infinity;
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
				global.gc?.();
				// Constant parameters: n8n's evaluation of `={{ … }}` expressions is measured apart.
				const offCpu = process.cpuUsage();
				const offStarted = performance.now();
				const offResult = await execute(free.ref, items, false);
				offWallMs = Math.min(offWallMs, performance.now() - offStarted);
				const execCpuMs = cpuMsSince(offCpu);
				if (offResult.executionError) throw new Error(`${vendorName} ${operation} (limits off): ${offResult.executionError.message}`);
				const entries = (await host.call({ op: 'log', handle: free.handle, full: true })).entries!;
				sent = entries.length;
				if (entries.length > 0) offSpanMs = Math.min(offSpanMs, entries[entries.length - 1].at - entries[0].at);
				if (entries.length > 1) offGaps.push(spread(entries.slice(1).map((entry, i) => entry.at - entries[i].at)).median);
				global.gc?.();
				const replayed = await replay(free.ref.baseUrl, entries);
				if (replayed.refused > 0) throw new Error(`${vendorName} ${operation}: the replay got ${replayed.refused} non-2xx answers`);
				// The same requests through n8n's HTTP helper, against the same sandbox as the bare
				// replay (the tokens in the logged headers are valid there).
				global.gc?.();
				const throughN8n = await replayThroughN8n(free.ref.baseUrl, entries);
				await host.call({ op: 'stop', handle: free.handle });
				if (throughN8n.refused > 0) throw new Error(`${vendorName} ${operation}: the n8n helper replay got ${throughN8n.refused} non-2xx answers`);
				helperWallMs = Math.min(helperWallMs, throughN8n.ms);
				helperCpu.push(throughN8n.cpuMs);
				beyondHelper.push(((execCpuMs - throughN8n.cpuMs) * 1000) / items);
				replayMs = Math.min(replayMs, replayed.ms);
				exec.push(execCpuMs);
				replayCpu.push(replayed.cpuMs);
				overhead.push(((execCpuMs - replayed.cpuMs) * 1000) / items);
				if (operation === 'create') {
					resetProcessState();
					const again = await host.start(vendorName, false, seeded);
					global.gc?.();
					const exprCpu = process.cpuUsage();
					const exprStarted = performance.now();
					await execute(again.ref, items, true);
					wallWithExpressionsMs = Math.min(wallWithExpressionsMs, performance.now() - exprStarted);
					withExpressions.push(((cpuMsSince(exprCpu) - replayed.cpuMs) * 1000) / items);
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
				helperReplay: { wallMs: helperWallMs, cpuMs: spread(helperCpu) },
				beyondHelperUs: spread(beyondHelper),
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
				itemsOut: measured.value.itemsOut,
				failedItems: measured.value.failedItems,
				storedAfter,
				// A peak over a span that starts at "before" is at least "before".
				peakRssMb: Math.max(measured.peakRss, rssBefore) / MB,
				peakHeapMb: measured.peakHeap / MB,
				rssBeforeMb: rssBefore / MB,
				maxRssBeforeMb: maxRssBefore / MB,
				cpuMs,
				seedMs: real.seedMs,
			},
			floor: { ...floor, rateMs: rateFloorMs(vendor.rate, floor.requests), rule: vendor.rate.text, sustainedPerSecond: sustainedRate(vendor.rate) },
			off,
			replayOnly,
		};
	} finally {
		host.close();
	}
}
