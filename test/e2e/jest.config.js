/**
 * End-to-end tests: real n8n 2.41.1 (installed into the per-user cache on first use) with this
 * package as a community package, the vendor sandboxes, and Debian's Chromium for the editor.
 * Each test file starts its own n8n (on free ports, in its own folder); the files run one after
 * another (in band).
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	maxWorkers: 1,
	// The first run installs n8n (minutes); the steps set their own, longer timeouts.
	testTimeout: 120000,
	verbose: true,
};
