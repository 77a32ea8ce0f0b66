/**
 * The 429 risk of amoCRM pacings against the loopback sandbox, which enforces 7 requests in any
 * 1 s sliding window (counted as requests reach its limiter) and blocks the account after more
 * than 20 answers 429 in a minute.
 *
 *   node bench/amocrm-pacing.js [--runs 20] [--requests 200] [--scale 10] [--only <pacing name part>]
 *
 * Each pacing (a rate-governor policy set on the amoCRM profile for the measurement only) runs
 * `runs` times `requests` Get Many requests through n8n's engine: once as one execution
 * (sequential items), once as 4 executions at once (sharing the account's governor); each of
 * those without jitter and with answer-time jitter (a request reaches the limiter 20–80 ms
 * after it left, and its answer comes 50–400 ms after that: scaled down with the time scale).
 * Helper and sandbox run on the same time scale, so the machine's own timing noise weighs
 * `scale` times more than at real speed: the figures overstate the risk, never understate it.
 * Prints one line per case: 429s per 1,000 requests, worst run, runs blocked, and the mean time
 * of a run against the floor ⌊(n − 1) / 7⌋ s (in unscaled seconds).
 */
require('../scripts/ts-register');

const { AmoCrmApi } = require('../credentials/AmoCrmApi.credentials.ts');
const { AmoCrm } = require('../nodes/AmoCrm/AmoCrm.node.ts');
const { amoCrmProfile } = require('../nodes/AmoCrm/api.ts');
const { resetProcessState, setTimeScale } = require('../nodes/shared/transport/clock.ts');
const { runWorkflow } = require('../test/harness/run-workflow.ts');
const { AmoCrmSandbox, seedDemo } = require('../test/sandbox/amocrm.ts');

const NODE_TYPE = 'n8n-nodes-crm-tasks.amoCrm';
const WINDOW = { limit: 7, windowMs: 1000 };
const PACINGS = {
	'bucket 1, 6.5/s (shipped before)': { capacity: 1, refillPerSecond: 6.5, maxInFlight: 4, window: WINDOW },
	'bucket 1, 7/s': { capacity: 1, refillPerSecond: 7, maxInFlight: 4, window: WINDOW },
	'bucket 7, 7/s (burst)': { capacity: 7, refillPerSecond: 7, maxInFlight: 4, window: WINDOW },
	// What the window check (kept on answer times) protects against: the bucket alone.
	'bucket 1, 7/s, no window': { capacity: 1, refillPerSecond: 7, maxInFlight: 4 },
};
/** `--only <text>`: the pacings whose name contains it. */
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : '';

function arg(name, fallback) {
	const at = process.argv.indexOf(`--${name}`);
	return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

const RUNS = arg('runs', 20);
const REQUESTS = arg('requests', 200);
const SCALE = arg('scale', 10);
const PARALLEL = 4;

async function main() {
	setTimeScale(SCALE);
	const sandbox = new AmoCrmSandbox({ timeScale: SCALE, seed: 11 });
	const baseUrl = await sandbox.start();
	seedDemo(sandbox, { tasks: 3 });
	let jitter = false;
	// After the limiter: the answer's own time (server work and the way back).
	sandbox.use(async () => {
		if (jitter) await new Promise((resolve) => setTimeout(resolve, (50 + Math.random() * 350) / SCALE));
		return undefined;
	});
	const original = amoCrmProfile.rateLimit;

	async function execution(items) {
		return await runWorkflow({
			nodeTypes: { [NODE_TYPE]: new AmoCrm() },
			credentialTypes: { amoCrmApi: new AmoCrmApi() },
			credentials: { amoCrmApi: { domain: 'custom', baseUrl, accessToken: 'test-token' } },
			node: { type: NODE_TYPE, parameters: { resource: 'task', operation: 'getAll', returnAll: false, limit: 1, simplify: false } },
			input: Array.from({ length: items }, (_, n) => ({ n })),
		});
	}

	const floorS = Math.floor((REQUESTS - 1) / WINDOW.limit);
	process.stdout.write(`${RUNS} runs of ${REQUESTS} requests per case, time scale ${SCALE}; floor ${floorS} s a run\n`);
	for (const [name, policy] of Object.entries(PACINGS).filter(([n]) => n.includes(ONLY))) {
		amoCrmProfile.rateLimit = policy;
		for (const parallel of [1, PARALLEL]) {
			for (const withJitter of [false, true]) {
				jitter = withJitter;
				sandbox.faults.reset();
				// Before the limiter: the way to the server.
				if (withJitter) sandbox.faults.set({ latencyMs: [20 / SCALE, 80 / SCALE] });
				let refused = 0;
				let sent = 0;
				let worst = 0;
				let blocked = 0;
				let failed = 0;
				let seconds = 0;
				for (let run = 0; run < RUNS; run++) {
					resetProcessState();
					sandbox.unblock();
					sandbox.resetStats();
					sandbox.clearLog();
					const started = performance.now();
					const results = await Promise.all(Array.from({ length: parallel }, async () => await execution(REQUESTS / parallel)));
					seconds += ((performance.now() - started) * SCALE) / 1000;
					failed += results.filter((result) => result.error || result.items.length !== REQUESTS / parallel).length;
					refused += sandbox.stats.limitRejections;
					sent += sandbox.stats.total;
					worst = Math.max(worst, sandbox.stats.limitRejections);
					if (sandbox.blocked) blocked++;
				}
				const perThousand = ((refused / sent) * 1000).toFixed(2);
				const time = (seconds / RUNS).toFixed(2);
				process.stdout.write(
					`${name} | ${parallel === 1 ? 'one execution' : `${PARALLEL} executions`} | ${withJitter ? 'jitter' : 'no jitter'} | ` +
						`429s ${refused} in ${sent} requests = ${perThousand} per 1,000 | worst run ${worst} | blocked runs ${blocked} | ` +
						`failed executions ${failed} | mean time ${time} s (${(seconds / RUNS / floorS).toFixed(2)}× the floor)\n`,
				);
			}
		}
	}
	amoCrmProfile.rateLimit = original;
	await sandbox.stop();
}

main().then(
	() => process.exit(0),
	(error) => {
		process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
		process.exit(1);
	},
);
