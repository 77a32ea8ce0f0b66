// Prints jest's result file as the plain closing line CI reads: "N passed, N failed".
const fs = require('fs');

const file = process.argv[2];
let results;
try {
	results = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (error) {
	console.log(`no test results in ${file}: ${error.message}`);
	console.log('0 passed, 1 failed');
	process.exit(1);
}
const failed = results.numFailedTests + (results.numRuntimeErrorTestSuites || 0);
console.log(`${results.numPassedTests} passed, ${failed} failed`);
if (results.numTotalTests === 0 || failed > 0) process.exit(1);
