/**
 * End to end in real n8n 2.41.1: the package installed as a community package, the vendor
 * sandboxes with demo data, credentials pointing at them and the example workflows imported
 * (the same setup as `npm start`, on free ports and in a fresh n8n folder).
 * - every example workflow runs headless and its output is checked;
 * - each vendor's polling trigger is activated, one change is made in its sandbox, and the
 *   execution it fires must hold exactly the changed task;
 * - in Chromium, the editor's node panel lists each vendor's trigger and action node, and a
 *   workflow with one of them opens with its parameters visible (screenshots: test-output/e2e).
 */
import { expect } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';

import { N8nClient, type Execution } from '../../scripts/start/lib/client';
import { loadExamples, triggerNodeName } from '../../scripts/start/lib/examples';
import { repoRoot } from '../../scripts/start/lib/paths';
import { DEFAULT_SETTINGS } from '../../scripts/start/lib/settings';
import { startStack, type RunningVendor, type Stack } from '../../scripts/start/lib/stack';
import { PACKAGE_NAME } from '../../scripts/start/lib/pack';
import { VENDORS } from '../../scripts/start/vendors';
import { launchChromium } from './chromium';

const root = repoRoot();
const outDir = join(root, 'test-output', 'e2e');
const examples = loadExamples(join(root, 'examples'));
/** n8n polls at most once a minute; the first scheduled poll takes the starting point. */
const POLL_WAIT_MS = 100_000;

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
		await sleep(500);
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

function expectSucceeded(execution: Execution): void {
	const failed = Object.entries(execution.data.resultData.runData)
		.filter(([, runs]) => runs.some((run) => run.error))
		.map(([name, runs]) => `${name}: ${runs.find((run) => run.error)?.error?.message}`);
	expect(failed).toEqual([]);
	expect(execution.data.resultData.error?.message).toBeUndefined();
	expect(execution.status).toBe('success');
}

test('the package ships the nodes of every vendor entry', () => {
	expect(stack.vendors.map((v) => v.entry.id)).toEqual(VENDORS.map((v) => v.id));
});

describe('example workflows', () => {
	const checks = new Map(VENDORS.flatMap((v) => Object.entries(v.examples).map(([file, check]) => [file, { id: v.id, check }])));

	test('every example is imported and has a check', () => {
		expect(stack.skippedExamples.map((e) => e.file)).toEqual([]);
		expect(examples.map((e) => e.file).filter((file) => !checks.has(file))).toEqual([]);
		expect(stack.examples.map((e) => e.file).sort()).toEqual(examples.map((e) => e.file).sort());
	});

	test.each(examples.map((e) => e.file))('%s runs headless and its output is right', async (file) => {
		const example = stack.examples.find((e) => e.file === file);
		const entry = checks.get(file);
		if (!example || !entry) throw new Error(`${file} is not imported or has no check`);
		const executionId = await stack.client.runFrom(example.id, triggerNodeName(example.workflow));
		const execution = await stack.client.waitForExecution(executionId);
		expectSucceeded(execution);
		entry.check(expect, execution, running(entry.id).sandbox.sandbox);
	});
});

