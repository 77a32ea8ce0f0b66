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
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';

import type { Execution } from '../../scripts/start/lib/client';
import { PACKAGE_NAME, shippedCredentialTypes } from '../../scripts/start/lib/pack';
import { repoRoot } from '../../scripts/start/lib/paths';
import { N8N_V1_VERSION } from '../../scripts/start/lib/runtime';
import { DEFAULT_SETTINGS } from '../../scripts/start/lib/settings';
import { startStack, type RunningVendor, type Stack } from '../../scripts/start/lib/stack';
import { triggerNodeName } from '../../scripts/start/lib/examples';
import { VENDORS } from '../../scripts/start/vendors';

const root = repoRoot();
const outDir = join(root, 'test-output', 'n8n1-smoke');
/** n8n polls at most once a minute (the examples: every minute). */
const POLL_WAIT_MS = 100_000;
/** How soon after activation the change is made. */
const CHANGE_WITHIN_MS = 10_000;

async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(250);
	}
}

let stack: Stack;

beforeAll(async () => {
	rmSync(outDir, { recursive: true, force: true });
	mkdirSync(outDir, { recursive: true });
	stack = await startStack({
		settings: { ...DEFAULT_SETTINGS, port: await freePort(), accounts: {} },
		userFolder: join(outDir, 'n8n'),
		brokerPort: await freePort(),
		logFile: join(outDir, 'n8n.log'),
		n8nVersion: N8N_V1_VERSION,
	});
}, 30 * 60_000);

afterAll(async () => {
	await stack?.stop();
}, 60_000);

function running(id: string): Required<RunningVendor> {
	const found = stack.vendors.find((v) => v.entry.id === id);
	if (!found?.sandbox) throw new Error(`vendor ${id} does not run with its sandbox`);
	return found as Required<RunningVendor>;
}

function expectSucceeded(execution: Execution): void {
	const failed = Object.entries(execution.data.resultData.runData)
		.filter(([, runs]) => runs.some((run) => run.error))
		.map(([name, runs]) => `${name}: ${runs.find((run) => run.error)?.error?.message}`);
	expect(failed).toEqual([]);
	expect(execution.data.resultData.error?.message).toBeUndefined();
	expect(execution.status).toBe('success');
}

/** What the logged-in editor gets from n8n: `/types/nodes.json` or `/types/credentials.json`. */
async function editorTypes(file: 'nodes' | 'credentials'): Promise<Array<{ name: string; displayName: string }>> {
	const { name, value } = stack.client.sessionCookie;
	const response = await fetch(`${stack.n8n.url}/types/${file}.json`, { headers: { cookie: `${name}=${value}` } });
	if (!response.ok) throw new Error(`/types/${file}.json: HTTP ${response.status}`);
	return (await response.json()) as Array<{ name: string; displayName: string }>;
}

test(`the server is n8n ${N8N_V1_VERSION}`, async () => {
	// Logged in: the settings an anonymous visitor gets leave the version out.
	const { name, value } = stack.client.sessionCookie;
	const response = await fetch(`${stack.n8n.url}/rest/settings`, { headers: { cookie: `${name}=${value}` } });
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
		const example = stack.examples.find((e) => e.file === file);
		const check = VENDORS.find((v) => v.id === id)!.examples[file];
		if (!example || !check) throw new Error(`${file} is not imported or has no check`);
		const executionId = await stack.client.runFrom(example.id, triggerNodeName(example.workflow));
		const execution = await stack.client.waitForExecution(executionId);
		expectSucceeded(execution);
		check(expect, execution, running(id).sandbox.sandbox);
	});
});

interface Outcome {
	taskId: string;
	/** Milliseconds from the activation call's return to the change. */
	changedAfterMs: number;
	/** The executions the workflow had once a later scheduled poll had been and gone. */
	executions: Execution[];
}

/**
 * Activates the vendor's example trigger, waits for the activation poll to reach the sandbox,
 * changes one task at once, then waits for the first execution and for one more scheduled poll.
 */
async function scenario(id: string): Promise<Outcome> {
	const { entry, sandbox } = running(id);
	const example = stack.examples.find((e) => e.file === entry.trigger.example);
	if (!example) throw new Error(`${entry.trigger.example} is not imported`);
	const requests = () => sandbox.sandbox.requests.length;
	const before = new Set(await stack.client.executionIds(example.id));
	const fresh = async () => (await stack.client.executionIds(example.id)).filter((e) => !before.has(e));
	const start = requests();
	await stack.client.activate(example.id);
	const activatedAt = Date.now();
	try {
		await waitFor('the activation poll', CHANGE_WITHIN_MS, () => (requests() > start ? true : undefined));
		const taskId = entry.trigger.change(sandbox.sandbox);
		const changedAfterMs = Date.now() - activatedAt;
		const first = await waitFor(`an execution fired by ${entry.title}'s trigger`, POLL_WAIT_MS, async () => {
			const ids = await fresh();
			return ids.length > 0 ? ids : undefined;
		});
		// One more scheduled poll: it must not fire the change again.
		const afterFirst = requests();
		await waitFor('the next scheduled poll', POLL_WAIT_MS, () => (requests() > afterFirst ? true : undefined));
		await sleep(5_000);
		const ids = await fresh();
		expect(ids).toEqual(expect.arrayContaining(first));
		const executions = await Promise.all(ids.map(async (executionId) => await stack.client.waitForExecution(executionId)));
		return { taskId, changedAfterMs, executions };
	} finally {
		await stack.client.deactivate(example.id);
	}
}

describe('one trigger per vendor, activated', () => {
	const outcomes = new Map<string, Promise<Outcome>>();

	beforeAll(async () => {
		// All vendors at once: their poll minutes overlap.
		for (const v of VENDORS) outcomes.set(v.id, scenario(v.id));
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
