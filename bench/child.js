/**
 * One scenario in a fresh process:
 * `node bench/child.js <vendor> <list|create> <items> <runs> <realRuns> <repeatUnderMs>`
 * (runs: limits-off executions for the CPU overhead, 0 = none; realRuns: real-limits runs of a
 * row whose first one takes under repeatUnderMs). The sandbox runs in a process
 * of its own (bench/sandbox-host.js). Prints the result as one JSON line prefixed with "RESULT ".
 */
require('../scripts/ts-register');
const { runScenario } = require('./scenario.ts');

const [vendor, operation, items, runs, realRuns, repeatUnderMs] = process.argv.slice(2);
runScenario(vendor, operation, Number(items), Number(runs), { realRuns: Number(realRuns ?? 1), repeatUnderMs: Number(repeatUnderMs ?? 0) }).then(
	(result) => {
		process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
		process.exit(0);
	},
	(error) => {
		process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
		process.exit(1);
	},
);
