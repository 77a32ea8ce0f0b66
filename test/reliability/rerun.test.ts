/**
 * A re-run of a create that was cut short (a worker killed in the middle of a bulk write, a
 * crash): n8n keeps no run data of such an execution, so the user re-runs every item. With
 * "Skip Tasks Already Created" the node finds the tasks the first run wrote and creates only
 * the missing ones. Each vendor's node against its loopback sandbox, through n8n-core's engine.
 * The queue suite (test/queue) does the same after a real SIGKILL of an n8n worker.
 */
import { DateTime } from 'luxon';
import type { INodeParameters } from 'n8n-workflow';

import { setupNock } from '../harness';
import type { SandboxServer } from '../sandbox/framework';
import { type AnyAdapter, runAgainst, useVendorSandbox, VENDORS } from './vendors';

setupNock({ allowLocalhost: true });

const SCALE = 1000;
/** The Pyrus list the tasks go to: Pyrus lists created tasks only by form or list. */
const PYRUS_LIST = 501;

/** A marker per item, unique, found again in request bodies and stored texts. */
const marker = (n: number) => `rr${String(n).padStart(4, '0')}x`;
const MARKERS = /rr\d{4}x/g;
const inputs = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ text: marker(from + i) }));

function createParameters(adapter: AnyAdapter, sandbox: SandboxServer, skipExisting: boolean): INodeParameters {
	const parameters: INodeParameters = { ...adapter.createParameters(sandbox), skipExisting };
	if (adapter.key === 'pyrus') parameters.additionalFields = { listIds: String(PYRUS_LIST) };
	return parameters;
}

const run = runAgainst;

/** Stored tasks per text. */
function storedByText(adapter: AnyAdapter, sandbox: SandboxServer): Map<string, string[]> {
	const byText = new Map<string, string[]>();
	for (const task of adapter.storedTasks(sandbox)) byText.set(task.text, [...(byText.get(task.text) ?? []), task.id]);
	return byText;
}

/** Moves a stored task's creation (and last change) `days` back, as if made before the look-back period. */
function age(adapter: AnyAdapter, sandbox: SandboxServer, id: string, days: number): void {
	/* eslint-disable @typescript-eslint/no-explicit-any */
	const s = sandbox as any;
	switch (adapter.key) {
		case 'amoCrm': {
			const task = s.store.tasks.get(Number(id));
			task.created_at -= days * 86_400;
			task.updated_at -= days * 86_400;
			break;
		}
		case 'moySklad': {
			const task = s.store.tasks.get(id);
			task.created -= days * 86_400_000;
			task.updated -= days * 86_400_000;
			break;
		}
		case 'pyrus': {
			const task = s.tasks.get(Number(id));
			const back = (value: string) => DateTime.fromISO(value).minus({ days }).toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss'Z'");
			task.create_date = back(task.create_date);
			task.last_modified_date = back(task.last_modified_date);
			break;
		}
		case 'bitrix24': {
			const task = s.tasks.get(id) ?? s.tasks.get(Number(id));
			const back = (value: string) => DateTime.fromISO(value, { setZone: true }).minus({ days }).toISO({ suppressMilliseconds: true });
			task.createdDate = back(task.createdDate);
			task.changedDate = back(task.changedDate);
			break;
		}
	}
	/* eslint-enable @typescript-eslint/no-explicit-any */
}

