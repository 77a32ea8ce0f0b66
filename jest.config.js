/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	// nock's interceptors live on node's http module across test files; jest's clean-up of
	// globals between files would only warn about them.
	testEnvironmentOptions: { globalsCleanup: 'off' },
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// End-to-end tests need real n8n and a browser: `npm run test:e2e` (test/e2e/jest.config.js).
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	setupFiles: ['<rootDir>/test/setup-env.ts'],
	testTimeout: 30000,
	// Tests that start sandboxes close them; fail loudly if something is left open.
	detectOpenHandles: false,
};
