/**
 * End to end in real n8n 2.41.1: the package installed as a community package, the vendor
 * sandboxes with demo data, credentials pointing at them and the example workflows imported
 * (the same setup as `npm start`, on free ports and in a fresh n8n folder).
 * - every example workflow runs headless and its output is checked;
 * - each vendor's polling trigger is activated, one change is made in its sandbox, and the
 *   execution it fires must hold exactly the changed task;
 * - in Chromium, the editor's node panel lists each vendor's trigger and action node, and a
 *   workflow with one of them opens with its parameters visible (screenshots: test-output/e2e);
 * - `npm start` itself, as a user or a process supervisor runs it: a port in use is one line;
 *   restarted with active triggers it reports nothing that did not change; `npm run sandbox`
 *   changes fire each trigger once; SIGTERM / SIGINT to npm leave no process and no port behind.
 */
import { expect } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { Browser, Page } from 'playwright-core';

import { N8nClient, nodeOutput, type Execution } from '../../scripts/start/lib/client';
import { loadExamples, triggerNodeName } from '../../scripts/start/lib/examples';
import { repoRoot } from '../../scripts/start/lib/paths';
import { DEFAULT_SETTINGS } from '../../scripts/start/lib/settings';
import { PACKAGE_NAME } from '../../scripts/start/lib/pack';
import { freePort, portInUse } from '../../scripts/start/lib/ports';
import { readLauncherFile } from '../../scripts/start/lib/sandboxes';
import { VENDORS } from '../../scripts/start/vendors';
import { launchChromium } from './chromium';
import { commandLine, launch, portsInUse, processTree, stillRunning, type Launched } from './processes';
import { POLL_WAIT_MS, expectSucceeded, sleep, useStack, waitFor } from './support';

const execFileAsync = promisify(execFile);

const root = repoRoot();
const e2e = useStack('e2e');
const { outDir } = e2e;
const running = (id: string) => e2e.running(id);
const examples = loadExamples(join(root, 'examples'));

test('the package ships the nodes of every vendor entry', () => {
	expect(e2e.stack.vendors.map((v) => v.entry.id)).toEqual(VENDORS.map((v) => v.id));
});