describe('polling triggers in an active workflow', () => {
	interface Outcome {
		taskId: string;
		execution: Execution;
		/** Executions the workflow had after the change fired, not counting older ones. */
		newExecutions: number;
	}
	const outcomes = new Map<string, Promise<Outcome>>();

	async function scenario(id: string): Promise<Outcome> {
		const { entry, sandbox } = running(id);
		const example = stack.examples.find((e) => e.file === entry.trigger.example);
		if (!example) throw new Error(`${entry.trigger.example} is not imported`);
		const before = new Set(await stack.client.executionIds(example.id));
		// Activation polls once at once, but n8n 2.41 keeps nothing that test poll stores: the
		// first scheduled poll (n8n polls at most once a minute) takes the trigger's starting
		// point. Change the sandbox only after that poll has been and gone.
		await stack.client.activate(example.id);
		try {
			const requestsAfterActivation = sandbox.sandbox.requests.length;
			await waitFor('the first scheduled poll', POLL_WAIT_MS, () =>
				sandbox.sandbox.requests.length > requestsAfterActivation ? true : undefined,
			);
			let seen = -1;
			await waitFor('the first scheduled poll to end', 30_000, async () => {
				const count = sandbox.sandbox.requests.length;
				if (count === seen) return true;
				seen = count;
				await sleep(1500);
				return undefined;
			});
			const taskId = entry.trigger.change(sandbox.sandbox);
			const fresh = await waitFor(`an execution fired by ${entry.title}'s trigger`, POLL_WAIT_MS, async () => {
				const ids = (await stack.client.executionIds(example.id)).filter((e) => !before.has(e));
				return ids.length > 0 ? ids : undefined;
			});
			const execution = await stack.client.waitForExecution(fresh[0]);
			return { taskId, execution, newExecutions: fresh.length };
		} finally {
			await stack.client.deactivate(example.id);
		}
	}

	beforeAll(async () => {
		// All vendors at once: the poll intervals overlap.
		for (const v of VENDORS) outcomes.set(v.id, scenario(v.id));
		await Promise.allSettled(outcomes.values());
	}, 2 * POLL_WAIT_MS + 60_000);

	test.each(VENDORS.map((v) => v.id))('%s: one change fires one execution with exactly that task', async (id) => {
		const { taskId, execution, newExecutions } = await outcomes.get(id)!;
		expect(newExecutions).toBe(1);
		expect(execution.mode).toBe('trigger');
		expectSucceeded(execution);
		running(id).entry.trigger.check(expect, execution, taskId, running(id).sandbox.sandbox);
	});
});

describe('the editor in Chromium', () => {
	let browser: Browser;
	let page: Page;

	beforeAll(async () => {
		browser = await launchChromium();
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		await context.addCookies([{ ...stack.client.sessionCookie, url: stack.n8n.url }]);
		page = await context.newPage();
	}, 5 * 60_000);

	afterAll(async () => {
		await browser?.close();
	});

	async function screenshot(name: string): Promise<void> {
		// The panels slide in: let the animation end so the picture shows what was checked.
		await page.waitForTimeout(700);
		await page.screenshot({ path: join(outDir, `${name}.png`) });
	}

	/** Searches the open node panel (once its search box is there) and returns the names it lists. */
	async function searchPanel(text: string, expected: string): Promise<string[]> {
		const search = page.locator('[data-test-id="node-creator-search-bar"]');
		await search.waitFor();
		await search.fill(text);
		const item = page.locator('[data-test-id="node-creator-item-name"]', { hasText: expected });
		await item.first().waitFor();
		return await page.locator('[data-test-id="node-creator-item-name"]').allInnerTexts();
	}

	test.each(VENDORS.map((v) => v.id))('%s: the node panel lists the trigger and the action node', async (id) => {
		const { entry } = running(id);
		const { action, trigger } = entry.nodeNames;

		// A new workflow's panel offers triggers; n8n lists a trigger under its name without "Trigger".
		await page.goto(`${stack.n8n.url}/workflow/new`);
		await page.locator('[data-test-id="canvas-add-button"]').click();
		expect(await searchPanel(entry.search, trigger.replace(/ Trigger$/, ''))).toContain(trigger.replace(/ Trigger$/, ''));
		await screenshot(`${id}-1-trigger-search`);
		await page.locator('[data-test-id="node-creator-item-name"]', { hasText: trigger.replace(/ Trigger$/, '') }).first().click();
		await page.getByText(/^Triggers \(\d+\)/).waitFor();
		await screenshot(`${id}-2-trigger-events`);
		// Adding one of its events puts the trigger node on the canvas and opens it.
		await page.locator('[data-test-id="node-creator-item-name"]', { hasText: /^On task/ }).first().click();
		const ndv = page.locator('[data-test-id="ndv"]');
		await ndv.waitFor();
		await ndv.locator('[data-test-id="parameter-input-event"]').waitFor();
		await screenshot(`${id}-3-trigger-node`);
		await page.locator('[data-test-id="ndv-close-button"]').click();

		// The panel for the next step offers the action node, with its operations.
		await page.locator('[data-test-id="node-creator-plus-button"]').click();
		expect(await searchPanel(entry.search, action)).toContain(action);
		await page.locator('[data-test-id="node-creator-item-name"]', { hasText: action }).first().click();
		await page.getByText(/^Actions \(\d+\)/).waitFor();
		const operations = await page.locator('[data-test-id="node-creator-item-name"]').allInnerTexts();
		expect(operations).toEqual(expect.arrayContaining(['Create a task', 'Get many tasks']));
		await screenshot(`${id}-4-action-node-operations`);
	});

	test.each(VENDORS.map((v) => v.id))('%s: an example workflow opens with the node parameters visible', async (id) => {
		const { entry } = running(id);
		const example = stack.examples.find((e) => e.file === entry.trigger.example)!;
		const actionNode = example.workflow.nodes.find((n) => n.type.startsWith(`${PACKAGE_NAME}.`) && !/Trigger$/.test(n.type));
		if (!actionNode) throw new Error(`${example.file} has no action node of this package`);
		await page.goto(`${stack.n8n.url}/workflow/${example.id}`);
		await page.locator('[data-test-id="canvas-node"]', { hasText: actionNode.name }).dblclick();
		const ndv = page.locator('[data-test-id="ndv"]');
		await ndv.locator('[data-test-id="parameter-input-resource"]').waitFor();
		await ndv.locator('[data-test-id="parameter-input-operation"]').waitFor();
		await expect(ndv.locator('[data-test-id="node-parameters"]').innerText()).resolves.toMatch(/Resource[\s\S]*Operation/);
		const fieldValues = await ndv.locator('input').evaluateAll((inputs) => inputs.map((input) => (input as unknown as { value: string }).value));
		expect(fieldValues).toContain(`${entry.title} sandbox`);
		await screenshot(`${id}-5-example-node-parameters`);
	});
});

