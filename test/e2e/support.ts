/**
 * What the real-n8n suites share: the `npm start` stack on free ports in a fresh n8n folder
 * (started before a file's tests, stopped after them), waiting on a condition, and the scenario
 * "activate a trigger, change one task right after the activation poll, see what fires".
 */
import { expect } from '@jest/globals';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import type { Execution } from '../../scripts/start/lib/client';
import { repoRoot } from '../../scripts/start/lib/paths';
import { freePort } from '../../scripts/start/lib/ports';
import { DEFAULT_SETTINGS } from '../../scripts/start/lib/settings';
import { startStack, type RunningVendor, type Stack, type StackOptions } from '../../scripts/start/lib/stack';

/** n8n polls at most once a minute (the examples: every minute). */
export const POLL_WAIT_MS = 100_000;
/** How soon after activation the change is made. */
export const CHANGE_WITHIN_MS = 10_000;

export async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Asks `probe` every `everyMs` until it gives a value; fails after `timeoutMs` naming `what`. */
export async function waitFor<T>(
	what: string,
	timeoutMs: number,
	probe: () => Promise<T | undefined> | T | undefined,
	everyMs = 250,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(everyMs);
	}
}

/** The execution succeeded: no node and no workflow error. */
export function expectSucceeded(execution: Execution): void {
	const failed = Object.entries(execution.data.resultData.runData)
		.filter(([, runs]) => runs.some((run) => run.error))
		.map(([name, runs]) => `${name}: ${runs.find((run) => run.error)?.error?.message}`);
	expect(failed).toEqual([]);
	expect(execution.data.resultData.error?.message).toBeUndefined();
	expect(execution.status).toBe('success');
}

export interface TestStack {
	/** The running stack (after the file's beforeAll). */
	readonly stack: Stack;
	/** Where the file keeps its n8n folder, log and screenshots. */
	readonly outDir: string;
	/** A vendor that runs with its sandbox. */
	running(id: string): Required<RunningVendor>;
}

/**
 * Starts the stack before the file's tests (n8n folder and log in `test-output/<folder>`, emptied
 * first) and stops it after them.
 */
export function useStack(folder: string, options: Pick<StackOptions, 'n8nVersion'> = {}): TestStack {
	const outDir = join(repoRoot(), 'test-output', folder);
	let stack: Stack | undefined;
	beforeAll(async () => {
		rmSync(outDir, { recursive: true, force: true });
		mkdirSync(outDir, { recursive: true });
		stack = await startStack({
			settings: { ...DEFAULT_SETTINGS, port: await freePort(), accounts: {} },
			userFolder: join(outDir, 'n8n'),
			brokerPort: await freePort(),
			logFile: join(outDir, 'n8n.log'),
			...options,
		});
	}, 30 * 60_000);
	afterAll(async () => {
		await stack?.stop();
	}, 60_000);
	const started = (): Stack => {
		if (!stack) throw new Error('the stack has not started');
		return stack;
	};
	return {
		outDir,
		get stack() {
			return started();
		},
		running(id: string): Required<RunningVendor> {
			const found = started().vendors.find((v) => v.entry.id === id);
			if (!found?.sandbox) throw new Error(`vendor ${id} does not run with its sandbox`);
			return found as Required<RunningVendor>;
		},
	};
}

export interface ActivationOutcome {
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
export async function changeRightAfterActivation(test: TestStack, id: string): Promise<ActivationOutcome> {
	const { stack } = test;
	const { entry, sandbox } = test.running(id);
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
