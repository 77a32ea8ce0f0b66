#!/usr/bin/env node
/**
 * `npm run bench`: per vendor, Return All of 10,000 and of 100,000 tasks and a bulk create of
 * 1,000 tasks through the node in n8n's engine against the vendor's loopback sandbox with its
 * real limits, each beside its floors (the vendor's, and the node's need where it is more);
 * node overhead per item from CPU time over several limits-off runs; peak memory of the n8n
 * side. Each scenario runs in a fresh process with its sandbox in another (bench/child.js,
 * bench/sandbox-host.js). Writes docs/benchmarks.md. No build step: TypeScript loads through
 * scripts/ts-register.js (typescript's transpileModule).
 *
 * Options: BENCH_LIST_TASKS / BENCH_CREATE_TASKS / BENCH_BIG_LIST_TASKS (default 10000 / 1000 /
 * 100000; 0 leaves the row out), BENCH_RUNS (limits-off runs for the overhead, default 5),
 * BENCH_REAL_RUNS (real-limits runs of a row whose first one takes under 10 s, default 5),
 * BENCH_VENDORS (comma list), BENCH_OUT (default docs/benchmarks.md).
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

require('../scripts/ts-register');
const { requestsCause, timeCause, overheadCause, floorMs, n8nFloorMs, TIME_TARGET } = require('./causes');

const root = path.resolve(__dirname, '..');
const LIST_TASKS = Number(process.env.BENCH_LIST_TASKS ?? 10000);
const CREATE_TASKS = Number(process.env.BENCH_CREATE_TASKS ?? 1000);
const BIG_LIST_TASKS = Number(process.env.BENCH_BIG_LIST_TASKS ?? 100000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const REAL_RUNS = Number(process.env.BENCH_REAL_RUNS ?? 5);
/** Longer real-limits runs are not repeated: the enforced rate sets their time. */
const REPEAT_UNDER_MS = 10_000;
const VENDORS = (process.env.BENCH_VENDORS || 'amocrm,moysklad,pyrus,bitrix24').split(',');
const OUT = path.resolve(root, process.env.BENCH_OUT || 'docs/benchmarks.md');
const TITLES = { amocrm: 'amoCRM', moysklad: 'MoySklad', pyrus: 'Pyrus', bitrix24: 'Bitrix24' };
const LOAD_AT_START = os.loadavg()[0];
const OVERHEAD_TARGET_US = 50;

function runChild(vendor, operation, items, runs) {
	process.stdout.write(`bench: ${TITLES[vendor]} ${operation} ${items} (${runs} limits-off runs) … `);
	const started = Date.now();
	const child = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, 'child.js'), vendor, operation, String(items), String(runs), String(REAL_RUNS), String(REPEAT_UNDER_MS)], {
		cwd: root,
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
	});
	const line = (child.stdout || '').split('\n').find((l) => l.startsWith('RESULT '));
	const seconds = (Date.now() - started) / 1000;
	if (child.status !== 0 || !line) {
		process.stdout.write('failed\n');
		process.stderr.write(child.stderr || '');
		return { vendor, operation, items, seconds, error: (child.stderr || `exit ${child.status}`).trim().split('\n').slice(0, 3).join(' ') };
	}
	if (child.stderr) process.stderr.write(child.stderr);
	process.stdout.write(`${seconds.toFixed(1)} s\n`);
	return { ...JSON.parse(line.slice('RESULT '.length)), seconds };
}

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mb = (value) => `${Math.round(value)} MB`;
const us = (value) => `${value.toFixed(1)} µs`;
const spreadText = (x) => `${us(x.median)} (${us(x.min)}–${us(x.max)})`;
const judged = (r) => r.off && r.off.runs >= 3;

function verdicts(r) {
	return {
		// At the vendor floor, or at the node's stated need (the floors table says why).
		requests: r.real.requests <= r.floor.requests,
		atVendorFloor: r.real.requests <= r.floor.vendor,
		time: r.real.wallMs <= TIME_TARGET * floorMs(r),
		overhead: judged(r) ? r.off.overheadUs.median < OVERHEAD_TARGET_US : undefined,
		correct: r.real.failedItems === 0 && r.real.itemsOut === r.items && (r.operation === 'list' || r.real.storedAfter === r.items),
	};
}

const opTitle = (r) => (r.operation === 'list' ? `Return All of ${r.items}` : `Create ${r.items} (bulk)`);

