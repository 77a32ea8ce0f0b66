#!/usr/bin/env node
/**
 * `npm run bench`: per vendor, Return All of 10,000 tasks and a bulk create of 1,000 tasks
 * through the node in n8n's engine against the vendor's loopback sandbox with its real limits,
 * each beside its floor; node overhead per item with the limits off; peak memory.
 * Writes the table to docs/benchmarks.md. No build step: TypeScript loads through
 * scripts/ts-register.js (typescript's transpileModule).
 *
 * Options: BENCH_LIST_TASKS / BENCH_CREATE_TASKS (default 10000 / 1000), BENCH_VENDORS
 * (comma list), BENCH_OUT (default docs/benchmarks.md).
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { CAUSES } = require('./causes');

const root = path.resolve(__dirname, '..');
const LIST_TASKS = Number(process.env.BENCH_LIST_TASKS || 10000);
const CREATE_TASKS = Number(process.env.BENCH_CREATE_TASKS || 1000);
const VENDORS = (process.env.BENCH_VENDORS || 'amocrm,moysklad,pyrus,bitrix24').split(',');
const OUT = path.resolve(root, process.env.BENCH_OUT || 'docs/benchmarks.md');
const TITLES = { amocrm: 'amoCRM', moysklad: 'MoySklad', pyrus: 'Pyrus', bitrix24: 'Bitrix24' };
const TIME_TARGET = 1.15;
const LOAD_AT_START = os.loadavg()[0];
const OVERHEAD_TARGET_US = 50;

function runChild(vendor, operation, items) {
	process.stdout.write(`bench: ${TITLES[vendor]} ${operation} ${items} … `);
	const started = Date.now();
	const child = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, 'child.js'), vendor, operation, String(items)], {
		cwd: root,
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
	});
	const line = (child.stdout || '').split('\n').find((l) => l.startsWith('RESULT '));
	if (child.status !== 0 || !line) {
		process.stdout.write('failed\n');
		process.stderr.write(child.stderr || '');
		return { vendor, operation, items, error: (child.stderr || `exit ${child.status}`).trim().split('\n').slice(0, 3).join(' ') };
	}
	if (child.stderr) process.stderr.write(child.stderr);
	process.stdout.write(`${((Date.now() - started) / 1000).toFixed(1)} s\n`);
	return JSON.parse(line.slice('RESULT '.length));
}

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mb = (value) => `${Math.round(value)} MB`;

function timeFloorMs(r) {
	// The least time is bounded by the rate limit and by the network: the same requests sent
	// one after another by a bare client against the sandbox with its limits off.
	return Math.max(r.floor.rateMs, r.off.replayMs);
}

function verdicts(r) {
	const floorMs = timeFloorMs(r);
	const expectedItems = r.items;
	return {
		requests: r.real.requests <= r.floor.requests,
		time: r.real.wallMs <= TIME_TARGET * floorMs,
		overhead: r.off.overheadUsPerItem < OVERHEAD_TARGET_US,
		correct:
			r.real.failedItems === 0 &&
			r.real.itemsOut === expectedItems &&
			(r.operation === 'list' || r.real.storedAfter === expectedItems),
	};
}

function render(results, startedAt, totalMs) {
	const cpus = os.cpus();
	const lines = [];
	lines.push('# Benchmarks');
	lines.push('');
	lines.push('Written by `npm run bench` (bench/run.js). Not part of `npm test`.');
	lines.push('');
	lines.push(`- Date: ${startedAt.toISOString()}`);
	lines.push(`- Machine: ${cpus.length} cores (${cpus[0] ? cpus[0].model.trim() : 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, ${os.platform()} ${os.release()}`);
	lines.push(`- Node ${process.version}`);
	lines.push(`- Load average (1 min) at start / end: ${LOAD_AT_START.toFixed(1)} / ${os.loadavg()[0].toFixed(1)} on ${cpus.length} cores — other work shares the machine, so times carry its noise (limits-off figures are the fastest of three runs to damp it)`);
	lines.push(`- Command: \`npm run bench\` (= \`node bench/run.js\`; list ${LIST_TASKS} tasks, create ${CREATE_TASKS} tasks; whole run ${seconds(totalMs)})`);
	lines.push('- TypeScript runs without a build: scripts/ts-register.js transpiles each .ts file on load with `typescript`\'s `transpileModule`.');
	lines.push('');
	lines.push('## How it is measured');
	lines.push('');
	lines.push('Each scenario runs in its own Node process (bench/child.js → bench/scenario.ts):');
	lines.push('');
	lines.push('1. **Real limits.** The vendor\'s loopback sandbox (test/sandbox/<vendor>.ts) enforces the vendor\'s real rate limit at time scale 1; the node runs through n8n-core\'s engine (test/harness `runWorkflow`, Manual Trigger → items → node) with its real rate governor and default options. "Requests" counts every HTTP request the sandbox received (token requests included, limit answers included); "time" is the wall time of the whole workflow execution.');
	lines.push('2. **Limits off.** A fresh sandbox without limits and the governor\'s waits scaled away (`setTimeScale(1e6)`); after a warm-up execution, the fastest of three measured ones (fresh sandbox each). Then the very requests it sent are replayed one after another by a bare keep-alive HTTP client that also decodes (gunzip, JSON.parse) each answer: that is the network-and-server time. **Overhead per item = (node execution − replay) / items**: what n8n\'s engine, the node and the shared transport add per task (parameter resolution, mapping, output items, governor, redaction, n8n\'s HTTP helper). It is measured with constant create parameters; "… with expressions" is the same run with the create\'s text (and amoCRM\'s due date) as `={{ $json.… }}` expressions, as in the real-limits run, so n8n\'s own expression evaluation is included there.');
	lines.push('3. **Peak memory**: the process\'s RSS high-water mark (`process.resourceUsage().maxRSS`) and the highest V8 heap in use sampled every 20 ms during the real-limits execution. The sandbox lives in the same process, so its in-memory store (10,000 tasks) and its answers are included; "RSS before" is the process after loading and seeding.');
	lines.push('');
	lines.push('**Floors.** Requests: the fewest the vendor\'s page / bulk sizes allow (per row below). Time: the larger of (a) the rate-limit floor, the least time from the first request\'s arrival to the last one\'s that the sandbox\'s enforced limit allows for the floor number of requests (sliding window of L per W: ⌊(n − 1) / L⌋ × W; leaky bucket with burst B draining D/s: max(0, n − B) / D), and (b) the replay time of the requests with no limit. Targets: requests at the floor; time ≤ 1.15 × the floor; overhead < 50 µs per item.');
	lines.push('');
	lines.push('## Results');
	lines.push('');
	lines.push('| Vendor | Operation | Requests (floor) | Time | Time floor | Time / floor | Limit answers | Overhead per item (limits off) | … with expressions | Peak RSS (before) | Peak heap | Targets |');
	lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
	const misses = [];
	for (const r of results) {
		const title = TITLES[r.vendor];
		const op = r.operation === 'list' ? `Return All of ${r.items}` : `Create ${r.items} (bulk)`;
		if (r.error) {
			lines.push(`| ${title} | ${op} | — | — | — | — | — | — | — | — | — | **run failed** |`);
			misses.push({ r, what: 'run', text: `the scenario failed: ${r.error}` });
			continue;
		}
		const v = verdicts(r);
		const floorMs = timeFloorMs(r);
		const marks = [v.requests ? 'requests ✓' : 'requests ✗', v.time ? 'time ✓' : 'time ✗', v.overhead ? 'overhead ✓' : 'overhead ✗'];
		if (!v.correct) marks.push('**result incomplete**');
		lines.push(
			`| ${title} | ${op} | ${r.real.requests} (${r.floor.requests}) | ${seconds(r.real.wallMs)} | ${seconds(floorMs)} | ${(r.real.wallMs / floorMs).toFixed(2)}× | ${r.real.limitAnswers} | ${r.off.overheadUsPerItem.toFixed(1)} µs | ${r.off.expressionsPerItem ? `${r.off.overheadWithExpressionsUsPerItem.toFixed(1)} µs (${r.off.expressionsPerItem} per item)` : '—'} | ${mb(r.real.peakRssMb)} (${mb(r.real.rssBeforeMb)}) | ${mb(r.real.peakHeapMb)} | ${marks.join(', ')} |`,
		);
		const key = `${r.vendor}.${r.operation}`;
		const cause = (what) => (CAUSES[`${key}.${what}`] || 'cause not analysed yet');
		if (!v.requests) misses.push({ r, what: 'requests', text: `${r.real.requests} requests, floor ${r.floor.requests}: ${cause('requests')}` });
		if (!v.time) misses.push({ r, what: 'time', text: `${seconds(r.real.wallMs)}, ${(r.real.wallMs / floorMs).toFixed(2)}× the floor of ${seconds(floorMs)}: ${cause('time')}` });
		if (!v.overhead) misses.push({ r, what: 'overhead', text: `${r.off.overheadUsPerItem.toFixed(1)} µs per item: ${cause('overhead')}` });
		if (!v.correct) {
			misses.push({ r, what: 'result', text: `${r.real.itemsOut} items out, ${r.real.failedItems} failed, ${r.real.storedAfter} stored (expected ${r.items})` });
		}
	}
	lines.push('');
	lines.push('## Floors, how each is computed');
	lines.push('');
	lines.push('| Vendor | Operation | Request floor | Enforced limit (sandbox, time scale 1) | Rate floor | Replay (no limit) | Limits-off execution |');
	lines.push('|---|---|---|---|---|---|---|');
	for (const r of results) {
		if (r.error) continue;
		lines.push(
			`| ${TITLES[r.vendor]} | ${r.operation} | ${r.floor.requests} = ${r.floor.how} | ${r.floor.rule} | ${seconds(r.floor.rateMs)} | ${seconds(r.off.replayMs)} (${r.off.requests} requests) | ${seconds(r.off.wallMs)} |`,
		);
	}
	lines.push('');
	lines.push('## Targets missed, with their causes');
	lines.push('');
	if (misses.length === 0) lines.push('None.');
	for (const miss of misses) lines.push(`- **${TITLES[miss.r.vendor]} ${miss.r.operation}, ${miss.what}**: ${miss.text}`);
	lines.push('');
	return lines.join('\n');
}

function main() {
	const startedAt = new Date();
	const results = [];
	for (const vendor of VENDORS) {
		results.push(runChild(vendor, 'list', LIST_TASKS));
		results.push(runChild(vendor, 'create', CREATE_TASKS));
	}
	const markdown = render(results, startedAt, Date.now() - startedAt.getTime());
	fs.mkdirSync(path.dirname(OUT), { recursive: true });
	fs.writeFileSync(OUT, markdown);
	process.stdout.write(`\n${markdown}\nbench: wrote ${path.relative(root, OUT)}\n`);
	if (results.some((r) => r.error)) process.exitCode = 1;
}

main();
