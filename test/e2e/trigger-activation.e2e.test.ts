/**
 * The first minute after activation, in real n8n 2.41.1 (the stack of `npm start`, on free
 * ports and in a fresh n8n folder): each vendor's polling trigger is activated and one task is
 * changed in its sandbox right after the activation poll, seconds later, not a minute. The
 * change must fire exactly one execution holding exactly that task, and the next scheduled
 * poll must fire none.
 */
import { expect } from '@jest/globals';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import type { Execution } from '../../scripts/start/lib/client';
import { repoRoot } from '../../scripts/start/lib/paths';
import { DEFAULT_SETTINGS } from '../../scripts/start/lib/settings';
import { startStack, type RunningVendor, type Stack } from '../../scripts/start/lib/stack';
import { VENDORS } from '../../scripts/start/vendors';

const outDir = join(repoRoot(), 'test-output', 'e2e-activation');
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
		// The activation poll asks the sandbox at once; change a task as soon as it has.
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

describe('a change right after activation', () => {
	const outcomes = new Map<string, Promise<Outcome>>();

	beforeAll(async () => {
		// All vendors at once: their poll minutes overlap.
		for (const v of VENDORS) outcomes.set(v.id, scenario(v.id));
		await Promise.allSettled(outcomes.values());
	}, 3 * POLL_WAIT_MS + 60_000);

	test.each(VENDORS.map((v) => v.id))('%s: fires exactly one execution, holding exactly that task', async (id) => {
		const { taskId, changedAfterMs, executions } = await outcomes.get(id)!;
		expect(changedAfterMs).toBeLessThan(CHANGE_WITHIN_MS);
		expect(executions.map((e) => ({ mode: e.mode, status: e.status }))).toEqual([{ mode: 'trigger', status: 'success' }]);
		running(id).entry.trigger.check(expect, executions[0], taskId, running(id).sandbox.sandbox);
	});
});
