/**
 * Three OS processes sharing one account per vendor, as n8n queue-mode workers would: each
 * process (test/reliability/worker.ts) runs, for every vendor at once, a bulk job through the
 * node against that vendor's sandbox: create N tasks, then get each by id. Each process keeps
 * its own request budget, so together they ask for up to three times the vendor's rate; the
 * sandbox enforces the vendor's real limit and answers the excess with its own limit answer.
 * Every item must succeed, every task exist exactly once, the account never be blocked, and the
 * limit answers stay within what the vendor puts up with (`limitTolerance` in vendors.ts).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { setupNock } from '../harness';
import type { RequestLogEntry, SandboxServer } from '../sandbox/framework';
import type { WorkerJob, WorkerResult } from './worker';
import { type AnyAdapter, VENDORS } from './vendors';

setupNock({ allowLocalhost: true });

const WORKERS = 3;
const PER_WORKER = 100;
/** The vendors' windows run 8 times faster, in the sandboxes and in the workers. */
const SCALE = 8;
const ROOT = join(__dirname, '..', '..');

interface Worker {
	ready: Promise<void>;
	go(): void;
	result: Promise<WorkerResult[]>;
}

/** Starts one worker process; it loads, says READY, and waits for `go()`. */
function startWorker(jobs: WorkerJob[]): Worker {
	const child = spawn(process.execPath, ['-r', join(__dirname, '..', '..', 'scripts', 'ts-register.js'), join(__dirname, 'worker.ts'), JSON.stringify(jobs)], {
		cwd: ROOT,
		// Each worker gets its own n8n user folder (test/setup-env.ts makes one).
		env: { ...process.env, N8N_USER_FOLDER: '' },
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	let markReady: () => void = () => undefined;
	const ready = new Promise<void>((resolve) => (markReady = resolve));
	child.stdout.on('data', (chunk: Buffer) => {
		stdout += chunk.toString();
		if (stdout.includes('READY\n')) markReady();
	});
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const result = new Promise<WorkerResult[]>((resolve, reject) => {
		child.on('error', reject);
		child.on('close', (code) => {
			markReady();
			const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
			if (code !== 0 || !line) reject(new Error(`worker exited with ${code}:\n${stderr}`));
			else resolve(JSON.parse(line.slice('RESULT '.length)) as WorkerResult[]);
		});
	});
	return { ready, go: () => child.stdin.end('go\n'), result };
}

/** The most limit answers in any window of `windowMs` (vendor time) among the logged requests. */
function peakLimitAnswers(requests: readonly RequestLogEntry[], status: number, windowMs: number): number {
	const times = requests.filter((r) => r.status === status).map((r) => r.at);
	let peak = 0;
	for (let start = 0, end = 0; end < times.length; end++) {
		while (times[end] - times[start] >= windowMs / SCALE) start++;
		peak = Math.max(peak, end - start + 1);
	}
	return peak;
}

const sandboxes = new Map<AnyAdapter, SandboxServer>();
const texts = (adapter: AnyAdapter, worker: number) =>
	Array.from({ length: PER_WORKER }, (_, n) => `${adapter.key}-w${worker}-task-${n}`);
/** Per worker, per vendor (in VENDORS order): what each item came back with. */
let results: WorkerResult[][];
/** Figures per vendor, printed for docs/reliability.md («Many workers»). */
const figures: Record<string, unknown> = {};

beforeAll(async () => {
	for (const adapter of VENDORS) {
		const sandbox = adapter.createSandbox({ timeScale: SCALE });
		await sandbox.start();
		adapter.prepare(sandbox);
		sandboxes.set(adapter, sandbox);
	}
	const workers = Array.from({ length: WORKERS }, (_, w) =>
		startWorker(
			VENDORS.map((adapter) => {
				const sandbox = sandboxes.get(adapter)!;
				return {
					vendor: adapter.key,
					timeScale: SCALE,
					credentials: adapter.credentials(sandbox),
					createParameters: adapter.createParameters(sandbox),
					texts: texts(adapter, w),
				};
			}),
		),
	);
	// All three start their jobs at the same moment, once loaded.
	await Promise.all(workers.map(async (worker) => await worker.ready));
	workers.forEach((worker) => worker.go());
	results = await Promise.all(workers.map(async (worker) => await worker.result));
}, 150_000);

afterAll(async () => {
	for (const sandbox of sandboxes.values()) await sandbox.stop();
	// eslint-disable-next-line no-console
	if (process.env.RELIABILITY_FIGURES) console.log(JSON.stringify(figures, null, 1));
});

describe.each(VENDORS.map((adapter, index) => [adapter.displayName, adapter, index] as const))(
	'%s: three worker processes, one account',
	(_name, adapter, index) => {
		it(`finish ${WORKERS} × ${PER_WORKER} creates and reads with no failed item, within the vendor's limit tolerance`, () => {
			const sandbox = sandboxes.get(adapter)!;
			const mine = results.map((perVendor) => perVendor[index]);

			// Zero failed items, in every worker.
			const errors = mine.flatMap((r) => [...r.created, ...r.read]).filter((item) => item.error !== undefined);
			expect(errors).toEqual([]);
			// Every task exists exactly once, under the id its worker was told.
			const stored = adapter.storedTasks(sandbox);
			const expected = mine.flatMap((_, w) => texts(adapter, w));
			expect(stored.map((t) => t.text).sort()).toEqual(expected.sort());
			const storedId = new Map(stored.map((t) => [t.text, t.id]));
			mine.forEach((result, w) => {
				expect(result.created.map((item) => item.id)).toEqual(texts(adapter, w).map((text) => storedId.get(text)));
				expect(result.read.map((item) => item.id)).toEqual(result.created.map((item) => item.id));
			});
			// Never blocked, and the limit answers within the vendor's tolerance.
			const { answers, windowMs } = adapter.limitTolerance;
			const peak = peakLimitAnswers(sandbox.requests, adapter.limitStatus, windowMs);
			figures[adapter.displayName] = {
				items: WORKERS * PER_WORKER * 2,
				requests: sandbox.stats.total,
				limitAnswers: adapter.limitAnswers(sandbox),
				peakLimitAnswersPerWindow: peak,
				tolerance: adapter.limitTolerance,
			};
			expect(adapter.blocked(sandbox)).toBe(false);
			expect(peak).toBeLessThanOrEqual(answers);
		});
	},
);
