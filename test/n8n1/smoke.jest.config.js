/**
 * The smoke test in real n8n 1.x (test/n8n1/smoke.e2e.test.ts): n8n 1.123 installed into the
 * per-user cache on first use, the package as a community package, the vendor sandboxes.
 * One n8n serves the run, in band. `npm run test:n8n1:e2e`.
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	displayName: 'n8n 1.x smoke',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/n8n1'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	maxWorkers: 1,
	// The first run installs n8n (minutes); the steps set their own, longer timeouts.
	testTimeout: 120000,
	verbose: true,
};
