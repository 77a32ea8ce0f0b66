/**
 * Which n8n engine the harness runs on. `npm test` loads n8n-core / n8n-workflow 2.x;
 * `npm run test:n8n1` maps them to the versions n8n 1.123.81 ships (test/n8n1/jest.config.js).
 *
 * What differs between the two for this package, and where the harness branches:
 * - Polling in an active workflow (run-poll.ts). n8n 2.x runs each poll through n8n-core's
 *   `PollTriggerExecutor` in a staging scope: the node's static data is a copy for the poll,
 *   committed only after the hand-off succeeds. n8n 1.x (n8n-core's
 *   `ActiveWorkflows.activatePolling`, the CLI's `getExecutePollFunctions`) polls on the
 *   workflow's own static data: whatever the poll writes stays in memory for the next poll,
 *   a poll that throws or whose hand-off fails included. The CLI saves it to the database when
 *   a poll emits (before it creates the execution), after activating and when deactivating.
 * - The activation poll: 1.x keeps what it wrote; 2.x with durable poll cursors discards it.
 * - `this.getPollBudgetMs()` exists in 2.x only (the package calls it only where it exists).
 * - A 401 under `ignoreHttpStatusErrors: { ignore: true, except: [401] }`: 2.x throws it and
 *   re-authenticates (preAuthentication again, OAuth2 refresh) before one retry; 1.x knows no
 *   `except` and hands it back as an answer. The package then resends the request once with
 *   status errors on, so 1.x's own 401 handling runs: one more request than on 2.x.
 * - n8n-workflow 1.x's NodeApiError drops its cause: the network code or HTTP status is read
 *   from its `httpCode`, the body from `context.data` (request.ts, `fromOlderNodeApiError`);
 *   the Pyrus credential's refused-token error carries both for it.
 * - A failed OAuth2 retry after a refresh: 1.x resends the request once more on its generic
 *   401 path (REQUESTS_FOR_A_REFUSED_OAUTH2_TOKEN).
 * Everything else the suites use (WorkflowExecute, ExecutionLifecycleHooks, LoadOptionsContext,
 * CredentialTestContext, the credentials helper's calls, `@n8n/di`) behaves alike.
 *
 * A test of something only 2.x has is declared with {@link itWhereEngineHas} (a test of 1.x's
 * own behaviour with {@link itWhereEngineLacks}): on the other engine the test is replaced by
 * one that proves the engine indeed lacks (or has) the feature.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { format } from 'node:util';

import * as nodeCore from 'n8n-core';
import type { INode, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { buildAdditionalData } from './additional-data';
import { HarnessCredentialsHelper } from './credentials';
import { HarnessNodeTypes } from './node-types';

/** Version of the package that `require(name)` loads here (jest's module map applied). */
function loadedVersion(name: string): string {
	for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
		try {
			const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version: string };
			if (manifest.name === name) return manifest.version;
		} catch {
			// no package.json at this level
		}
	}
	throw new Error(`harness: cannot tell which version of ${name} is loaded`);
}

export const N8N_CORE_VERSION = loadedVersion('n8n-core');
export const N8N_WORKFLOW_VERSION = loadedVersion('n8n-workflow');
/** n8n's major line the loaded n8n-core belongs to (n8n-core 1.122 ships with n8n 1.123). */
export const N8N_MAJOR = Number(N8N_CORE_VERSION.split('.')[0]);

/** A poll context of a one-node workflow, to look at what the engine gives a poll. */
function probePollContext(): object {
	const poller: INodeType = {
		description: {
			displayName: 'Probe',
			name: 'probe',
			group: ['trigger'],
			version: 1,
			description: '',
			defaults: {},
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			polling: true,
			properties: [],
		},
		poll: async () => null,
	};
	const node: INode = { id: 'probe', name: 'Probe', type: 'harness.probe', typeVersion: 1, position: [0, 0], parameters: {} };
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: new HarnessNodeTypes({ 'harness.probe': poller }),
	});
	const additionalData = buildAdditionalData({ credentialsHelper: new HarnessCredentialsHelper({}, {}), workflowId: 'probe' });
	return new nodeCore.PollContext(workflow, node, additionalData, 'trigger', 'update');
}

/** Engine features some tests are about, each with a probe of the loaded n8n-core. */
export const ENGINE_FEATURES = {
	stagedPollCursor: {
		what: "staged poll cursors (n8n-core's PollTriggerExecutor keeps a poll's node static data only after the hand-off; n8n 2.x)",
		probe: () => typeof (nodeCore as Record<string, unknown>).PollTriggerExecutor === 'function',
	},
	pollBudget: {
		what: 'a poll time budget (this.getPollBudgetMs(); n8n 2.x)',
		probe: () => typeof (probePollContext() as { getPollBudgetMs?: unknown }).getPollBudgetMs === 'function',
	},
	reauthenticatesIgnoringStatuses: {
		what: "n8n's re-authentication on a 401 under `ignoreHttpStatusErrors: { ignore: true, except: [401] }` (n8n 2.x; 1.x hands the 401 back as an answer)",
		// Told by the major version: the difference lies inside n8n-core's HTTP helpers.
		probe: () => N8N_MAJOR >= 2,
	},
} as const;

/**
 * Requests one read refused with 401 by a token that stays refused makes: n8n's own retry
 * after re-authenticating (2.x); on 1.x one more, the package's resend that lets n8n see the
 * 401 at all (nodes/shared/transport/request.ts, `reauthentication`).
 */
export const REQUESTS_FOR_A_REFUSED_TOKEN = N8N_MAJOR >= 2 ? 2 : 3;

/** Of those, the ones sent with the refused token before n8n re-authenticates (2.x: 1, 1.x: 2). */
export const REQUESTS_BEFORE_REAUTHENTICATION = REQUESTS_FOR_A_REFUSED_TOKEN - 1;

/**
 * The same for an OAuth2 credential whose refreshed token is refused too: n8n 1.x then resends
 * the request once more on its generic 401 path (2.x: 2, 1.x: 4).
 */
export const REQUESTS_FOR_A_REFUSED_OAUTH2_TOKEN = N8N_MAJOR >= 2 ? 2 : 4;

export type EngineFeature = keyof typeof ENGINE_FEATURES;

export function engineHas(feature: EngineFeature): boolean {
	return ENGINE_FEATURES[feature].probe();
}

/**
 * `it` for a test of a behaviour only engines with `feature` have. On an engine without it the
 * test is not left out silently: a test of the same name (marked "not on n8n-core <version>")
 * asserts that the loaded engine really lacks the feature, so it fails once the engine gains it.
 */
export function itWhereEngineHas(feature: EngineFeature): jest.It {
	return itWhere(feature, true);
}

/** `it` for a test of how an engine without `feature` (n8n 1.x) behaves; the mirror of {@link itWhereEngineHas}. */
export function itWhereEngineLacks(feature: EngineFeature): jest.It {
	return itWhere(feature, false);
}

function itWhere(feature: EngineFeature, present: boolean): jest.It {
	if (engineHas(feature) === present) return it;
	const { what, probe } = ENGINE_FEATURES[feature];
	const replaced = (name: string) =>
		it(`${name} [not on n8n-core ${N8N_CORE_VERSION}: it ${present ? 'has no' : 'has'} ${what}]`, () => {
			expect(probe()).toBe(!present);
		});
	const each = ((table: readonly unknown[]) => (name: string) => {
		for (const row of table) replaced(Array.isArray(row) ? format(name, ...(row as unknown[])) : format(name, row));
	}) as unknown as jest.It['each'];
	return Object.assign((name: string) => replaced(name), { each }) as unknown as jest.It;
}
