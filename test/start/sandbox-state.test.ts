/**
 * `npm start`'s sandboxes keep their account across restarts, and `npm run sandbox` changes a
 * task so that the vendor's trigger reports it: each checked with the trigger of the vendor's
 * trigger example (its own parameters) polling the sandbox through n8n-core's poll context.
 *
 * - A restart two hours later (the sandbox stopped and started again from its saved data, n8n
 *   keeping the trigger's static data) reports nothing: no task changed. Fresh demo data on
 *   every start (times relative to the start) used to be reported as new and changed tasks by
 *   the triggers of active workflows.
 * - After a restart the sandbox listens on the same port (the credentials stay valid) and a
 *   command's change is reported exactly once.
 */
import { resetProcessState } from '../../nodes/shared/transport/clock';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { runCommand } from '../../scripts/start/lib/control';
import { loadExamples } from '../../scripts/start/lib/examples';
import { startKeptSandbox } from '../../scripts/start/lib/sandboxes';
import { VENDORS } from '../../scripts/start/vendors';
import type { StartedSandbox, VendorEntry } from '../../scripts/start/vendors/types';
import { runPoll, setupNock } from '../harness';
import type { SandboxServer } from '../sandbox/framework';
import { amoCrm, bitrix24, moySklad, pyrusAdapter } from '../reliability/vendors';

setupNock({ allowLocalhost: true });
beforeEach(() => resetProcessState());

const adapters = [amoCrm, moySklad, pyrusAdapter, bitrix24];
const nodeTypes = Object.assign({}, ...adapters.map((a) => a.nodeTypes)) as typeof amoCrm.nodeTypes;
const credentialTypes = Object.assign({}, ...adapters.map((a) => a.credentialTypes)) as typeof amoCrm.credentialTypes;
const examples = loadExamples(join(__dirname, '..', '..', 'examples'));

/** The trigger node of the vendor's trigger example, as the example has it. */
function exampleTrigger(entry: VendorEntry): { type: string; parameters: INodeParameters } {
	const example = examples.find((e) => e.file === entry.trigger.example);
	const node = example?.workflow.nodes.find((n) => /Trigger$/.test(n.type));
	if (!node) throw new Error(`${entry.trigger.example} has no trigger node`);
	return { type: node.type, parameters: node.parameters as INodeParameters };
}

/** One scheduled poll of the example's trigger against the running sandbox. */
async function poll(entry: VendorEntry, running: StartedSandbox<SandboxServer>, staticData: IDataObject) {
	const trigger = exampleTrigger(entry);
	const result = await runPoll({
		nodeTypes,
		credentialTypes,
		node: { type: trigger.type, parameters: trigger.parameters },
		credentials: { [entry.credentialType]: running.credentialData as ICredentialDataDecryptedObject },
		staticData,
	});
	if (result.error) throw new Error(`${entry.title} trigger: ${result.error.message}`);
	return { ids: (result.items?.[0] ?? []).map((item) => String(item.json.id)), staticData: result.staticData };
}

const portOf = (baseUrl: string) => Number(new URL(baseUrl).port);

/** Every timer stays real; only `Date` is faked, so a test can restart "two hours later". */
const REAL = ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] as const;
const HOURS = 3_600_000;

let folder: string;
beforeEach(() => {
	folder = mkdtempSync(join(tmpdir(), 'crm-tasks-state-'));
	jest.useFakeTimers({ doNotFake: [...REAL], advanceTimers: true });
});
afterEach(() => {
	jest.useRealTimers();
	rmSync(folder, { recursive: true, force: true });
});

describe.each(VENDORS.map((entry) => [entry.id, entry] as const))('%s sandbox of npm start', (_id, entry) => {
	test('a restart keeps its data and port, and the active trigger reports nothing new', async () => {
		const first = await startKeptSandbox(entry, folder);
		let staticData: IDataObject = {};
		let restarted: StartedSandbox<SandboxServer> | undefined;
		try {
			// Activation takes the starting point; the next poll finds nothing new.
			staticData = (await poll(entry, first, staticData)).staticData;
			const quiet = await poll(entry, first, staticData);
			expect(quiet.ids).toEqual([]);
			staticData = quiet.staticData;
		} finally {
			await first.stop();
		}
		const saved = readFileSync(join(folder, 'sandboxes', `${entry.id}.json`), 'utf8');

		// n8n and the sandbox come back two hours later; nobody changed a task meanwhile.
		jest.setSystemTime(Date.now() + 2 * HOURS);
		try {
			restarted = await startKeptSandbox(entry, folder, portOf(first.baseUrl));
			expect(JSON.parse(restarted.sandbox.exportState(entry.stateKeys))).toEqual(JSON.parse(saved));
			expect(restarted.credentialData).toEqual(first.credentialData);
			const afterRestart = await poll(entry, restarted, staticData);
			expect(afterRestart.ids).toEqual([]);
		} finally {
			await restarted?.stop();
		}
	});

	test('a change made with npm run sandbox is reported once, also after a restart', async () => {
		const running = await startKeptSandbox(entry, folder);
		let restarted: StartedSandbox<SandboxServer> | undefined;
		const controlled = () => [{ entry, sandbox: restarted ?? running }];
		try {
			let { staticData } = await poll(entry, running, {});
			staticData = (await poll(entry, running, staticData)).staticData;
			await running.stop();
			restarted = await startKeptSandbox(entry, folder, portOf(running.baseUrl));
			staticData = (await poll(entry, restarted, staticData)).staticData;

			const event = exampleTrigger(entry).parameters.event;
			const sandbox = restarted.sandbox;
			let output: string;
			if (event === 'taskCreated') {
				output = runCommand(controlled(), [entry.id, 'create', 'Call the new supplier']);
			} else if (event === 'taskCompleted') {
				const [open] = entry.commands.list(sandbox);
				output = runCommand(controlled(), [entry.id, 'complete', open.id, 'All settled']);
			} else {
				const [open] = entry.commands.list(sandbox);
				output = runCommand(controlled(), [entry.id, 'update', open.id, 'A new title']);
			}
			const changedId = /task (\S+)/.exec(output)?.[1];
			expect(changedId).toBeDefined();

			const fired = await poll(entry, restarted, staticData);
			expect(fired.ids).toEqual([changedId]);
			const again = await poll(entry, restarted, fired.staticData);
			expect(again.ids).toEqual([]);
		} finally {
			await running.stop();
			await restarted?.stop();
		}
	});
});
