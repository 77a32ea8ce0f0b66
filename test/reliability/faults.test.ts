/**
 * Every vendor's node against its loopback sandbox under faults: 10% of answers the vendor's
 * own limit answer, 2% HTTP 500, random latency and an occasional dropped connection (seeded,
 * so every run sees the same schedule). Return All must return exactly the stored set; 500
 * creates must end as exactly 500 stored tasks, with every write whose outcome is unknown
 * reported on its item and never sent again by the node. Figures: docs/reliability.md («Faults»).
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { setupNock } from '../harness';
import type { RunWorkflowResult } from '../harness';
import type { FaultSettings, RequestLogEntry, SandboxServer } from '../sandbox/framework';
import { type AnyAdapter, runAgainst, useVendorSandbox, VENDORS } from './vendors';

setupNock({ allowLocalhost: true });

const SCALE = 1000;
const FAULTS: FaultSettings = { limitRate: 0.1, errorRate: 0.02, dropRate: 0.01, latencyMs: [0, 8] };
const TASKS = 2000;
const CREATES = 500;
/** Creates go out as a workflow would send them in batches: five executions of 100 items. */
const RUN_SIZE = 100;
/** What the shared transport says about a write that may or may not have happened. */
const UNKNOWN = /outcome (of this write is|unknown)/;

/** A marker per created item, unique in the whole job; found again in request bodies. */
const marker = (n: number) => `mk${String(n).padStart(4, '0')}x`;
const MARKERS = /mk\d{4}x/g;
const markersIn = (entry: RequestLogEntry) => JSON.stringify(entry.body ?? '').match(MARKERS) ?? [];

const run = async (adapter: AnyAdapter, sandbox: SandboxServer, parameters: INodeParameters, input: IDataObject[]) =>
	await runAgainst(adapter, sandbox, parameters, input, { continueOnFail: true });

/** Tasks stored per marker (more than one would be a duplicate). */
function storedByMarker(adapter: AnyAdapter, sandbox: SandboxServer): Map<string, string[]> {
	const byMarker = new Map<string, string[]>();
	for (const task of adapter.storedTasks(sandbox)) byMarker.set(task.text, [...(byMarker.get(task.text) ?? []), task.id]);
	return byMarker;
}

/** Message and description of an item's error (continueOnFail), or undefined when it succeeded. */
const errorOf = (item: INodeExecutionData) =>
	item.json.error === undefined ? undefined : `${String(item.json.error)} ${String(item.json.description ?? '')}`;

/** Figures of one vendor, printed for docs/reliability.md («Faults»). */
const figures: Record<string, IDataObject> = {};
afterAll(() => {
	// eslint-disable-next-line no-console
	if (process.env.RELIABILITY_FIGURES) console.log(JSON.stringify(figures, null, 1));
});

