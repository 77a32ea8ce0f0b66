/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	// nock's interceptors live on node's http module across test files; jest's clean-up of
	// globals between files would only warn about them.
	testEnvironmentOptions: { globalsCleanup: 'off' },
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// End-to-end tests need real n8n and a browser: `npm run test:e2e` (test/e2e/jest.config.js);
	// queue mode needs n8n, PostgreSQL and Redis: `npm run test:queue` (test/queue/jest.config.js);
	// the n8n 1.x smoke test: `npm run test:n8n1:e2e` (test/n8n1).
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/queue/', '<rootDir>/test/n8n1/'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
	setupFiles: ['<rootDir>/test/setup-env.ts'],
	testTimeout: 30000,
	// nock's interceptor (@mswjs/interceptors 0.39) keeps every mock socket's response parser as a
	// global handle, and with it each request, answer and the test file's modules: a process that
	// runs every file keeps growing (4 GB and out of memory on a full run). A worker whose memory
	// passed this after a file is replaced by a fresh one (this also runs the tests in a worker
	// where jest would otherwise run them in band, on machines with one or two cores).
	workerIdleMemoryLimit: '1GB',
	// Tests that start sandboxes close them; fail loudly if something is left open.
	detectOpenHandles: false,
};
