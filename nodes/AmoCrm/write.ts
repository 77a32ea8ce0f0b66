import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { runBatches } from '../shared/batch';
import type { ItemResult } from '../shared/execute';
import { chunk } from '../shared/paging';
import { monotonicNow, now } from '../shared/transport/clock';
import { resolveCredential, serverNow } from '../shared/transport/request';
import { AMO_MAX_BATCH, AMO_MAX_PAGE, amoCrmBaseUrl, amoCrmProfile, amoRequest, embedded } from './api';
import { simplifyAmoTask } from './shape';
import { findAppliedUpdates, findStoredCreates, readTasksByIds, type Element, type SentWindow, type Verdict } from './storedLookup';

/** One item's element of a bulk write, or the error that kept it out. */
export type Prepared = Element | Error;

export interface WriteOptions {
	/** More words for a rejected element, from the paths amoCRM named (e.g. the parameter to fill in). */
	rejectionHint?: (paths: string[], body: IDataObject) => string | undefined;
	/** Items whose task is in amoCRM already (found by "Skip Tasks Already Created"): not sent. */
	existing?: ReadonlyMap<number, IDataObject>;
}

interface ValidationEntry {
	request_id?: string;
	errors?: Array<{ path?: string; detail?: string; code?: string }>;
}

interface Rejection {
	details: string;
	paths: string[];
}

/** The elements a 400 answer rejected, by request_id, with their messages. */
function rejectedElements(error: unknown): Map<string, Rejection> {
	const rejected = new Map<string, Rejection>();
	const body = ((error as NodeApiError).errorResponse as IDataObject | undefined)?.body as IDataObject | undefined;
	for (const entry of (body?.['validation-errors'] as ValidationEntry[] | undefined) ?? []) {
		if (entry.request_id === undefined) continue;
		const errors = entry.errors ?? [];
		rejected.set(String(entry.request_id), {
			details: errors.map((e) => `${e.path ?? ''}: ${e.detail ?? e.code ?? ''}`).join('; '),
			paths: errors.map((e) => e.path ?? ''),
		});
	}
	return rejected;
}

/**
 * The request_id of an item's element: its index + 1. Never "0": amoCRM's own library sends
 * position + 1, commented «Бага в API не принимает 0» (the API does not accept 0). One name per
 * item holds across arrays and resends, so every answer and rejection points at one item.
 */
function requestIdOf(itemIndex: number): string {
	return String(itemIndex + 1);
}

/**
 * What amoCRM calls each element of `pending` in an answer that names `names`: the request_id
 * sent (echoed unchanged), or, when it names "0", which is never sent, its own numbering from 0
 * (what it answers for elements sent without one). Source: amoCRM tasks API, «Добавление задач»,
 * https://www.amocrm.ru/developers/content/crm_platform/tasks-api#tasks-add.
 */
function elementNames(pending: Element[], names: string[]): string[] {
	const ownNumbering = names.includes('0');
	return pending.map((element, position) => (ownNumbering ? String(position) : requestIdOf(element.itemIndex)));
}

/** Seconds of slack around a rejected POST's window: `Date` headers have whole seconds. */
const WINDOW_SLACK_SECONDS = 2;

/**
 * Sends many items' tasks as arrays of at most 50 (POST to create, PATCH to update) and maps
 * each answer back to its item through `request_id`.
 *
 * amoCRM answers an array with one invalid element with a 400 naming it; whether it stored the
 * array's valid elements is undocumented. The rejected elements get their own errors. With
 * "Continue On Fail" the others are looked up first ({@link findStoredCreates},
 * {@link findAppliedUpdates}): what is in place is taken as written, what is not is sent again,
 * and what cannot be established fails with an error that says so, never sent twice.
 */
