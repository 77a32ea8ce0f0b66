/**
 * Smoke test in real n8n 1.x (the newest 1.123 the registry serves, installed beside 2.41.1 in
 * the per-user cache): the `npm start` stack on free ports in a fresh n8n folder, with the
 * package installed as a community package.
 * - n8n 1.x loads every node, its AI-tool variant and every credential of the package;
 * - one example workflow per vendor runs from its trigger (the editor's "Execute workflow")
 *   and its output is right;
 * - each vendor's polling trigger is activated, one task is changed in its sandbox right after
 *   the activation poll, and exactly one execution fires, holding exactly that task; the next
 *   scheduled poll fires none.
 * What differs from 2.41 on the way: n8n 1.x sets its owner up through the setup endpoint (not
 * from the environment), its run endpoint takes the workflow along, and it keeps the state its
 * activation poll wrote (so the first scheduled poll already reports the change).
 */
import { expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { PACKAGE_NAME, shippedCredentialTypes } from '../../scripts/start/lib/pack';
import { repoRoot } from '../../scripts/start/lib/paths';
import { N8N_V1_VERSION } from '../../scripts/start/lib/runtime';
import { triggerNodeName } from '../../scripts/start/lib/examples';
import { VENDORS } from '../../scripts/start/vendors';
import { CHANGE_WITHIN_MS, POLL_WAIT_MS, changeRightAfterActivation, useStack, type ActivationOutcome, expectSucceeded } from '../e2e/support';

const root = repoRoot();
const e2e = useStack('n8n1-smoke', { n8nVersion: N8N_V1_VERSION });
const running = (id: string) => e2e.running(id);

/** What the logged-in editor gets from n8n: `/types/nodes.json` or `/types/credentials.json`. */
async function editorTypes(file: 'nodes' | 'credentials'): Promise<Array<{ name: string; displayName: string }>> {
	const { name, value } = e2e.stack.client.sessionCookie;
	const response = await fetch(`${e2e.stack.n8n.url}/types/${file}.json`, { headers: { cookie: `${name}=${value}` } });
	if (!response.ok) throw new Error(`/types/${file}.json: HTTP ${response.status}`);
	return (await response.json()) as Array<{ name: string; displayName: string }>;
}

test(`the server is n8n ${N8N_V1_VERSION}`, async () => {
	// Logged in: the settings an anonymous visitor gets leave the version out.
	const { name, value } = e2e.stack.client.sessionCookie;
	const response = await fetch(`${e2e.stack.n8n.url}/rest/settings`, { headers: { cookie: `${name}=${value}` } });
	const settings = (await response.json()) as { data: { versionCli: string } };
	expect(settings.data.versionCli).toBe(N8N_V1_VERSION);
});

test('n8n 1.x loads every node of the package, the AI-tool variant of each action node, and every credential', async () => {
	const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
	// dist/nodes/AmoCrm/AmoCrm.node.js -> amoCrm (n8n's naming of a node type)
	const shipped = manifest.n8n.nodes.map((file) => {
		const className = basename(file).replace(/\.node\.js$/, '');
		return `${PACKAGE_NAME}.${className.charAt(0).toLowerCase()}${className.slice(1)}`;
	});
	const tools = shipped.filter((type) => !type.endsWith('Trigger')).map((type) => `${type}Tool`);
	const loaded = (await editorTypes('nodes')).map((t) => t.name).filter((name) => name.startsWith(`${PACKAGE_NAME}.`));
	expect([...new Set(loaded)].sort()).toEqual([...shipped, ...tools].sort());

	const credentials = (await editorTypes('credentials')).map((t) => t.name);
	expect(credentials).toEqual(expect.arrayContaining(shippedCredentialTypes(root)));
});

describe('one example per vendor', () => {
	test.each(VENDORS.map((v) => [v.id, v.trigger.example]))('%s: %s runs from its trigger and its output is right', async (id, file) => {
		const example = e2e.stack.examples.find((e) => e.file === file);
		const check = VENDORS.find((v) => v.id === id)!.examples[file];
		if (!example || !check) throw new Error(`${file} is not imported or has no check`);
		const executionId = await e2e.stack.client.runFrom(example.id, triggerNodeName(example.workflow));
		const execution = await e2e.stack.client.waitForExecution(executionId);
		expectSucceeded(execution);
		check(expect, execution, running(id).sandbox.sandbox);
	});
});

describe('one trigger per vendor, activated', () => {
	const outcomes = new Map<string, Promise<ActivationOutcome>>();

	beforeAll(async () => {
		// All vendors at once: their poll minutes overlap.
		for (const v of VENDORS) outcomes.set(v.id, changeRightAfterActivation(e2e, v.id));
		await Promise.allSettled(outcomes.values());
	}, 3 * POLL_WAIT_MS + 60_000);

	test.each(VENDORS.map((v) => v.id))('%s: a change fires exactly one execution, holding exactly that task', async (id) => {
		const { taskId, changedAfterMs, executions } = await outcomes.get(id)!;
		expect(changedAfterMs).toBeLessThan(CHANGE_WITHIN_MS);
		expect(executions.map((e) => ({ mode: e.mode, status: e.status }))).toEqual([{ mode: 'trigger', status: 'success' }]);
		expectSucceeded(executions[0]);
		running(id).entry.trigger.check(expect, executions[0], taskId, running(id).sandbox.sandbox);
	});
});
