import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { sameText } from '../shared/alreadyCreated';
import { chunk } from '../shared/paging';
import { AMO_MAX_PAGE, amoRequest, embedded } from './api';
import { amoList } from './list';

/** One element of a bulk write: the input item it serves and the task body sent for it. */
export interface Element {
	itemIndex: number;
	body: IDataObject;
}

/** What a look-up established about a valid element of an array amoCRM rejected. */
export type Verdict =
	| { state: 'stored'; task: IDataObject }
	| { state: 'absent' }
	| { state: 'unknown'; reason: string };

/** Server seconds in which a rejected POST was processed: tasks it stored have `created_at` inside. */
export interface SentWindow {
	from: number;
	to: number;
}

/** Whether `task` holds the value `body` sent for `key`. */
function holds(task: IDataObject, key: string, sent: unknown): boolean {
	if (key === 'text') return sameText(task.text, sent);
	if (key === 'result') {
		const result = task.result as IDataObject | undefined;
		return sameText(result?.text, (sent as IDataObject | null)?.text);
	}
	return task[key] === sent;
}

/** Whether `task` holds every field `body` sent (its `id` and `request_id` aside). */
export function holdsAllSent(task: IDataObject, body: IDataObject): boolean {
	return Object.entries(body).every(([key, sent]) => key === 'id' || key === 'request_id' || holds(task, key, sent));
}

/** The deadline and linked entity, as sent: what a look-alike task would share. */
function looksLike(task: IDataObject, body: IDataObject): boolean {
	return ['complete_till', 'entity_type', 'entity_id'].every((key) => body[key] === undefined || task[key] === body[key]);
}

/**
 * Were the valid creates of a rejected POST stored? amoCRM does not document it, and its answer
 * names only the rejected elements. The tasks changed since the POST are read back (amoCRM can
 * filter by `updated_at`, not by text), and those created in the POST's seconds are compared with
 * what was sent. One reading holds for the whole array, so the answer is too:
 * - no task there looks like any element: none was stored (they can be sent again);
 * - each group of identical elements has exactly as many tasks holding everything it sent, and
 *   no other task looks like one of them: all were stored, and each element gets one task;
 * - anything else: unknown, and nothing is sent again.
 * `claimed` are ids already given to other items of this run.
 */
export async function findStoredCreates(
	ctx: IExecuteFunctions,
	elements: Element[],
	window: SentWindow,
	claimed: ReadonlySet<number>,
): Promise<Map<number, Verdict>> {
	const verdicts = new Map<number, Verdict>();
	const all = (verdict: Verdict) => {
		for (const { itemIndex } of elements) verdicts.set(itemIndex, verdict);
		return verdicts;
	};
	let changed: IDataObject[];
	try {
		// One second wider on each side: whether amoCRM's bounds include their second is undocumented.
		changed = await amoList(
			ctx,
			'/tasks',
			'tasks',
			{ returnAll: true, limit: AMO_MAX_PAGE },
			{ filter: { updated_at: { from: window.from - 1, to: window.to + 60 } }, order: { id: 'asc' } },
			elements[0].itemIndex,
		);
	} catch (error) {
		return all({ state: 'unknown', reason: `looking it up failed: ${(error as Error).message}` });
	}
	const candidates = changed.filter((task) => {
		const createdAt = Number(task.created_at);
		return createdAt >= window.from && createdAt <= window.to && !claimed.has(Number(task.id));
	});
	const lookAlikes = candidates.filter((task) => elements.some(({ body }) => looksLike(task, body)));
	if (lookAlikes.length === 0) return all({ state: 'absent' });

	// Identical elements form one group; its tasks go to its elements in the order they were sent.
	const groups = new Map<string, Element[]>();
	for (const element of elements) {
		const { request_id: _requestId, ...sent } = element.body;
		const key = JSON.stringify(Object.entries(sent).sort(([a], [b]) => a.localeCompare(b)));
		groups.set(key, [...(groups.get(key) ?? []), element]);
	}
	const assigned = new Map<number, IDataObject>();
	const used = new Set<IDataObject>();
	for (const group of groups.values()) {
		const matches = candidates.filter((task) => holdsAllSent(task, group[0].body));
		if (matches.length !== group.length) break;
		group.forEach(({ itemIndex }, position) => assigned.set(itemIndex, matches[position]));
		for (const task of matches) used.add(task);
	}
	if (assigned.size === elements.length && lookAlikes.every((task) => used.has(task))) {
		for (const [itemIndex, task] of assigned) verdicts.set(itemIndex, { state: 'stored', task });
		return verdicts;
	}
	return all({
		state: 'unknown',
		reason: `${lookAlikes.length} task(s) created in amoCRM at that moment look like the tasks of this request without matching them one to one`,
	});
}

/**
 * Were the valid changes of a rejected PATCH applied? Each task is read back by id: a task that
 * holds everything sent for it needs nothing more; one that does not can be sent again.
 */
export async function findAppliedUpdates(ctx: IExecuteFunctions, elements: Element[]): Promise<Map<number, Verdict>> {
	const verdicts = new Map<number, Verdict>();
	let tasks: Map<number, IDataObject>;
	try {
		tasks = await readTasksByIds(ctx, elements.map(({ body }) => Number(body.id)));
	} catch (error) {
		for (const { itemIndex } of elements) {
			verdicts.set(itemIndex, { state: 'unknown', reason: `looking it up failed: ${(error as Error).message}` });
		}
		return verdicts;
	}
	for (const { itemIndex, body } of elements) {
		const task = tasks.get(Number(body.id));
		if (!task) verdicts.set(itemIndex, { state: 'unknown', reason: `amoCRM did not list task ${String(body.id)} when it was looked up` });
		else verdicts.set(itemIndex, holdsAllSent(task, body) ? { state: 'stored', task } : { state: 'absent' });
	}
	return verdicts;
}

/** Tasks by id, 250 per request; a failing request throws. */
export async function readTasksByIds(ctx: IExecuteFunctions, ids: number[]): Promise<Map<number, IDataObject>> {
	const found = new Map<number, IDataObject>();
	for (const group of chunk(ids, AMO_MAX_PAGE)) {
		const response = await amoRequest.call(ctx, 'GET', '/tasks', { qs: { filter: { id: group }, limit: AMO_MAX_PAGE } });
		for (const task of embedded(response.body, 'tasks')) found.set(Number(task.id), task);
	}
	return found;
}
