// Prints jest's result files (one or more) as the plain closing line CI reads: "N passed, N failed".
// A file that is missing or unreadable counts as one failure: its suite left no results.
const fs = require('fs');

let passed = 0;
let failed = 0;
let total = 0;
for (const file of process.argv.slice(2)) {
	try {
		const results = JSON.parse(fs.readFileSync(file, 'utf8'));
		passed += results.numPassedTests;
		failed += results.numFailedTests + (results.numRuntimeErrorTestSuites || 0);
		total += results.numTotalTests;
	} catch (error) {
		console.log(`no test results in ${file}: ${error.message}`);
		failed += 1;
	}
}
console.log(`${passed} passed, ${failed} failed`);
if (total === 0 || failed > 0) process.exit(1);