describe.each(VENDORS.map((adapter) => [adapter.displayName, adapter] as const))('%s under faults', (_name, adapter) => {
	const started = useVendorSandbox(adapter, { timeScale: SCALE, seed: 7 });
	let sandbox: SandboxServer;

	beforeAll(() => {
		sandbox = started();
	});

	beforeEach(() => {
		sandbox.faults.reset();
		sandbox.resetStats();
		sandbox.clearLog();
	});

	it(`Return All of ${TASKS} tasks returns exactly the stored set`, async () => {
		adapter.seedTasks(sandbox, TASKS);
		// The first reads meet one of each fault for sure; random ones follow.
		sandbox.faults.enqueue({ status: adapter.limitStatus }, { status: 500 }, { drop: true });
		adapter.setFaults(sandbox, FAULTS);

		const result = await run(adapter, sandbox, adapter.getAllParameters, [{}]);

		expect(result.error).toBeUndefined();
		expect(result.items.filter((item) => item.json.error !== undefined).map((item) => item.json)).toEqual([]);
		const ids = result.items.map((item) => adapter.outputId(item.json));
		expect(new Set(ids).size).toBe(ids.length);
		expect([...ids].sort()).toEqual(adapter.storedTasks(sandbox).map((t) => t.id).sort());
		expect(ids).toHaveLength(TASKS);
		expect(sandbox.faults.pending).toBe(0);
		// For Pyrus these first three are its token requests (preAuthentication), retried too.
		expect(sandbox.requests.slice(0, 3).map((r) => r.status ?? 'dropped')).toEqual([adapter.limitStatus, 500, 'dropped']);
		expect(adapter.limitAnswers(sandbox)).toBeGreaterThanOrEqual(1);
		expect(sandbox.stats.byStatus[500]).toBeGreaterThanOrEqual(1);
		expect(sandbox.stats.dropped).toBeGreaterThanOrEqual(1);
		figures[`${adapter.displayName} returnAll`] = {
			items: ids.length,
			requests: sandbox.stats.total,
			limitAnswers: adapter.limitAnswers(sandbox),
			status500: sandbox.stats.byStatus[500] ?? 0,
			dropped: sandbox.stats.dropped,
		};
	});

	it(`${CREATES} creates end as exactly ${CREATES} stored tasks; unknown outcomes are reported, never resent`, async () => {
		// Besides the random faults, for sure: the write carrying item 0 meets a limit answer,
		// item 250's a 500 and item 450's a dropped connection (neither stored); those carrying
		// items 150 and 350 are stored, then lose their answer.
		const carrying = (n: number) => ({ body: new RegExp(marker(n)) });
		sandbox.faults.enqueue(
			{ status: adapter.limitStatus, match: carrying(0) },
			{ status: 500, match: carrying(250) },
			{ drop: true, match: carrying(450) },
			{ drop: true, afterHandler: true, match: carrying(150) },
			{ drop: true, afterHandler: true, match: carrying(350) },
		);
		adapter.setFaults(sandbox, FAULTS);
		const parameters = adapter.createParameters(sandbox);

		let pending = Array.from({ length: CREATES }, (_, n) => marker(n));
		const totals = { rounds: 0, ok: 0, unknownStored: 0, unknownNotStored: 0, failedNotStored: 0, executions: 0 };
		// Round 1 sends every item; each later round sends only what a look at the account shows
		// missing, as a workflow reconciling its reported failures would.
		while (pending.length > 0) {
			totals.rounds++;
			expect(totals.rounds).toBeLessThanOrEqual(5);
			const before = storedByMarker(adapter, sandbox);
			const logStart = sandbox.requests.length;
			const results: Array<[string, INodeExecutionData]> = [];
			for (let start = 0; start < pending.length; start += RUN_SIZE) {
				const batch = pending.slice(start, start + RUN_SIZE);
				const result: RunWorkflowResult = await run(adapter, sandbox, parameters, batch.map((text) => ({ text })));
				totals.executions++;
				expect(result.error).toBeUndefined();
				expect(result.items).toHaveLength(batch.length);
				result.items.forEach((item, n) => {
					expect(item.pairedItem).toEqual({ item: n });
					results.push([batch[n], item]);
				});
			}
			const after = storedByMarker(adapter, sandbox);

			// No duplicates, ever.
			for (const [text, ids] of after) expect({ text, ids: ids.length }).toEqual({ text, ids: 1 });
			const ok = results.filter(([, item]) => errorOf(item) === undefined);
			const failed = results.filter(([, item]) => errorOf(item) !== undefined);
			// No item is reported ok without being stored, under the id it reports.
			for (const [text, item] of ok) expect({ text, id: after.get(text)?.[0] }).toEqual({ text, id: adapter.outputId(item.json) });
			// A failed item that was stored all the same was reported as of unknown outcome.
			const storedFailed = failed.filter(([text]) => after.has(text));
			for (const [text, item] of storedFailed) expect({ text, error: errorOf(item) }).toEqual({ text, error: expect.stringMatching(UNKNOWN) });
			// stored now = stored before + reported ok + reported unknown but actually stored.
			expect(after.size).toBe(before.size + ok.length + storedFailed.length);

			// Never silently resent: once a request carrying an item got an answer other than the
			// vendor's limit answer (or none at all), no later request of the round carries it.
			const settled = new Set<string>();
			for (const entry of sandbox.requests.slice(logStart)) {
				const carried = markersIn(entry);
				for (const text of carried) expect({ text, resent: settled.has(text) }).toEqual({ text, resent: false });
				if (entry.status !== adapter.limitStatus) carried.forEach((text) => settled.add(text));
			}

			const unknown = failed.filter(([, item]) => UNKNOWN.test(errorOf(item)!));
			totals.ok += ok.length;
			totals.unknownStored += storedFailed.length;
			totals.unknownNotStored += unknown.filter(([text]) => !after.has(text)).length;
			totals.failedNotStored += failed.length - unknown.length;
			pending = pending.filter((text) => !after.has(text));
		}

		expect(adapter.storedTasks(sandbox)).toHaveLength(CREATES);
		expect(totals.ok + totals.unknownStored).toBe(CREATES);
		// Every scripted fault was met; the lost answers and the unanswered writes were reported.
		expect(sandbox.faults.pending).toBe(0);
		expect(totals.unknownStored).toBeGreaterThanOrEqual(2);
		expect(totals.unknownNotStored).toBeGreaterThanOrEqual(2);
		expect(adapter.limitAnswers(sandbox)).toBeGreaterThanOrEqual(1);
		figures[`${adapter.displayName} creates`] = {
			...totals,
			requests: sandbox.stats.total,
			limitAnswers: adapter.limitAnswers(sandbox),
			status500: sandbox.stats.byStatus[500] ?? 0,
			dropped: sandbox.stats.dropped,
		};
	}, 90_000);
});