export async function writeTasks(
	ctx: IExecuteFunctions,
	method: 'POST' | 'PATCH',
	prepared: Prepared[],
	options: WriteOptions = {},
): Promise<ItemResult[]> {
	const existing = options.existing ?? new Map<number, IDataObject>();
	/** Elements amoCRM answered for with an id: read back at the end. */
	const written = new Map<number, { element: Element; answer: IDataObject }>();
	/** Tasks ids already given to an item of this run. */
	const claimed = new Set<number>([...existing.values()].map((task) => Number(task.id)));
	let credentials: ICredentialDataDecryptedObject | undefined;

	const send = async (group: Element[], stopAtFirstError: boolean): Promise<Map<number, ItemResult>> => {
		credentials ??= (await resolveCredential(ctx, amoCrmProfile)).data;
		const answers = new Map<number, ItemResult>();
		let pending = group;
		// Each 400 removes at least one rejected element, so this ends within the group's size.
		for (let round = 0; round <= group.length && pending.length > 0; round++) {
			const sentAt = monotonicNow();
			const serverBefore = serverNow(amoCrmProfile, credentials);
			try {
				const response = await amoRequest.call(ctx, method, '/tasks', {
					body: pending.map(({ itemIndex, body }) => ({ ...body, request_id: requestIdOf(itemIndex) })),
					itemIndex: pending[0].itemIndex,
				});
				const tasks = embedded(response.body, 'tasks');
				// Answers are matched by name; only answers that name none of the elements (none at all,
				// or one answer per element) are matched by position.
				const names = elementNames(pending, tasks.map((answer) => String(answer.request_id)));
				const namesSent = tasks.some((answer) => answer.request_id !== undefined && names.includes(String(answer.request_id)));
				const byPosition =
					!namesSent && (tasks.every((answer) => answer.request_id === undefined) || tasks.length === pending.length);
				pending.forEach((element, position) => {
					const answer = byPosition ? tasks[position] : tasks.find((a) => String(a.request_id) === names[position]);
					if (answer) {
						// Read back at the end: a write answers with the id only.
						written.set(element.itemIndex, { element, answer });
						answers.set(element.itemIndex, {});
						claimed.add(Number(answer.id));
					} else {
						answers.set(
							element.itemIndex,
							new NodeOperationError(ctx.getNode(), 'amoCRM did not answer for this task', { itemIndex: element.itemIndex }),
						);
					}
				});
				pending = [];
			} catch (error) {
				const rejected = (error as NodeApiError).httpCode === '400' ? rejectedElements(error) : new Map<string, Rejection>();
				const names = new Map(elementNames(pending, [...rejected.keys()]).map((name, position) => [pending[position], name]));
				const isRejected = (element: Element) => rejected.has(names.get(element) as string);
				if (!pending.some(isRejected)) {
					// The whole array failed (or the answer names none of its elements).
					for (const { itemIndex } of pending) answers.set(itemIndex, error as Error);
					break;
				}
				const valid = pending.filter((element) => !isRejected(element));
				for (const element of pending.filter(isRejected)) {
					const rejection = rejected.get(names.get(element) as string) as Rejection;
					answers.set(
						element.itemIndex,
						rejectionError(ctx, error as NodeApiError, element, rejection, {
							hint: options.rejectionHint?.(rejection.paths, element.body),
							// The node is about to fail at this item: say what became of the others.
							othersUnknown: stopAtFirstError && valid.length > 0 ? { method, count: valid.length } : undefined,
						}),
					);
				}
				if (stopAtFirstError || valid.length === 0) {
					// The run fails at the rejected item, whose error says what became of these.
					for (const { itemIndex } of valid) answers.set(itemIndex, {});
					break;
				}
				const verdicts =
					method === 'POST'
						? await findStoredCreates(ctx, valid, sentWindow(sentAt, serverBefore, serverNow(amoCrmProfile, credentials)), claimed)
						: await findAppliedUpdates(ctx, valid);
				pending = [];
				for (const element of valid) {
					const verdict = verdicts.get(element.itemIndex) as Verdict;
					if (verdict.state === 'absent') {
						pending.push(element);
					} else if (verdict.state === 'stored') {
						answers.set(element.itemIndex, verdict.task);
						claimed.add(Number(verdict.task.id));
					} else {
						answers.set(element.itemIndex, notEstablishedError(ctx, method, element, verdict.reason));
					}
				}
			}
		}
		return answers;
	};

	// Without "Continue on fail" the node fails at the first failing item: write nothing more
	// after it (bad input is found before anything is sent), so a re-run makes no duplicates.
	const { results } = await runBatches(ctx, prepared, { size: AMO_MAX_BATCH, send, done: existing });
	if (!ctx.continueOnFail() && results.some((result) => result instanceof Error)) return results;
	for (const [itemIndex, task] of await readBack(ctx, [...written.values()])) results[itemIndex] = task;
	return results;
}

/** The server seconds in which a request sent at `sentAt` (monotonic ms) and answered now was processed. */
function sentWindow(sentAt: number, serverBefore: number | undefined, serverAfter: number | undefined): SentWindow {
	// amoCRM's clock, from the Date headers of its answers (n8n's own clock without them).
	const after = serverAfter ?? now();
	const before = Math.min(serverBefore ?? Number.POSITIVE_INFINITY, after - (monotonicNow() - sentAt));
	return {
		from: Math.floor(before / 1000) - WINDOW_SLACK_SECONDS,
		to: Math.ceil(after / 1000) + WINDOW_SLACK_SECONDS,
	};
}