function render(results, startedAt, totalMs) {
	const cpus = os.cpus();
	const lines = [];
	const push = (...l) => lines.push(...l);
	push('# Benchmarks', '', 'Written by `npm run bench` (bench/run.js). Not part of `npm test`.', '');
	push(`- Date: ${startedAt.toISOString()}`);
	push(`- Machine: ${cpus.length} cores (${cpus[0] ? cpus[0].model.trim() : 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, ${os.platform()} ${os.release()}`);
	push(`- Node ${process.version}`);
	push(`- Load average (1 min) at start / end: ${LOAD_AT_START.toFixed(1)} / ${os.loadavg()[0].toFixed(1)} on ${cpus.length} cores — other work shares the machine, so wall times carry its noise; the overhead is CPU time, which the load barely moves`);
	push(
		`- Command: \`npm run bench\` (= \`node bench/run.js\`; list ${LIST_TASKS} and ${BIG_LIST_TASKS} tasks, create ${CREATE_TASKS} tasks, ${RUNS} limits-off runs per 10,000 / 1,000 row, ${REAL_RUNS} real-limits runs per row whose first one takes under ${seconds(REPEAT_UNDER_MS)}; whole run ${seconds(totalMs)})`,
	);
	push("- TypeScript runs without a build: scripts/ts-register.js transpiles each .ts file on load with `typescript`'s `transpileModule`.", '');
	push('## How it is measured', '');
	push('Each row runs in a fresh Node process (bench/child.js → bench/scenario.ts, the n8n side); its sandbox runs in another process (bench/sandbox-host.js → bench/sandboxHost.ts), so no figure of the n8n side holds the sandbox\'s store, answers or request log.', '');
	push(
		'1. **Real limits.** After a warm-up execution of the same workflow and size (limits off, its own sandbox with as many tasks), so the measured execution runs in a warm process (JIT, loaded modules) as a long-running n8n does, and a garbage collection (`global.gc`; the children run with `--expose-gc`; likewise before every measured execution below), the vendor\'s loopback sandbox (test/sandbox/<vendor>.ts) enforces the vendor\'s real rate limit at time scale 1; the node runs through n8n-core\'s engine (test/harness `runWorkflow`, Manual Trigger → items → node) with its real rate governor and default options. "Requests" counts every HTTP request the sandbox received (token requests and limit answers included), each with its arrival time: the gaps between arrivals are the governor\'s actual pacing. "Time" is the wall time of the whole workflow execution. ' +
			`A row whose first real-limits run takes under ${seconds(REPEAT_UNDER_MS)} runs ${REAL_RUNS} times (a fresh sandbox with the limits on and fresh process state each, so each run starts with the whole budget, as the first does) and its time is the fastest run\'s, as the floors below are the fastest of their runs; the Time column gives the spread of the runs. Every other figure of the real run (requests, arrivals, limit answers) is the fastest run\'s; the memory figures are the first run\'s. Longer rows run once: there the enforced rate sets the time.`,
	);
	push(
		`2. **Limits off**, ${RUNS} runs for the 10,000 / 1,000 rows (fresh sandbox each, the governor's waits scaled away with \`setTimeScale(1e6)\`): the execution's CPU time (\`process.cpuUsage\`, user + system, n8n side only), then the very requests it sent replayed one after another by a bare keep-alive HTTP client that also decodes (gunzip, JSON.parse) each answer, with its CPU time. Garbage is collected before each of them. **Overhead per item = (execution CPU − replay CPU) / items**, per run, reported as the median and the spread (min–max) over the runs and judged on the median: what n8n's engine, the node and the shared transport add per task (parameter resolution, mapping, output items, governor, redaction, n8n's HTTP helper). To tell n8n's unavoidable part from the node's, each run then measures **n8n's own floor** (bench/n8nFloor.ts): the same workflow (Manual Trigger → the same input items → node, the real run's parameters, the create's \`={{ … }}\` expressions included) with a bench-only node in place of ours that does only what n8n makes any node do — it reads the very parameters our node read, with the same item indexes, through n8n's \`getNodeParameter\` (recorded from our node's warm-up execution of the same size), sends the very requests our node sent (the sandbox's log) through n8n's \`helpers.httpRequest\`, one after another or, where our node keeps several in flight (Pyrus's create: the first alone, then as many at once as its governor allows), as many at once, and outputs the vendor's tasks unmapped (a list: one item per task; a create: one item per input item with its task). Its fastest wall time, or the rate floor where that is more, is the row's *n8n's own floor*: where it exceeds 1.15 × the vendor floor, no node in n8n can meet the time target on that row. **Node's own CPU per item = (the execution's CPU with the real run's parameters − n8n's own floor's CPU) / items**, per run. The overhead is measured with constant create parameters; "… with expressions" is the same with the create's text (and amoCRM's due date) as \`={{ $json.… }}\` expressions, as in the real-limits run. The 100,000 rows have no limits-off runs (they measure time, requests and memory); for their time floor the real run's own requests (less any limit answers) are replayed by the same bare client, and n8n's own floor is measured on them, against the real run's sandbox with its limits switched off: after each real-limits run where the row runs several, the fastest taken.`,
	);
	push(
		'3. **Peak memory** of the n8n side during the real-limits execution: the highest RSS and V8 heap in use sampled every 20 ms, and the kernel\'s RSS high-water mark (`process.resourceUsage().maxRSS`) where it rose during the execution. "Before" is the RSS right before the execution, after the garbage collection: modules loaded and a heap warmed by a warm-up of the same size, so it is higher than a fresh process\'s; the kernel\'s high-water mark counts only where it rose above what loading and the warm-up left, and the 20 ms samples catch the rest.',
		'',
	);
	push(
		'**Floors.** Requests: the *vendor floor* is the fewest requests the vendor\'s documented page / bulk sizes allow for the same output; where the node needs more, the row shows the *node\'s need* beside it and the floors table says why, and the request target is the need. Time: the larger of (a) the rate-limit floor, the least time from the first request\'s arrival to the last one\'s that the sandbox\'s enforced limit allows for the requests the node needs (sliding window of L per W: ⌊(n − 1) / L⌋ × W; leaky bucket with burst B draining D/s: max(0, n − B) / D), and (b) the fastest replay time of the requests with no limit. Targets: requests at the floor; time ≤ 1.15 × the floor; overhead (median) < 50 µs per item.',
		'',
	);
	push('## Results', '');
	push('| Vendor | Operation | Requests | Vendor floor | Node\'s need | Time | Time floor | Time / floor | Limit answers | n8n\'s own floor (same parameters, requests and items, no node logic) | Time / n8n\'s floor | Overhead per item, CPU: median (min–max) | … with expressions | Node\'s own CPU per item (execution − n8n\'s own floor, the real run\'s parameters) | Peak RSS, n8n side (before) | Peak heap | Targets |');
	push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
	const misses = [];
	for (const r of results) {
		const title = TITLES[r.vendor];
		if (r.error) {
			push(`| ${title} | ${opTitle(r)} | — | — | — | — | — | — | — | — | — | — | — | — | — | — | **run failed** |`);
			misses.push({ r, what: 'run', text: `the scenario failed: ${r.error}` });
			continue;
		}
		const v = verdicts(r);
		const floor = floorMs(r);
		const marks = [
			v.atVendorFloor ? 'requests ✓' : v.requests ? "requests ✓ (node's need)" : 'requests ✗',
			v.time ? 'time ✓' : 'time ✗',
			...(v.overhead === undefined ? [] : [v.overhead ? 'overhead ✓' : 'overhead ✗']),
		];
		if (!v.correct) marks.push('**result incomplete**');
		const overhead = judged(r) ? `${spreadText(r.off.overheadUs)}, ${r.off.runs} runs` : '—';
		const n8nFloor = r.off || r.replayOnly ? n8nFloorMs(r) : undefined;
		const nodeOwn = judged(r) ? spreadText(r.off.nodeOwnUs) : '—';
		const expressions = judged(r) && r.off.overheadWithExpressionsUs ? `${spreadText(r.off.overheadWithExpressionsUs)} (${r.off.expressionsPerItem} per item)` : '—';
		push(
			`| ${title} | ${opTitle(r)} | ${r.real.requests} | ${r.floor.vendor} | ${r.floor.nodeNeeds ? r.floor.nodeNeeds.requests : '= vendor floor'} | ${seconds(r.real.wallMs)}${r.real.wallRunsMs.values.length > 1 ? ` (${seconds(r.real.wallRunsMs.min)}–${seconds(r.real.wallRunsMs.max)}, ${r.real.wallRunsMs.values.length} runs)` : ''} | ${seconds(floor)} | ${(r.real.wallMs / floor).toFixed(2)}× | ${r.real.limitAnswers} | ${n8nFloor === undefined ? '—' : `${seconds(n8nFloor)} (${(n8nFloor / floor).toFixed(2)}× the floor)`} | ${n8nFloor === undefined ? '—' : `${(r.real.wallMs / n8nFloor).toFixed(2)}×`} | ${overhead} | ${expressions} | ${nodeOwn} | ${mb(r.real.peakRssMb)} (${mb(r.real.rssBeforeMb)}) | ${mb(r.real.peakHeapMb)} | ${marks.join(', ')} |`,
		);
		const head = `${title} ${opTitle(r)}`;
		if (!v.requests) misses.push({ head, what: 'requests', text: `${r.real.requests} requests, vendor floor ${r.floor.vendor}${r.floor.nodeNeeds ? `, node's need ${r.floor.nodeNeeds.requests}` : ''}: ${requestsCause(r)}` });
		if (!v.time) misses.push({ head, what: 'time', text: `${seconds(r.real.wallMs)}, ${(r.real.wallMs / floor).toFixed(2)}× the floor of ${seconds(floor)}: ${timeCause(r)}` });
		if (v.overhead === false) misses.push({ head, what: 'overhead', text: `${us(r.off.overheadUs.median)} per item in the median: ${overheadCause(r)}` });
		if (!v.correct) misses.push({ head, what: 'result', text: `${r.real.itemsOut} items out, ${r.real.failedItems} failed, ${r.real.storedAfter} stored (expected ${r.items})` });
	}
	push('', '## Floors, how each is computed', '');
	push("| Vendor | Operation | Vendor floor | Node's need, and why | Enforced limit (sandbox, time scale 1) | Rate floor | Replay (no limit) | n8n's own floor, no limit (wall; CPU median) | Limits-off execution (wall) |");
	push('|---|---|---|---|---|---|---|---|---|');
	for (const r of results) {
		if (r.error) continue;
		const need = r.floor.nodeNeeds ? `${r.floor.nodeNeeds.requests}: ${r.floor.nodeNeeds.why}` : '= vendor floor';
		const replay = r.off ? `${seconds(r.off.replayMs)} (${r.off.requests} request${r.off.requests === 1 ? '' : 's'})` : r.replayOnly ? `${seconds(r.replayOnly.replayMs)} (${r.replayOnly.requests} request${r.replayOnly.requests === 1 ? '' : 's'} of the real run)` : '—';
		const helper = r.off ? `${seconds(r.off.n8nFloor.wallMs)}; ${seconds(r.off.n8nFloor.cpuMs.median)} CPU` : r.replayOnly ? seconds(r.replayOnly.n8nFloorMs) : '—';
		push(`| ${TITLES[r.vendor]} | ${opTitle(r)} | ${r.floor.vendor} = ${r.floor.how} | ${need} | ${r.floor.rule} | ${seconds(r.floor.rateMs)} | ${replay} | ${helper} | ${r.off ? seconds(r.off.wallMs) : '—'} |`);
	}
	push('', '## Pacing measured (real limits)', '');
	push('Arrival times at the sandbox of the real-limits run: what the governor actually did.', '');
	push('| Vendor | Operation | Requests | First → last arrival | Gap between arrivals: median (min–max) | Requests a second | Limit answers (requests after the first) | Start-up → first request | Last request → end | Same requests, limits off: first → last | What the requests carried |');
	push('|---|---|---|---|---|---|---|---|---|---|---|');
	for (const r of results) {
		if (r.error) continue;
		const real = r.real;
		const gaps = real.gaps ? `${Math.round(real.gaps.median)} ms (${Math.round(real.gaps.min)}–${Math.round(real.gaps.max)} ms)` : '—';
		const rate = real.spanMs > 0 ? (((real.requests - 1) * 1000) / real.spanMs).toFixed(2) : '—';
		const carried = real.units.map((u) => `${u.unit}: ${u.runs.map(([c, t]) => (t > 1 ? `${c} × ${t}` : `${c}`)).join(', ')} (max ${u.max})`).join('; ') || '—';
		push(
			`| ${TITLES[r.vendor]} | ${opTitle(r)} | ${real.requests} | ${seconds(real.spanMs)} | ${gaps} | ${rate} | ${real.limitAnswers} (${real.afterFirstLimitAnswer}) | ${Math.round(real.startupMs)} ms | ${Math.round(real.tailMs)} ms | ${r.off ? `${seconds(r.off.spanMs)}${r.off.gapMedianMs === undefined ? '' : ` (median gap ${Math.round(r.off.gapMedianMs)} ms)`}` : '—'} | ${carried} |`,
		);
	}
	push('', '## Targets missed, with their causes (computed from the run)', '');
	if (misses.length === 0) push('None.');
	for (const miss of misses) push(`- **${miss.head ?? `${TITLES[miss.r.vendor]} ${opTitle(miss.r)}`}, ${miss.what}**: ${miss.text}`);
	push('', '## Run time', '');
	push('| Row | Processes\' wall time |', '|---|---|');
	for (const r of results) push(`| ${TITLES[r.vendor]} ${opTitle(r)} | ${r.seconds.toFixed(1)} s |`);
	push('');
	return lines.join('\n');
}

function main() {
	const startedAt = new Date();
	const results = [];
	for (const vendor of VENDORS) {
		if (LIST_TASKS > 0) results.push(runChild(vendor, 'list', LIST_TASKS, RUNS));
		if (BIG_LIST_TASKS > 0) results.push(runChild(vendor, 'list', BIG_LIST_TASKS, 0));
		if (CREATE_TASKS > 0) results.push(runChild(vendor, 'create', CREATE_TASKS, RUNS));
	}
	const markdown = render(results, startedAt, Date.now() - startedAt.getTime());
	fs.mkdirSync(path.dirname(OUT), { recursive: true });
	fs.writeFileSync(OUT, markdown);
	process.stdout.write(`\n${markdown}\nbench: wrote ${path.relative(root, OUT)}\n`);
	if (results.some((r) => r.error)) process.exitCode = 1;
}

main();
