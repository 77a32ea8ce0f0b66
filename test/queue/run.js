#!/usr/bin/env node
// `npm run test:queue`: project dependencies on a fresh clone, then jest with the queue-mode
// config (the test installs n8n, PostgreSQL and Redis itself when missing). Extra arguments go to jest.
'use strict';
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { root, ensureDependencies } = require('../../scripts/start/deps');

ensureDependencies();
const result = spawnSync(
	process.execPath,
	[join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '-c', join(__dirname, 'jest.config.js'), ...process.argv.slice(2)],
	{ cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