describe('example workflows', () => {
	const checks = new Map(VENDORS.flatMap((v) => Object.entries(v.examples).map(([file, check]) => [file, { id: v.id, check }])));

	test('every example is imported and has a check', () => {
		expect(e2e.stack.skippedExamples.map((e) => e.file)).toEqual([]);
		expect(examples.map((e) => e.file).filter((file) => !checks.has(file))).toEqual([]);
		expect(e2e.stack.examples.map((e) => e.file).sort()).toEqual(examples.map((e) => e.file).sort());
	});

	test.each(examples.map((e) => e.file))('%s runs headless and its output is right', async (file) => {
		const example = e2e.stack.examples.find((e) => e.file === file);
		const entry = checks.get(file);
		if (!example || !entry) throw new Error(`${file} is not imported or has no check`);
		const executionId = await e2e.stack.client.runFrom(example.id, triggerNodeName(example.workflow));
		const execution = await e2e.stack.client.waitForExecution(executionId);
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
		const example = e2e.stack.examples.find((e) => e.file === entry.trigger.example);
		if (!example) throw new Error(`${entry.trigger.example} is not imported`);
		const before = new Set(await e2e.stack.client.executionIds(example.id));
		// Activation polls once at once and sets the trigger's starting point (n8n 2.41 keeps
		// what that poll stores; with durable poll cursors, N8N_POLLER_DURABLE_CURSORS_ENABLED,
		// it discards it and the first scheduled poll starts from the activation moment). This
		// test changes the sandbox only after the first scheduled poll has been and gone, so the
		// change falls in a steady poll-to-poll window; trigger-activation.e2e.test.ts covers a
		// change right after the activation poll.
		await e2e.stack.client.activate(example.id);
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
				const ids = (await e2e.stack.client.executionIds(example.id)).filter((e) => !before.has(e));
				return ids.length > 0 ? ids : undefined;
			});
			const execution = await e2e.stack.client.waitForExecution(fresh[0]);
			return { taskId, execution, newExecutions: fresh.length };
		} finally {
			await e2e.stack.client.deactivate(example.id);
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
		await context.addCookies([{ ...e2e.stack.client.sessionCookie, url: e2e.stack.n8n.url }]);
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

	/**
	 * Runs in the page: draws an image at panel size and returns the hue (0-360) of the average
	 * colour of its opaque pixels. A string, as this project's TypeScript has no DOM types.
	 */
	const AVERAGE_HUE = `async (src) => {
		const image = new Image();
		image.src = src;
		await image.decode();
		const canvas = document.createElement('canvas');
		canvas.width = canvas.height = 40;
		const context = canvas.getContext('2d');
		context.drawImage(image, 0, 0, 40, 40);
		const { data } = context.getImageData(0, 0, 40, 40);
		let r = 0, g = 0, b = 0, n = 0;
		for (let i = 0; i < data.length; i += 4) {
			if (data[i + 3] < 128) continue;
			r += data[i]; g += data[i + 1]; b += data[i + 2]; n++;
		}
		r /= n * 255; g /= n * 255; b /= n * 255;
		const max = Math.max(r, g, b), d = max - Math.min(r, g, b);
		if (d === 0) return 0;
		const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
		return (h * 60 + 360) % 360;
	}`;

	/** The package's node types as the editor got them from n8n. */
	async function packageNodeTypes(): Promise<Array<{ name: string; displayName: string; description: string; iconUrl?: { light: string; dark: string } }>> {
		const { name, value } = e2e.stack.client.sessionCookie;
		const all = await (await fetch(`${e2e.stack.n8n.url}/types/nodes.json`, { headers: { cookie: `${name}=${value}` } })).json();
		return (all as Array<{ name: string; displayName: string; description: string; iconUrl?: { light: string; dark: string } }>).filter((t) =>
			t.name.startsWith(`${PACKAGE_NAME}.`),
		);
	}

	/** The description the open panel shows under the item with that name. */
	async function itemDescription(name: string): Promise<string> {
		const item = page.locator('[data-test-id="node-creator-item-name"]', { hasText: new RegExp(`^${name.replace(/[()]/g, '\\$&')}$`) });
		const container = page.locator('[data-test-id="node-creator-node-item"], [data-test-id="node-creator-action-item"]').filter({ has: item });
		return (await container.first().locator('[data-test-id="node-creator-item-description"]').innerText()).trim();
	}

	test.each(VENDORS.map((v) => v.id))('%s: the node panel lists the trigger and the action node', async (id) => {
		const { entry } = running(id);
		const { action, trigger } = entry.nodeNames;
		const actionType = (await packageNodeTypes()).find((t) => t.displayName === action);
		if (!actionType) throw new Error(`n8n knows no node "${action}"`);

		// A new workflow's panel offers triggers; n8n lists a trigger under its name without "Trigger".
		await page.goto(`${e2e.stack.n8n.url}/workflow/new`);
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

		// The panel for the next step offers the action node, described as itself (n8n shows one
		// entry for a node and its trigger, with the trigger's description).
		await page.locator('[data-test-id="node-creator-plus-button"]').click();
		expect(await searchPanel(entry.search, action)).toContain(action);
		expect(await itemDescription(action)).toBe(actionType.description);
		await screenshot(`${id}-4-action-search`);
		await page.locator('[data-test-id="node-creator-item-name"]', { hasText: action }).first().click();
		await page.getByText(/^Actions \(\d+\)/).waitFor();
		const operations = await page.locator('[data-test-id="node-creator-item-name"]').allInnerTexts();
		expect(operations).toEqual(expect.arrayContaining(['Create a task', 'Get many tasks']));
		await screenshot(`${id}-5-action-node-operations`);
	});

	test.each(['light', 'dark'] as const)('the vendors\' icons differ clearly in colour at a glance (%s theme)', async (theme) => {
		// Each icon as n8n serves it, drawn at panel size: the hue of its average colour.
		const types = await packageNodeTypes();
		// On n8n's own origin, so the icons can be read back from a canvas.
		await page.goto(`${e2e.stack.n8n.url}/home/workflows`);
		const hues = new Map<string, number>();
		for (const entry of VENDORS) {
			const icon = types.find((t) => t.displayName === entry.nodeNames.action)?.iconUrl?.[theme];
			if (!icon) throw new Error(`${entry.nodeNames.action} has no ${theme} icon`);
			const hue = (await page.evaluate(`(${AVERAGE_HUE})(${JSON.stringify(`/${icon}`)})`)) as number;
			hues.set(entry.id, hue);
		}
		const apart = (a: string, b: string) => {
			const d = Math.abs(hues.get(a)! - hues.get(b)!);
			return Math.min(d, 360 - d);
		};
		// amoCRM and MoySklad: their icons used to be the same dark blue tile with a tick.
		expect(apart('amocrm', 'moysklad')).toBeGreaterThanOrEqual(60);
	});

	test.each(VENDORS.map((v) => v.id))('%s: an example workflow opens with the node parameters visible', async (id) => {
		const { entry } = running(id);
		const example = e2e.stack.examples.find((e) => e.file === entry.trigger.example)!;
		const actionNode = example.workflow.nodes.find((n) => n.type.startsWith(`${PACKAGE_NAME}.`) && !/Trigger$/.test(n.type));
		if (!actionNode) throw new Error(`${example.file} has no action node of this package`);
		await page.goto(`${e2e.stack.n8n.url}/workflow/${example.id}`);
		await page.locator('[data-test-id="canvas-node"]', { hasText: actionNode.name }).dblclick();
		const ndv = page.locator('[data-test-id="ndv"]');
		await ndv.locator('[data-test-id="parameter-input-resource"]').waitFor();
		await ndv.locator('[data-test-id="parameter-input-operation"]').waitFor();
		await expect(ndv.locator('[data-test-id="node-parameters"]').innerText()).resolves.toMatch(/Resource[\s\S]*Operation/);
		const fieldValues = await ndv.locator('input').evaluateAll((inputs) => inputs.map((input) => (input as unknown as { value: string }).value));
		expect(fieldValues).toContain(`${entry.title} sandbox`);
		await screenshot(`${id}-6-example-node-parameters`);
	});
});

