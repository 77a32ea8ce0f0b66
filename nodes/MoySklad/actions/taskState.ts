import type { IDataObject, INode } from 'n8n-workflow';

import { inputError } from '../../shared/transport/errors';
import type { RequestContext } from '../../shared/transport/types';
import { isMsId, metaRef, msTaskStates } from '../api';

/**
 * A task type (task state) parameter takes an id or a name: syncs from other CRMs usually
 * have the name. Names are looked up in the account's task types, read once per run: one
 * node execution (all its items) or one poll shares the read, keyed by its context.
 */
const statesOfRun = new WeakMap<object, Promise<IDataObject[]>>();

type StateContext = RequestContext & { getNode(): INode };

function statesOf(ctx: StateContext, itemIndex: number | undefined): Promise<IDataObject[]> {
	let states = statesOfRun.get(ctx);
	if (!states) {
		states = msTaskStates(ctx, itemIndex);
		statesOfRun.set(ctx, states);
	}
	return states;
}

function nameOf(state: IDataObject): string {
	return String(state.name ?? '');
}

function accountHas(states: IDataObject[]): string {
	return `the account has: ${states.length > 0 ? states.map(nameOf).join(', ') : 'none'}`;
}

/** The state with this name: an exact match first, else one that differs only in case. */
async function stateNamed(ctx: StateContext, parameter: string, name: string, itemIndex?: number): Promise<IDataObject> {
	const states = await statesOf(ctx, itemIndex);
	let matches = states.filter((state) => nameOf(state) === name);
	if (matches.length === 0) {
		const lower = name.toLowerCase();
		matches = states.filter((state) => nameOf(state).toLowerCase() === lower);
	}
	if (matches.length === 1) return matches[0];
	const problem =
		matches.length === 0
			? `no task state named "${name}"; ${accountHas(states)}`
			: `"${name}" matches several task states (${matches.map(nameOf).join(', ')}); give the exact name or the ID`;
	throw inputError(ctx.getNode(), parameter, problem, itemIndex);
}

function textOf(value: unknown): string {
	return typeof value === 'string' ? value.trim() : String(value ?? '');
}

/** The reference to send for a task type given by id (built, nothing read) or by name. */
export async function taskStateRef(
	ctx: StateContext,
	baseUrl: string,
	parameter: string,
	value: unknown,
	itemIndex?: number,
): Promise<IDataObject> {
	const text = textOf(value);
	if (isMsId(text)) return metaRef(baseUrl, 'state', text.toLowerCase());
	const state = await stateNamed(ctx, parameter, text, itemIndex);
	return state.meta ? { meta: state.meta } : metaRef(baseUrl, 'state', String(state.id));
}

/** The name of a task type given by id or by name: the task list filters on `state.name` only. */
export async function taskStateName(ctx: StateContext, parameter: string, value: unknown, itemIndex?: number): Promise<string> {
	const text = textOf(value);
	if (!isMsId(text)) return nameOf(await stateNamed(ctx, parameter, text, itemIndex));
	const states = await statesOf(ctx, itemIndex);
	const state = states.find((candidate) => String(candidate.id).toLowerCase() === text.toLowerCase());
	if (!state) throw inputError(ctx.getNode(), parameter, `no task state with ID "${text}"; ${accountHas(states)}`, itemIndex);
	return nameOf(state);
}
