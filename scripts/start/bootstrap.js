#!/usr/bin/env node
// `npm start` begins here, on any Node >= 20: install the project's own dependencies if this
// is a fresh clone, compile the launcher (TypeScript, with the vendor sandboxes it starts) into
// the git-ignored .cache/start/build, then hand over to it (scripts/start/main.ts).
'use strict';
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const { root, say, ensureDependencies } = require('./deps');

ensureDependencies();
say('compiling the launcher and the vendor sandboxes ...');
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(__dirname, 'tsconfig.json')], {
	cwd: root,
	stdio: 'inherit',
});
require(join(root, '.cache', 'start', 'build', 'scripts', 'start', 'main.js'))
	.main(process.argv.slice(2))
	.catch((error) => {
		process.stderr.write(`[crm-tasks] ${error instanceof Error ? error.stack : String(error)}\n`);
		process.exit(1);
	});
