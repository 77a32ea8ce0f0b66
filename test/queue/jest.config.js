/**
 * Queue mode in real n8n 2.41.1 (`npm run test:queue`): PostgreSQL and Redis (installed from
 * Debian packages when missing), one main instance and two `n8n worker` processes, the vendor
 * sandboxes. One stack serves the whole run, so the tests live in one file and run in band.
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/queue'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	maxWorkers: 1,
	// The steps set their own, longer timeouts (installs, polls once a minute).
	testTimeout: 120000,
	verbose: true,
};
