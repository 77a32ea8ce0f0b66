import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemResult } from './execute';
import { now } from './transport/clock';
import { inputContext, requirePositiveInt } from './validation';

type Show = NonNullable<INodeProperties['displayOptions']>['show'];

/**
 * "Skip Tasks Already Created": a create first looks for tasks that already hold what it would
 * send, created in the look-back period, and outputs those instead of creating them again.
 *
 * Why: an execution cut short in the middle of a bulk write (a worker killed, a crash, a
 * timeout) keeps no run data, so the items it wrote cannot be told apart from the ones it did
 * not; re-running it would create the written ones a second time. None of the four vendors
 * takes an idempotency key for a task create, so the look-up is by content.
 */
export function skipExistingProperties(show: Show): INodeProperties[] {
	return [
		{
			displayName: 'Skip Tasks Already Created',
			name: 'skipExisting',
			type: 'boolean',
			default: false,
			description:
				'Whether to first look for tasks with the same values created in the look-back period and output them (marked "alreadyCreated") instead of creating them again. Turn on to re-run an interrupted execution without duplicates. Two identical items still make two tasks.',
			displayOptions: { show },
		},
		{
			displayName: 'Look Back (Hours)',
			name: 'lookBackHours',
			type: 'number',
			default: 24,
			typeOptions: { minValue: 1, maxValue: 720 },
			description: 'How far back to look for tasks already created',
			displayOptions: { show: { ...show, skipExisting: [true] } },
		},
	];
}

/** The moment (epoch ms) from which tasks count as already created, or undefined when the option is off. */
export function skipExistingSince(ctx: IExecuteFunctions, itemIndex: number): number | undefined {
	if (ctx.getNodeParameter('skipExisting', itemIndex, false) !== true) return undefined;
	const hours = requirePositiveInt(inputContext(ctx, itemIndex), 'Look Back (Hours)', ctx.getNodeParameter('lookBackHours', itemIndex, 24));
	return now() - hours * 3_600_000;
}

/**
 * The text field a match must hold the same (by {@link sameText}): as a stored task has it, and
 * as an element sent it (not a string: the element sent none, and any task may match).
 */
export interface MatchText<E> {
	stored: (task: IDataObject) => unknown;
	sent: (element: E) => unknown;
}

/**
 * Gives each element the first unclaimed task that `matches` it (tasks in the order given,
 * oldest first), each task to one element at most: three identical items and two tasks already
 * there skip two items and create the third. Elements without a match are not in the map.
 * An element is compared only with the tasks of its text: 1,000 items against the 10,000 tasks
 * of a busy look-back period would otherwise be ten million comparisons.
 */
export function claimExisting<E extends { itemIndex: number }>(
	elements: readonly E[],
	tasks: readonly IDataObject[],
	matches: (task: IDataObject, element: E) => boolean,
	text: MatchText<E>,
): Map<number, IDataObject> {
	const byText = new TasksByText(tasks, text.stored);
	const claimed = new Set<IDataObject>();
	const found = new Map<number, IDataObject>();
	for (const element of elements) {
		const task = byText.candidates(text.sent(element)).find((candidate) => !claimed.has(candidate) && matches(candidate, element));
		if (!task) continue;
		claimed.add(task);
		found.set(element.itemIndex, task);
	}
	return found;
}

/** Tasks grouped by a text field as {@link sameText} compares it, each group in the tasks' order. */
export class TasksByText {
	private readonly groups = new Map<string, IDataObject[]>();

	constructor(
		private readonly tasks: readonly IDataObject[],
		textOf: (task: IDataObject) => unknown,
	) {
		for (const task of tasks) {
			const key = normalText(textOf(task));
			const group = this.groups.get(key);
			if (group) group.push(task);
			else this.groups.set(key, [task]);
		}
	}

	/** The tasks whose text is `sent`'s; all of them where `sent` is not a text (none sent, or a value a vendor compares otherwise). */
	candidates(sent: unknown): readonly IDataObject[] {
		return typeof sent === 'string' ? (this.groups.get(normalText(sent)) ?? []) : this.tasks;
	}
}

/**
 * The tasks already created for the valid elements of `prepared`, by item: none when the option
 * is off, and none looked up when the node is about to fail at an invalid item (without
 * "Continue On Fail" nothing at all leaves for a run with bad input). `list` reads the tasks
 * created since the given moment, oldest first.
 */
export async function findAlreadyCreated<E extends { itemIndex: number }>(
	ctx: IExecuteFunctions,
	prepared: ReadonlyArray<E | Error>,
	list: (since: number, elements: E[]) => Promise<IDataObject[]>,
	matches: (task: IDataObject, element: E) => boolean,
	text: MatchText<E>,
): Promise<Map<number, IDataObject>> {
	const elements = prepared.filter((entry): entry is E => !(entry instanceof Error));
	if (elements.length === 0 || (elements.length < prepared.length && !ctx.continueOnFail())) return new Map();
	const since = skipExistingSince(ctx, elements[0].itemIndex);
	if (since === undefined) return new Map();
	return claimExisting(elements, await list(since, elements), matches, text);
}

/** Marks the outputs of the items whose task was found already created: `alreadyCreated: true`. */
export function markAlreadyCreated(results: ItemResult[], existing: ReadonlyMap<number, IDataObject>): ItemResult[] {
	return results.map((result, itemIndex) =>
		existing.has(itemIndex) && !(result instanceof Error) && !Array.isArray(result) ? { ...result, alreadyCreated: true } : result,
	);
}

/** Text as vendors store it: surrounding blanks and runs of blanks do not tell tasks apart. */
const normalText = (value: unknown): string => String(value ?? '').trim().replace(/\s+/g, ' ');

export const sameText = (stored: unknown, sent: unknown): boolean => normalText(stored) === normalText(sent);
