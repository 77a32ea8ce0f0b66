// The project's own dependencies, installed from the lockfile on a fresh clone (scripts are
// ignored by .npmrc). Plain JS: it runs before anything is compiled, on any Node >= 20.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');

function say(message) {
	process.stdout.write(`[crm-tasks] ${message}\n`);
}

function ensureDependencies() {
	if (existsSync(join(root, 'node_modules', 'typescript')) && existsSync(join(root, 'node_modules', 'jest'))) return;
	say('project dependencies: npm ci (first run of a fresh clone) ...');
	execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}

module.exports = { root, say, ensureDependencies };
