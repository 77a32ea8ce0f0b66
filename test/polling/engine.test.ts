/** The vendor-neutral polling engine against an in-memory task list. */
import type { IDataObject } from 'n8n-workflow';

import { pollTasks, type PollRecord, type PollSource, type TaskEvent } from '../../nodes/shared/polling/engine';

interface FakeTask extends PollRecord {}

/** A vendor list with whole-second change times, id order and page-number paging. */
class FakeVendor implements PollSource<FakeTask, number> {
	resolutionMs = 1000;
	tasks = new Map<string, FakeTask>();
	now = 1_800_000_000_000;
	requests: Array<{ fromMs: number; toMs: number; page: number }> = [];
	constructor(
		public stablePaging: boolean,
		private readonly pageSize = 10,
	) {}

	serverNow(): number {
		return this.now;
	}

	put(id: string, change: Partial<FakeTask> = {}): void {
		const second = Math.floor(this.now / 1000) * 1000;
		const existing = this.tasks.get(id);
		this.tasks.set(id, {
			id,
			createdAt: existing?.createdAt ?? second,
			completed: false,
			...existing,
			...change,
			updatedAt: second,
		});
	}

	/** Real milliseconds each request takes (budget tests). */
	latencyMs = 0;

	async fetchWindow(window: { fromMs: number; toMs: number }, page: number | undefined) {
		if (this.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
		const p = page ?? 1;
		this.requests.push({ ...window, page: p });
		const from = Math.floor(window.fromMs / 1000) * 1000;
		const to = Math.floor(window.toMs / 1000) * 1000;
		const all = [...this.tasks.values()]
			.filter((task) => task.updatedAt >= from && task.updatedAt <= to)
			.sort((a, b) => Number(a.id) - Number(b.id));
		const items = all.slice((p - 1) * this.pageSize, p * this.pageSize).map((task) => ({ ...task }));
		return { items, next: all.length > p * this.pageSize ? p + 1 : undefined };
	}

	async fetchSample(_event: TaskEvent, limit: number) {
		return [...this.tasks.values()].sort((a, b) => Number(b.id) - Number(a.id)).slice(0, limit);
	}

	record(task: FakeTask): PollRecord {
		return task;
	}
}

async function poll(vendor: FakeVendor, state: IDataObject, event: TaskEvent = 'taskUpdated', budgetMs?: number) {
	const items = await pollTasks(vendor, { event, mode: 'trigger', state, budgetMs });
	return items.map((task) => task.id);
}

describe('polling engine', () => {
	it('seeds on first activation, then emits each change once', async () => {
		const vendor = new FakeVendor(true);
		vendor.put('1');
		const state: IDataObject = {};
		expect(await poll(vendor, state)).toEqual([]);
		expect(JSON.parse(JSON.stringify(state))).toEqual(state); // JSON values only

		vendor.now += 2000;
		vendor.put('2');
		vendor.put('1', { completed: false });
		expect(await poll(vendor, state)).toEqual(['1', '2']);
		expect(await poll(vendor, state)).toEqual([]);
	});

	it('splits a window into one-request pieces when paging is not stable', async () => {
		const vendor = new FakeVendor(false, 10);
		const state: IDataObject = {};
		await poll(vendor, state);
		for (let n = 0; n < 45; n++) {
			vendor.now += 1000;
			vendor.put(String(100 + n));
		}
		vendor.requests = [];
		const ids = await poll(vendor, state);
		expect(ids).toHaveLength(45);
		expect(new Set(ids).size).toBe(45);
		expect(vendor.requests.every((r) => r.page === 1)).toBe(true);
	});

	it('pages through with a stable (keyset) source', async () => {
		const vendor = new FakeVendor(true, 10);
		const state: IDataObject = {};
		await poll(vendor, state);
		vendor.now += 1000;
		for (let n = 0; n < 35; n++) vendor.put(String(200 + n));
		vendor.requests = [];
		expect(await poll(vendor, state)).toHaveLength(35);
		expect(vendor.requests.map((r) => r.page)).toEqual([1, 2, 3, 4]);
	});

	it('keeps its memory bounded to the overlap window', async () => {
		const vendor = new FakeVendor(true, 100);
		const state: IDataObject = {};
		await poll(vendor, state);
		let emitted = 0;
		for (let round = 0; round < 30; round++) {
			vendor.now += 10_000;
			for (let n = 0; n < 5; n++) vendor.put(String(round * 5 + n));
			emitted += (await poll(vendor, state)).length;
		}
		expect(emitted).toBe(150);
		const seen = (state.poll as { seen: Record<string, number> }).seen;
		// 60 s of overlap at 5 changes per 10 s, plus the boundary second.
		expect(Object.keys(seen).length).toBeLessThanOrEqual(40);
	});

	it('counts created tasks once, whatever later changes they get', async () => {
		const vendor = new FakeVendor(true);
		const state: IDataObject = {};
		await poll(vendor, state, 'taskCreated');
		vendor.now += 1000;
		vendor.put('7');
		expect(await poll(vendor, state, 'taskCreated')).toEqual(['7']);
		vendor.now += 1000;
		vendor.put('7', { completed: true });
		expect(await poll(vendor, state, 'taskCreated')).toEqual([]);
	});

	it('emits a task created early in a long gap and edited late, when the gap is read in pieces', async () => {
		const vendor = new FakeVendor(false, 10);
		const state: IDataObject = {};
		await poll(vendor, state, 'taskCreated');
		vendor.now += 10_000;
		vendor.put('X');
		for (let n = 0; n < 30; n++) {
			vendor.now += 60_000;
			vendor.put(String(1000 + n));
		}
		vendor.put('X', { completed: true }); // edited at the end of the gap
		vendor.now += 1000;
		const ids = await poll(vendor, state, 'taskCreated');
		expect(ids.sort()).toEqual([...Array.from({ length: 30 }, (_, n) => String(1000 + n)), 'X'].sort());
	});

	it('resumes a poll cut short by its budget without losing or repeating anything', async () => {
		const vendor = new FakeVendor(false, 5);
		const state: IDataObject = {};
		await poll(vendor, state, 'taskCreated');
		vendor.now += 10_000;
		vendor.put('X');
		for (let n = 0; n < 40; n++) {
			vendor.now += 30_000;
			vendor.put(String(2000 + n));
		}
		vendor.put('X', { completed: true });
		vendor.now += 1000;
		vendor.latencyMs = 15;
		const emitted: string[] = [];
		for (let round = 0; round < 100 && emitted.length < 41; round++) {
			emitted.push(...(await poll(vendor, state, 'taskCreated', 60)));
		}
		expect(emitted.sort()).toEqual([...Array.from({ length: 40 }, (_, n) => String(2000 + n)), 'X'].sort());
		expect(await poll(vendor, state, 'taskCreated')).toEqual([]);
	});

	it('emits a second change of the same task within the same second (told apart by revision)', async () => {
		const vendor = new FakeVendor(true);
		const state: IDataObject = {};
		vendor.put('5', { revision: 'a' });
		await poll(vendor, state);
		vendor.now += 1000;
		vendor.put('5', { revision: 'b' });
		expect(await poll(vendor, state)).toEqual(['5']);
		vendor.put('5', { revision: 'c' }); // same second
		expect(await poll(vendor, state)).toEqual(['5']);
		expect(await poll(vendor, state)).toEqual([]);
	});

	it('does not fetch when the budget is spent, and keeps the cursor', async () => {
		const vendor = new FakeVendor(true);
		const state: IDataObject = {};
		await poll(vendor, state);
		const cursor = (state.poll as { cursorMs: number }).cursorMs;
		vendor.now += 5000;
		vendor.put('9');
		vendor.requests = [];
		expect(await poll(vendor, state, 'taskUpdated', 0)).toEqual([]);
		expect(vendor.requests).toHaveLength(0);
		expect((state.poll as { cursorMs: number }).cursorMs).toBe(cursor);
		expect(await poll(vendor, state)).toEqual(['9']);
	});

	it('returns a sample in manual mode without touching state', async () => {
		const vendor = new FakeVendor(true);
		vendor.put('1');
		vendor.put('2');
		const state: IDataObject = { untouched: true };
		const sample = await pollTasks(vendor, { event: 'taskUpdated', mode: 'manual', state, sampleSize: 1 });
		expect(sample.map((task) => task.id)).toEqual(['2']);
		expect(state).toEqual({ untouched: true });
	});
});
