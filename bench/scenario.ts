/**
 * One benchmark scenario (a vendor and an operation), run in its own process by bench/run.js
 * so that its peak memory is its own:
 *
 * 1. Real limits: the vendor's sandbox enforces its real rate limit (time scale 1), the node
 *    runs through n8n's engine (test/harness runWorkflow) with its real governor: requests,
 *    wall time, limit answers, peak RSS / heap.
 * 2. Limits off: a fresh sandbox without limits, the governor's waits scaled away
 *    (setTimeScale(1e6)), the same run again: wall time of the node. Then the same HTTP
 *    requests are replayed one after another by a bare client (no n8n, no node): wall time of
 *    the network and the sandbox. Node overhead per item = (node − replay) / items.
 */
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';

import type { INodeParameters } from 'n8n-workflow';

import { resetProcessState, setTimeScale } from '../nodes/shared/transport/clock';
import { runWorkflow } from '../test/harness/run-workflow';
import type { QueryObject, QueryValue, RequestLogEntry, SandboxServer } from '../test/sandbox/framework';
import { VENDORS, rateFloorMs, type VendorName } from './vendors';

export type Operation = 'list' | 'create';

export interface ScenarioResult {
	vendor: VendorName;
	operation: Operation;
	items: number;
	real: {
		requests: number;
		/** Answers that were the vendor's limit answer (429 / 503 QUERY_LIMIT_EXCEEDED). */
		limitAnswers: number;
		wallMs: number;
		itemsOut: number;
		failedItems: number;
		storedAfter: number;
		peakRssMb: number;
		peakHeapMb: number;
		rssBeforeMb: number;
	};
	floor: { requests: number; how: string; rateMs: number; rule: string };
	off: {
		wallMs: number;
		requests: number;
		replayMs: number;
		overheadUsPerItem: number;
		withExpressionsMs: number;
		expressionsPerItem: number;
		overheadWithExpressionsUsPerItem: number;
	};
}

const MB = 1024 * 1024;

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

/** `={{ … }}` parameters of each vendor's create (see vendors.ts). */
const EXPRESSIONS_PER_ITEM: Record<VendorName, number> = { amocrm: 2, moysklad: 1, pyrus: 1, bitrix24: 1 };

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

/** Sends the logged requests again, one after another, and reads and decodes every answer. */
async function replay(baseUrl: string, entries: readonly RequestLogEntry[]): Promise<{ ms: number; refused: number }> {
	const agent = new http.Agent({ keepAlive: true });
	let refused = 0;
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
	const elapsed = performance.now() - started;
	agent.destroy();
	return { ms: elapsed, refused };
}

/** Highest RSS and heap seen while `run` runs (sampled every 20 ms, plus before and after). */
async function withMemoryPeak<T>(run: () => Promise<T>): Promise<{ value: T; peakRss: number; peakHeap: number }> {
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
		// The kernel's high-water mark catches peaks between two samples.
		peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
		return { value, peakRss, peakHeap };
	} finally {
		clearInterval(timer);
	}
}

const LIMIT_STATUSES = new Set([429, 503]);
/** Limits-off executions and replays per scenario; the fastest counts. */
const REPEATS = 3;