describe.each(VENDORS.map((adapter) => [adapter.displayName, adapter] as const))('%s: re-running an interrupted create', (_name, adapter) => {
	const started = useVendorSandbox(adapter, { timeScale: SCALE });
	let sandbox: SandboxServer;

	beforeAll(() => {
		sandbox = started();
		// eslint-disable-next-line @typescript-eslint/no-explicit-any
		if (adapter.key === 'pyrus') (sandbox as any).addList({ id: PYRUS_LIST, name: 'Projects' });
	});

	/** The first run wrote items 0–59 of 150 and was cut short. */
	async function interruptedRun() {
		const first = await run(adapter, sandbox, createParameters(adapter, sandbox, false), inputs(0, 60));
		expect(first.error).toBeUndefined();
		return first.items.map((item) => adapter.outputId(item.json));
	}

	it('with "Skip Tasks Already Created" the re-run writes only the missing tasks', async () => {
		const firstIds = await interruptedRun();
		const before = sandbox.requests.length;

		const rerun = await run(adapter, sandbox, createParameters(adapter, sandbox, true), inputs(0, 150));

		expect(rerun.error).toBeUndefined();
		const stored = storedByText(adapter, sandbox);
		expect([...stored.keys()].sort()).toEqual(inputs(0, 150).map((i) => i.text));
		expect([...stored.values()].every((ids) => ids.length === 1)).toBe(true);
		expect(rerun.items).toHaveLength(150);
		rerun.items.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			if (i < 60) {
				expect(item.json.alreadyCreated).toBe(true);
				expect(adapter.outputId(item.json)).toBe(firstIds[i]);
			} else {
				expect(item.json.alreadyCreated).toBeUndefined();
				expect(stored.get(marker(i))).toEqual([adapter.outputId(item.json)]);
			}
		});
		// Not one request of the re-run names a task the first run wrote.
		const sentMarkers = sandbox.requests.slice(before).flatMap((r) => JSON.stringify(r.body ?? '').match(MARKERS) ?? []);
		expect(sentMarkers.filter((m) => Number(m.slice(2, 6)) < 60)).toEqual([]);
		expect(new Set(sentMarkers)).toEqual(new Set(inputs(60, 150).map((i) => i.text)));
	});

	it('without the option the re-run creates the written tasks a second time (what the option prevents)', async () => {
		await interruptedRun();

		const rerun = await run(adapter, sandbox, createParameters(adapter, sandbox, false), inputs(0, 150));

		expect(rerun.error).toBeUndefined();
		const stored = storedByText(adapter, sandbox);
		expect([...stored.values()].filter((ids) => ids.length === 2)).toHaveLength(60);
	});

	it('each task found serves one item: three identical items and one task already there make three tasks', async () => {
		const same = [{ text: marker(7) }];
		await run(adapter, sandbox, createParameters(adapter, sandbox, false), same);

		const rerun = await run(adapter, sandbox, createParameters(adapter, sandbox, true), [...same, ...same, ...same]);

		expect(rerun.error).toBeUndefined();
		expect(rerun.items.map((item) => item.json.alreadyCreated === true)).toEqual([true, false, false]);
		expect(storedByText(adapter, sandbox).get(marker(7))).toHaveLength(3);
	});

	it('bad input with the option on: the run fails naming the parameter and no request leaves, not even the look-up', async () => {
		const before = sandbox.requests.length;
		const parameters = createParameters(adapter, sandbox, true);
		// Pyrus creates one item at a time: its own bad input here is a task with no list to look in.
		if (adapter.key === 'pyrus') delete parameters.additionalFields;
		const input = adapter.key === 'pyrus' ? [{ text: marker(1) }] : [{ text: marker(1) }, { text: '' }];

		const result = await run(adapter, sandbox, parameters, input);

		const expected = { amoCrm: /Text/, moySklad: /Description/, pyrus: /Skip Tasks Already Created/, bitrix24: /Title/ }[adapter.key as string];
		expect(result.error?.message).toMatch(expected!);
		expect(sandbox.requests.length).toBe(before);
	});

	it('a task created before the look-back period is not taken for one of this run', async () => {
		const [old] = await interruptedRun().then((ids) => ids.slice(0, 1));
		age(adapter, sandbox, old, 2);

		const rerun = await run(adapter, sandbox, { ...createParameters(adapter, sandbox, true), lookBackHours: 24 }, inputs(0, 2));

		expect(rerun.error).toBeUndefined();
		expect(rerun.items.map((item) => item.json.alreadyCreated === true)).toEqual([false, true]);
		expect(storedByText(adapter, sandbox).get(marker(0))).toHaveLength(2);
	});
});
