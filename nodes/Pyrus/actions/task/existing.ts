import { DateTime } from 'luxon';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { sameText, skipExistingSince, TasksByText } from '../../../shared/alreadyCreated';
import { sortByKey } from '../../../shared/order';
import { inputError } from '../../../shared/transport/errors';
import { pyrusRequest, pyrusTimeMs, toPyrusDateTime } from '../../api';
import { readListTasks } from '../../list';
import { answerTask } from '../fields';
import { readRegister } from './getAll';

/**
 * The fields a look-up compares: those the list and register answers carry (TaskHeader and the
 * register's tasks, https://pyrus.com/en/help/api/lists and /forms). Participants, subscribers,
 * lists, attachments and approvals are not in those answers and are not compared.
 */
const COMPARED = ['text', 'subject', 'responsible', 'due_date', 'due', 'duration', 'form_id', 'fields', 'parent_task_id'];

/**
 * Whether `stored` holds what was sent: text by its words, a value by its string, an array
 * element by element, an object by the keys sent (a person sent as `{ id }` is held by the
 * whole person Pyrus answers with; a catalog item as `{ item_id }` by the item with its values).
 */
function holdsValue(stored: unknown, sent: unknown): boolean {
	if (Array.isArray(sent)) {
		return Array.isArray(stored) && stored.length >= sent.length && sent.every((element) => stored.some((s) => holdsValue(s, element)));
	}
	if (typeof sent === 'object' && sent !== null) {
		if (typeof stored !== 'object' || stored === null) return false;
		return Object.entries(sent).every(([key, value]) => holdsValue((stored as IDataObject)[key], value));
	}
	return typeof sent === 'string' ? sameText(stored, sent) : String(stored) === String(sent);
}

/** Whether `task` holds every compared field a create sent. */
export function holdsAllSent(task: IDataObject, body: IDataObject): boolean {
	return COMPARED.every((key) => body[key] === undefined || holdsValue(task[key], body[key]));
}

/** Where created tasks can be listed: Pyrus has no list of the tasks a user created. */
type Place = { formId: number } | { listId: number };

function placeOf(ctx: IExecuteFunctions, itemIndex: number, body: IDataObject): Place {
	if (typeof body.form_id === 'number') return { formId: body.form_id };
	const lists = body.list_ids as number[] | undefined;
	if (lists?.length) return { listId: lists[0] };
	throw inputError(
		ctx.getNode(),
		'Skip Tasks Already Created',
		'Pyrus lists tasks only by form or by list: add the task to a list (Additional Fields → Lists) to look for it there, or turn the option off',
		itemIndex,
	);
}

/** The tasks created since `since` (epoch ms) in a form's register or a list, oldest first. */
async function tasksCreatedSince(ctx: IExecuteFunctions, place: Place, since: number, itemIndex: number): Promise<IDataObject[]> {
	const tasks =
		'formId' in place
			? await readRegister(
					ctx,
					place.formId,
					{ created_after: toPyrusDateTime(DateTime.fromMillis(since)), include_archived: 'y' },
					{ returnAll: true, limit: 0 },
					itemIndex,
				)
			: // A list is filtered by change only: a task changes when it is created.
				await readListTasks(ctx, { listId: place.listId, window: { from: Math.floor(since / 1000) }, includeArchived: true, itemIndex });
	return sortByKey(
		tasks.filter((task) => pyrusTimeMs(task.create_date) >= since),
		(task) => [pyrusTimeMs(task.create_date), Number(task.id)] as const,
		(a, b) => a[0] - b[0] || a[1] - b[1],
	);
}

/** One execution's look-ups: tasks by place, read once, and the ids already given to an item. */
interface RunLookups {
	since: number;
	byPlace: Map<string, TasksByText>;
	claimed: Set<string>;
	lastItem: number;
}

/** Keyed by the execution's input items, as Pyrus creates one item at a time. */
const lookupsByRun = new WeakMap<object, RunLookups>();

/**
 * The task already created for this item's `body` ("Skip Tasks Already Created"), read in full,
 * or undefined (the option off, or no such task). Each task serves one item of the run.
 */
export async function findAlreadyCreatedTask(ctx: IExecuteFunctions, itemIndex: number, body: IDataObject): Promise<IDataObject | undefined> {
	const since = skipExistingSince(ctx, itemIndex);
	if (since === undefined) return undefined;
	const place = placeOf(ctx, itemIndex, body);
	const items = ctx.getInputData();
	let run = lookupsByRun.get(items);
	// Items run in order: an item at or before the last one is a new try ("Retry On Fail"), which
	// must see the tasks the earlier try created.
	if (!run || itemIndex <= run.lastItem) {
		run = { since, byPlace: new Map(), claimed: new Set(), lastItem: itemIndex };
		lookupsByRun.set(items, run);
	}
	run.lastItem = itemIndex;
	const key = JSON.stringify(place);
	let tasks = run.byPlace.get(key);
	if (!tasks) {
		tasks = new TasksByText(await tasksCreatedSince(ctx, place, run.since, itemIndex), (task) => task.text);
		run.byPlace.set(key, tasks);
	}
	const claimed = run.claimed;
	// Only the tasks of the item's text can hold it (holdsAllSent compares the text by sameText).
	const found = tasks.candidates(body.text).find((task) => !claimed.has(String(task.id)) && holdsAllSent(task, body));
	if (!found) return undefined;
	claimed.add(String(found.id));
	// Lists and registers answer with a task's header: the item gets the whole task, as a create does.
	return answerTask(ctx, itemIndex, await pyrusRequest.call(ctx, 'GET', `/tasks/${String(found.id)}`, { itemIndex }));
}