/** An element amoCRM rejected: a NodeApiError with the status (its response is already redacted). */
function rejectionError(
	ctx: IExecuteFunctions,
	apiError: NodeApiError,
	element: Element,
	rejection: Rejection,
	extra: { hint?: string; othersUnknown?: { method: 'POST' | 'PATCH'; count: number } },
): NodeApiError {
	let message = `amoCRM rejected this task: ${rejection.details}`;
	if (extra.hint) message += `${/[.!?]$/.test(message) ? '' : '.'} ${extra.hint}`;
	const notes = [apiError.message];
	if (extra.othersUnknown) {
		const { method, count } = extra.othersUnknown;
		notes.push(
			method === 'POST'
				? `amoCRM does not document whether it stored the other tasks sent with this one (${count}): check them in amoCRM before running the items again.`
				: `amoCRM does not document whether it applied the other changes sent with this one (${count}): check them in amoCRM before running the items again.`,
		);
	}
	return new NodeApiError(ctx.getNode(), (apiError.errorResponse ?? {}) as JsonObject, {
		message,
		description: notes.join('\n'),
		httpCode: '400',
		itemIndex: element.itemIndex,
	});
}

function notEstablishedError(ctx: IExecuteFunctions, method: 'POST' | 'PATCH', element: Element, reason: string): NodeOperationError {
	const what = method === 'POST' ? 'stored this task' : 'applied this change';
	return new NodeOperationError(
		ctx.getNode(),
		`amoCRM rejected another task of the same request, and the node could not establish whether amoCRM ${what}: it was not sent again, to avoid a duplicate`,
		{
			itemIndex: element.itemIndex,
			description: `Why: ${reason}. Check in amoCRM before running this item again.`,
		},
	);
}

/**
 * Reads written tasks back (a write answers only with ids). A failed read must not turn a done
 * write into an error the user would retry: the item then holds what is known (the id, what
 * amoCRM answered, the fields sent) and `readBackError` says the read failed.
 */
async function readBack(
	ctx: IExecuteFunctions,
	written: Array<{ element: Element; answer: IDataObject }>,
): Promise<Map<number, IDataObject>> {
	const out = new Map<number, IDataObject>();
	for (const group of chunk(written, AMO_MAX_PAGE)) {
		let tasks: Map<number, IDataObject> | undefined;
		let failure = '';
		try {
			tasks = await readTasksByIds(ctx, group.map(({ answer }) => Number(answer.id)));
		} catch (error) {
			failure = (error as Error).message;
		}
		for (const { element, answer } of group) {
			const task = tasks?.get(Number(answer.id));
			out.set(element.itemIndex, task ?? knownOfWrite(element, answer, failure || 'amoCRM did not list the task'));
		}
	}
	return out;
}

/** A written task whose read failed: the id and answer amoCRM gave, the fields sent, and why. */
function knownOfWrite(element: Element, answer: IDataObject, failure: string): IDataObject {
	const { request_id: _sentRequestId, id: _sentId, ...sent } = element.body;
	return {
		id: answer.id,
		...(answer.updated_at !== undefined ? { updated_at: answer.updated_at } : {}),
		...sent,
		readBackError: `The task was written, but reading it back failed: ${failure}. The other fields are the ones sent.`,
	};
}

/**
 * How an item's tasks are output: raw, or in the common shape when "Simplify" is on. The
 * parameter is read once per item, not once per task of a long list.
 */
export async function taskOutputFor(ctx: IExecuteFunctions, itemIndex: number): Promise<(task: IDataObject) => IDataObject> {
	const simplify = ctx.getNodeParameter('simplify', itemIndex, false) as boolean;
	if (!simplify) return (task) => task;
	const baseUrl = amoCrmBaseUrl((await resolveCredential(ctx, amoCrmProfile)).data);
	const timezone = ctx.getTimezone();
	return (task) => {
		const common = simplifyAmoTask(task, baseUrl, timezone);
		if (task.readBackError === undefined) return common;
		// Only what was sent is known: a completion state not sent is unknown, not "open".
		const completion = task.is_completed === undefined ? { status: null, vendorStatus: null, completedAt: null } : {};
		return { ...common, ...completion, readBackError: task.readBackError };
	};
}

/** One task as output (see taskOutputFor). */
export async function taskOutput(ctx: IExecuteFunctions, itemIndex: number, task: IDataObject): Promise<IDataObject> {
	return (await taskOutputFor(ctx, itemIndex))(task);
}

/** Applies "Simplify" to the results of a bulk write. */
export async function outputs(ctx: IExecuteFunctions, results: ItemResult[]): Promise<ItemResult[]> {
	const out: ItemResult[] = [];
	for (const [itemIndex, result] of results.entries()) {
		out.push(result instanceof Error || Array.isArray(result) ? result : await taskOutput(ctx, itemIndex, result));
	}
	return out;
}