export async function runScenario(vendorName: VendorName, operation: Operation, items: number): Promise<ScenarioResult> {
	const vendor = VENDORS[vendorName];
	const seeded = operation === 'list' ? items : 0;
	const execute = async (sandbox: SandboxServer, expressions = true) =>
		await runWorkflow({
			nodeTypes: vendor.nodeTypes,
			credentialTypes: vendor.credentialTypes as never,
			credentials: vendor.credentials(sandbox),
			node: {
				type: vendor.nodeType,
				parameters:
					operation === 'list'
						? vendor.listParameters
						: expressions
							? vendor.createParameters(sandbox)
							: withoutExpressions(vendor.createParameters(sandbox)),
			},
			input: operation === 'list' ? [{}] : vendor.createInput(items),
			continueOnFail: true,
		});

	// A warm-up execution first (limits off), so that no measured one is the process's first
	// (JIT, lazily loaded modules).
	setTimeScale(1_000_000);
	const warmUp = await vendor.sandbox(false, seeded);
	await execute(warmUp);
	await warmUp.stop();

	// 1. Real limits, time scale 1.
	setTimeScale(1);
	resetProcessState();
	const real = await vendor.sandbox(true, seeded);
	const storedBefore = vendor.storedTasks(real);
	real.clearLog();
	global.gc?.();
	const rssBefore = process.memoryUsage().rss;
	const started = performance.now();
	const measured = await withMemoryPeak(async () => await execute(real));
	const wallMs = performance.now() - started;
	const result = measured.value;
	if (result.executionError) throw new Error(`${vendorName} ${operation}: ${result.executionError.message}`);
	const failed = result.items.filter((item) => item.json.error !== undefined);
	const failedItems = failed.length;
	if (failedItems > 0) process.stderr.write(`${vendorName} ${operation}: ${failedItems} failed items, e.g. ${JSON.stringify(failed[0].json)}\n`);
	const realRequests = real.requests.length;
	const limitAnswers = real.requests.filter((entry) => entry.status !== undefined && LIMIT_STATUSES.has(entry.status)).length;
	const storedAfter = vendor.storedTasks(real) - storedBefore;
	await real.stop();

	// 2. Limits off: the node's own cost, then the same requests without the node.
	setTimeScale(1_000_000);
	resetProcessState();
	// Constant parameters: n8n's evaluation of `={{ … }}` expressions (its cost, per
	// expression and item) is left out; the run with expressions is measured after it.
	// Each is the fastest of three (fresh sandbox each): the machine's other load only adds.
	let offMs = Infinity;
	let replayMs = Infinity;
	let sent: RequestLogEntry[] = [];
	for (let round = 0; round < REPEATS; round++) {
		resetProcessState();
		const free = await vendor.sandbox(false, seeded);
		free.clearLog();
		const offStarted = performance.now();
		const offResult = await execute(free, false);
		offMs = Math.min(offMs, performance.now() - offStarted);
		if (offResult.executionError) throw new Error(`${vendorName} ${operation} (limits off): ${offResult.executionError.message}`);
		sent = [...free.requests];
		const replayed = await replay(free.baseUrl, sent);
		if (replayed.refused > 0) throw new Error(`${vendorName} ${operation}: the replay got ${replayed.refused} non-2xx answers`);
		replayMs = Math.min(replayMs, replayed.ms);
		await free.stop();
	}
	let withExpressionsMs = offMs;
	if (operation === 'create') {
		withExpressionsMs = Infinity;
		for (let round = 0; round < REPEATS; round++) {
			resetProcessState();
			const again = await vendor.sandbox(false, seeded);
			const exprStarted = performance.now();
			await execute(again, true);
			withExpressionsMs = Math.min(withExpressionsMs, performance.now() - exprStarted);
			await again.stop();
		}
	}
	setTimeScale(1);

	const floor = operation === 'list' ? vendor.listFloor(items) : vendor.createFloor(items);
	return {
		vendor: vendorName,
		operation,
		items,
		real: {
			requests: realRequests,
			limitAnswers,
			wallMs,
			itemsOut: result.items.length,
			failedItems,
			storedAfter,
			peakRssMb: measured.peakRss / MB,
			peakHeapMb: measured.peakHeap / MB,
			rssBeforeMb: rssBefore / MB,
		},
		floor: { ...floor, rateMs: rateFloorMs(vendor.rate, floor.requests), rule: vendor.rate.text },
		off: {
			wallMs: offMs,
			requests: sent.length,
			replayMs,
			overheadUsPerItem: ((offMs - replayMs) * 1000) / items,
			withExpressionsMs,
			expressionsPerItem: operation === 'create' ? EXPRESSIONS_PER_ITEM[vendorName] : 0,
			overheadWithExpressionsUsPerItem: ((withExpressionsMs - replayMs) * 1000) / items,
		},
	};
}