describe('npm start', () => {
	test('reaches a working n8n with the sandbox credentials and the examples, and Ctrl-C stops it', async () => {
		const port = await freePort();
		const settingsFile = join(outDir, 'npm-start-settings.json');
		writeFileSync(settingsFile, JSON.stringify({ ...DEFAULT_SETTINGS, port }));
		const launcher = spawn(process.execPath, [join(root, 'scripts', 'start', 'bootstrap.js'), '--reset'], {
			cwd: root,
			env: { ...process.env, CRM_TASKS_SETTINGS: settingsFile, CRM_TASKS_N8N_FOLDER: join(outDir, 'npm-start-n8n') },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		launcher.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		launcher.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
		try {
			await waitFor('"n8n is ready" from npm start', 180_000, () => {
				if (launcher.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
				return output.includes('Press Ctrl-C') ? true : undefined;
			});
			expect(output).toContain(`http://127.0.0.1:${port}`);
			expect(output).toContain(`log in as ${DEFAULT_SETTINGS.owner.email} / ${DEFAULT_SETTINGS.owner.password}`);

			const client = new N8nClient(`http://127.0.0.1:${port}`, stack.runtime.n8nDir);
			await client.login(DEFAULT_SETTINGS.owner.email, DEFAULT_SETTINGS.owner.password);
			const credentials = await client.credentials();
			expect(credentials.map((c) => c.name).sort()).toEqual(VENDORS.map((v) => `${v.title} sandbox`).sort());
			expect((await client.workflows()).map((w) => w.name).sort()).toEqual(examples.map((e) => e.workflow.name).sort());
		} finally {
			launcher.kill('SIGINT');
			await exited;
		}
		expect(output).toContain('stopped.');
		await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
	}, 240_000);
});
