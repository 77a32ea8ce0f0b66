#!/usr/bin/env node
// `npm run test:n8n1:e2e`: project dependencies on a fresh clone, then jest with the smoke
// test's config (the test installs n8n 1.x itself). Extra arguments go to jest.
'use strict';
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { root, ensureDependencies } = require('../../scripts/start/deps');

ensureDependencies();
const result = spawnSync(
	process.execPath,
	[join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '-c', join(__dirname, 'smoke.jest.config.js'), ...process.argv.slice(2)],
	{ cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
