/**
 * One scenario in its own process: `node bench/child.js <vendor> <list|create> <items>`.
 * Prints the result as one JSON line prefixed with "RESULT ".
 */
require('../scripts/ts-register');
const { runScenario } = require('./scenario.ts');

const [vendor, operation, items] = process.argv.slice(2);
runScenario(vendor, operation, Number(items)).then(
	(result) => {
		process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
		process.exit(0);
	},
	(error) => {
		process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
		process.exit(1);
	},
);