describe('npm start', () => {
	/** Each start's own n8n folder and port; no settings file (the defaults), whatever the checkout has. */
	function startEnvironment(port: number, folder: string): NodeJS.ProcessEnv {
		return { ...process.env, CRM_TASKS_PORT: String(port), CRM_TASKS_N8N_FOLDER: folder, CRM_TASKS_SETTINGS: join(outDir, 'no-settings.json') };
	}

	/** A port that is free and whose next port (n8n's task runner broker) is free too. */
	async function freePortPair(): Promise<number> {
		for (;;) {
			const port = await freePort();
			if (port < 65535 && !(await portInUse(port + 1))) return port;
		}
	}

	test.each([
		["n8n's own port", 0],
		["the task runner broker's port (n8n's + 1)", 1],
	])('%s already in use: one line names it and how to choose another, and nothing starts', async (_what, offset) => {
		const port = await freePortPair();
		const folder = join(outDir, `port-in-use-${offset}`);
		const blocker = createServer();
		await new Promise<void>((resolve) => blocker.listen(port + offset, '127.0.0.1', resolve));
		try {
			const run = launch('npm', ['start'], { cwd: root, env: startEnvironment(port, folder) });
			const { code } = await run.exited;
			expect(code).not.toBe(0);
			const ours = run.stderr().split('\n').filter((line) => line.startsWith('[crm-tasks]'));
			expect(ours).toEqual([
				expect.stringMatching(new RegExp(`^\\[crm-tasks\\] port ${port + offset} \\(.+\\) is already in use: .*CRM_TASKS_PORT=\\d+ npm start`)),
			]);
			expect(run.output()).not.toMatch(/installing|building the package|starting the sandbox|starting n8n|n8n is ready/i);
			expect(existsSync(folder)).toBe(false);
		} finally {
			await new Promise((resolve) => blocker.close(resolve));
		}
	}, 120_000);

	interface SandboxStatus {
		vendors: Record<string, { baseUrl: string; requests: number; lastRequestAt: number | null }>;
	}

	async function sandboxStatus(folder: string): Promise<SandboxStatus> {
		const control = readLauncherFile(folder)?.control;
		if (!control) throw new Error(`no control server in ${folder}`);
		return (await (await fetch(`${control}/status`)).json()) as SandboxStatus;
	}

	/**
	 * Waits until every active trigger has had a scheduled poll after `since` and the polls (with
	 * the executions they started) are over. n8n polls each trigger once a minute, so a request to
	 * every sandbox more than a minute after `since` shows each trigger has had its turn.
	 */
	async function waitForScheduledPolls(folder: string, since: number): Promise<void> {
		await waitFor('a scheduled poll of every trigger', 3 * 60_000, async () => {
			const { vendors } = await sandboxStatus(folder);
			return Object.values(vendors).every((v) => (v.lastRequestAt ?? 0) > since + 61_000) ? true : undefined;
		});
		let last = -1;
		let quietChecks = 0;
		await waitFor('the sandboxes to be quiet', 60_000, async () => {
			const { vendors } = await sandboxStatus(folder);
			const total = Object.values(vendors).reduce((sum, v) => sum + v.requests, 0);
			quietChecks = total === last ? quietChecks + 1 : 0;
			last = total;
			return quietChecks >= 3 ? true : undefined;
		});
	}

	/** Runs `npm run sandbox -- <args>` as a user would in another terminal. */
	async function sandboxCommand(folder: string, ...args: string[]): Promise<string> {
		const { stdout } = await execFileAsync('npm', ['run', '--silent', 'sandbox', '--', ...args], {
			cwd: root,
			env: { ...process.env, CRM_TASKS_N8N_FOLDER: folder },
		});
		return stdout;
	}

	/** The id of the task a command created, changed or completed. */
	function changedTask(output: string): string {
		const id = /: (?:created|updated|completed) task (\S+)/.exec(output)?.[1];
		if (!id) throw new Error(`no task in the command's output:\n${output}`);
		return id;
	}

	async function startNpmStart(port: number, folder: string, args: string[] = []): Promise<Launched> {
		const run = launch('npm', ['start', ...(args.length ? ['--', ...args] : [])], { cwd: root, env: startEnvironment(port, folder) });
		await waitFor('"Press Ctrl-C" from npm start', 5 * 60_000, () => {
			if (run.child.exitCode !== null) throw new Error(`npm start exited early:\n${run.output()}`);
			return run.output().includes('Press Ctrl-C') ? true : undefined;
		});
		return run;
	}

	/** Sends `signal` to the npm process alone (what a supervisor does) and checks nothing is left. */
	async function stopBySignal(run: Launched, signal: NodeJS.Signals, port: number, folder: string): Promise<void> {
		const tree = processTree(run.child.pid!);
		expect(tree.map(commandLine).filter((command) => /\/n8n\/bin\/n8n start/.test(command))).toHaveLength(1);
		const launcher = readLauncherFile(folder)!;
		const ports = [port, port + 1, ...[launcher.control!, ...Object.values(launcher.sandboxes)].map((url) => Number(new URL(url).port))];
		expect(await portsInUse(ports)).toEqual(ports);

		run.child.kill(signal);
		await waitFor(`npm start to exit after ${signal}`, 60_000, () => (run.child.exitCode !== null || run.child.signalCode !== null ? true : undefined));
		expect(run.output()).toContain(`${signal}: stopping n8n and the sandboxes`);
		expect(run.output()).toContain('stopped.');
		// Processes a SIGKILL has just ended may still be listed for a moment.
		const left = await waitFor('every process of npm start to end', 10_000, () => (stillRunning(tree).length === 0 ? [] : undefined)).catch(
			() => stillRunning(tree),
		);
		expect(left).toEqual([]);
		expect(await portsInUse(ports)).toEqual([]);
	}

	test(
		'restarted with active triggers it reports nothing that did not change; npm run sandbox changes fire each trigger once; ' +
			'SIGTERM and SIGINT to npm stop n8n and every sandbox',
		async () => {
			const port = await freePortPair();
			const folder = join(outDir, 'npm-start-n8n');
			const first = await startNpmStart(port, folder, ['--reset']);
			const client = new N8nClient(`http://127.0.0.1:${port}`, e2e.stack.runtime.n8nDir);
			let triggered: Array<{ id: string; name: string; file: string }> = [];
			try {
				expect(first.output()).toContain(`http://127.0.0.1:${port}`);
				expect(first.output()).toContain(`log in as ${DEFAULT_SETTINGS.owner.email} / ${DEFAULT_SETTINGS.owner.password}`);
				await client.login(DEFAULT_SETTINGS.owner.email, DEFAULT_SETTINGS.owner.password);
				expect((await client.credentials()).map((c) => c.name).sort()).toEqual(VENDORS.map((v) => `${v.title} sandbox`).sort());
				const workflows = await client.workflows();
				expect(workflows.map((w) => w.name).sort()).toEqual(examples.map((e) => e.workflow.name).sort());

				// Every example with a trigger of this package is published (activated).
				triggered = examples
					.filter((e) => e.workflow.nodes.some((n) => n.type.startsWith(`${PACKAGE_NAME}.`) && /Trigger$/.test(n.type)))
					.map((e) => ({ ...workflows.find((w) => w.name === e.workflow.name)!, file: e.file }));
				expect(triggered.length).toBeGreaterThanOrEqual(VENDORS.length);
				for (const workflow of triggered) await client.activate(workflow.id);
				await waitForScheduledPolls(folder, Date.now());
			} catch (error) {
				first.child.kill('SIGKILL');
				throw error;
			}
			const before = new Map<string, string[]>();
			for (const workflow of triggered) before.set(workflow.id, await client.executionIds(workflow.id));
			const portsBefore = readLauncherFile(folder)!.sandboxes;
			await stopBySignal(first, 'SIGTERM', port, folder);

			// The same n8n folder: n8n re-activates the workflows; the sandboxes come back with their data.
			const second = await startNpmStart(port, folder);
			try {
				const restartedAt = Date.now();
				expect(second.output()).not.toContain('demo data');
				expect(readLauncherFile(folder)!.sandboxes).toEqual(portsBefore);
				await client.login(DEFAULT_SETTINGS.owner.email, DEFAULT_SETTINGS.owner.password);
				const active = (await client.workflows()).filter((w) => w.active).map((w) => w.id);
				expect(active.sort()).toEqual(triggered.map((w) => w.id).sort());
				await waitForScheduledPolls(folder, restartedAt);
				const spurious = [];
				for (const workflow of triggered) {
					const fresh = (await client.executionIds(workflow.id)).filter((id) => !before.get(workflow.id)!.includes(id));
					if (fresh.length) spurious.push({ workflow: workflow.name, executions: fresh.length });
				}
				expect(spurious).toEqual([]);

				// One change per vendor with the sandbox command, each the event its example watches.
				const amoLinked = (await sandboxCommand(folder, 'amocrm', 'list'))
					.split('\n')
					.find((line) => /\((open), (leads|contacts|companies) \d+\)$/.test(line));
				if (!amoLinked) throw new Error('no open amoCRM task linked to a record');
				const bitrixOpen = (await sandboxCommand(folder, 'bitrix24', 'list')).split('\n')[1];
				const changedAt = Date.now();
				const changed: Record<string, string> = {
					'amocrm-completed-task-note.json': changedTask(
						await sandboxCommand(folder, 'amocrm', 'complete', amoLinked.trim().split(/\s+/)[0], 'Called back, all settled'),
					),
					'moysklad-new-task-comment.json': changedTask(await sandboxCommand(folder, 'moysklad', 'create', 'Call the new supplier')),
					'pyrus-new-task-comment.json': changedTask(await sandboxCommand(folder, 'pyrus', 'create', 'Fix the contact form')),
					'bitrix24-completed-task-comment.json': changedTask(
						await sandboxCommand(folder, 'bitrix24', 'complete', bitrixOpen.trim().split(/\s+/)[0]),
					),
				};
				changed['amocrm-completed-to-bitrix24-task.json'] = changed['amocrm-completed-task-note.json'];

				await waitFor('an execution of every active workflow', 3 * 60_000, async () => {
					for (const workflow of triggered) {
						const fresh = (await client.executionIds(workflow.id)).filter((id) => !before.get(workflow.id)!.includes(id));
						if (fresh.length === 0) return undefined;
					}
					return true;
				});
				// One more poll of every trigger: a change is reported once, not again.
				await waitForScheduledPolls(folder, changedAt);
				for (const workflow of triggered) {
					const fresh = (await client.executionIds(workflow.id)).filter((id) => !before.get(workflow.id)!.includes(id));
					expect({ workflow: workflow.name, executions: fresh.length }).toEqual({ workflow: workflow.name, executions: 1 });
					const execution = await client.waitForExecution(fresh[0]);
					expect(execution.mode).toBe('trigger');
					expectSucceeded(execution);
					const trigger = triggerNodeName(examples.find((e) => e.file === workflow.file)!.workflow);
					expect(nodeOutput(execution, trigger).map((item) => String(item.id))).toEqual([changed[workflow.file]]);
				}
			} catch (error) {
				second.child.kill('SIGKILL');
				throw error;
			}
			await stopBySignal(second, 'SIGINT', port, folder);
		},
		20 * 60_000,
	);
});
