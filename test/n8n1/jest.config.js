/**
 * The engine-level suites again, on the n8n 1.x line: every test that runs through the harness
 * (test/harness) with `n8n-core` and `n8n-workflow` (and n8n-core's `@n8n/di`) swapped for the
 * versions n8n 1.123.81 ships, installed as the aliased devDependencies `n8n-core-v1`,
 * `n8n-workflow-v1` and `n8n-di-v1`. The swap is jest's module map: it holds for the package's
 * code, the harness, the sandboxes and n8n-core's own dependencies alike, so one copy of each
 * runs. `npm run test:n8n1`.
 * @type {import('jest').Config}
 */
const base = require('../../jest.config');

// Child processes of the suites (test/reliability/workers.test.ts) load TypeScript through
// scripts/ts-register.js, which maps the same three packages when this is set.
process.env.CRM_TASKS_N8N_ENGINE = 'v1';

const v1 = (alias) => `<rootDir>/node_modules/${alias}`;

module.exports = {
	...base,
	rootDir: '../..',
	displayName: 'n8n 1.x',
	moduleNameMapper: {
		'^n8n-core$': v1('n8n-core-v1'),
		'^n8n-core/(.*)$': `${v1('n8n-core-v1')}/$1`,
		'^n8n-workflow$': v1('n8n-workflow-v1'),
		'^n8n-workflow/(.*)$': `${v1('n8n-workflow-v1')}/$1`,
		'^@n8n/di$': v1('n8n-di-v1'),
	},
};
