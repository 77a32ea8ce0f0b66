/**
 * Contract fixtures: request/answer pairs taken from a vendor's own documentation, one JSON file
 * per pair under `test/contract/<vendor>/`. Each vendor's `test/contract/<vendor>.test.ts` runs
 * every pair twice:
 *
 * - against the vendor's sandbox: the sandbox must answer the documented request with the
 *   documented status and an answer of the documented shape ({@link shapeDiff});
 * - through the node (n8n's engine, nock answering with the documented answer): the node's
 *   parsing of the documented answer gives the items the pair expects.
 *
 * See README.md beside this file for the file format.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

export interface ContractRequest {
	method: string;
	/** Path below the vendor's API base (no host), `{{name}}` placeholders allowed. */
	path: string;
	query?: Record<string, string | string[]>;
	body?: unknown;
	/** Extra headers the documented request carries (auth is added by the vendor's test). */
	headers?: Record<string, string>;
}

export interface ContractAnswer {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

/** A request the sandbox test sends first, saving values of its answer for the pair. */
export interface ContractStep {
	request: ContractRequest;
	/** Variable name -> dotted path into the answer body (`id`, `rows.0.id`, `task.id`). */
	save?: Record<string, string>;
}

export interface ContractPair {
	/** File name, set by the loader. */
	file: string;
	title: string;
	/**
	 * Where the pair comes from: the vendor's public doc page (URL) and section, or the official
	 * SDK / library file when the documentation gives no example.
	 */
	source: string;
	/** Sandbox state the pair needs: requests sent before it, and sandbox switches to set. */
	given?: ContractStep[];
	sandbox?: IDataObject;
	request: ContractRequest;
	response: ContractAnswer;
	/**
	 * Paths (`rows[].meta.href`) of the documented answer that are situational: the sandbox may
	 * omit them or answer `null` there (a value the documented example has only in some states).
	 */
	optional?: string[];
	/** Paths of documented non-empty arrays that the sandbox may answer empty ({@link emptyWhereDocumented}). */
	mayBeEmpty?: string[];
	/** The node's side: parameters of one run whose request the documented answer answers. */
	node?: {
		parameters: INodeParameters;
		input?: IDataObject[];
		continueOnFail?: boolean;
		/** The items, each matched with `toMatchObject`. */
		items?: IDataObject[];
		/** A substring of the error the run ends with (or each item's error under Continue On Fail). */
		error?: string;
	};
}

/** Every pair of one vendor, sorted by file name. Throws on a pair without a source. */
export function loadContracts(vendor: string): ContractPair[] {
	const folder = join(__dirname, vendor);
	const files = readdirSync(folder)
		.filter((name) => name.endsWith('.json'))
		.sort();
	if (files.length === 0) throw new Error(`no contract pairs in test/contract/${vendor}`);
	return files.map((file) => {
		const pair = JSON.parse(readFileSync(join(folder, file), 'utf8')) as Omit<ContractPair, 'file'>;
		if (typeof pair.source !== 'string' || pair.source.trim().length < 10) {
			throw new Error(`test/contract/${vendor}/${file}: "source" must name the documentation page and section`);
		}
		if (!pair.request?.method || !pair.request.path || typeof pair.response?.status !== 'number') {
			throw new Error(`test/contract/${vendor}/${file}: needs request.method, request.path and response.status`);
		}
		return { ...pair, file };
	});
}

/**
 * Replaces `{{name}}` in every string of `value` with `vars[name]` (unknown names throw). A string
 * that is exactly `{{number:name}}` becomes the number `vars[name]` (a JSON body's numeric id).
 */
export function substitute<T>(value: T, vars: Record<string, string>): T {
	if (typeof value === 'string') {
		const whole = /^\{\{number:(\w+)\}\}$/.exec(value);
		if (whole) {
			const name = whole[1];
			if (!(name in vars)) throw new Error(`contract placeholder {{number:${name}}} has no value`);
			if (!/^-?\d+(\.\d+)?$/.test(vars[name])) throw new Error(`contract placeholder {{number:${name}}} is not a number: ${vars[name]}`);
			return Number(vars[name]) as T;
		}
		return value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
			if (!(name in vars)) throw new Error(`contract placeholder {{${name}}} has no value`);
			return vars[name];
		}) as T;
	}
	if (Array.isArray(value)) return value.map((entry) => substitute(entry, vars)) as T;
	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, substitute(entry, vars)])) as T;
	}
	return value;
}

/** The value at a dotted path (`rows.0.id`), as a string for a placeholder. */
export function pick(body: unknown, path: string): string {
	let current: unknown = body;
	for (const segment of path.split('.')) {
		if (current === null || typeof current !== 'object') throw new Error(`no value at "${path}"`);
		current = (current as Record<string, unknown>)[segment];
	}
	if (current === undefined || current === null) throw new Error(`no value at "${path}"`);
	return String(current);
}

function kind(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	return typeof value;
}

/**
 * Where `actual` (the sandbox's answer) does not have the shape of `documented`: every key of a
 * documented object is there with the same JSON type (a documented `null` says nothing of the
 * type), recursively; each element of a documented array has the shape of at least one element
 * of the actual array (when the actual array has any). Keys the sandbox adds are allowed.
 * `optional` paths use `[]` for array elements: `rows[].meta.href`; at an optional path the
 * answer may lack the key or hold `null`.
 */
export function shapeDiff(documented: unknown, actual: unknown, optional: readonly string[] = [], path = ''): string[] {
	const here = path === '' ? '$' : path;
	if (documented === null) return [];
	if (kind(documented) !== kind(actual)) return [`${here}: documented ${kind(documented)}, got ${kind(actual)}`];
	if (Array.isArray(documented)) {
		const list = actual as unknown[];
		if (list.length === 0) return [];
		const problems: string[] = [];
		documented.forEach((element, index) => {
			let best: string[] | undefined;
			for (const candidate of list) {
				const diff = shapeDiff(element, candidate, optional, `${path}[]`);
				if (!best || diff.length < best.length) best = diff;
				if (diff.length === 0) break;
			}
			if (best && best.length > 0) problems.push(`${here}[${index}] matches no element:`, ...best.map((line) => `  ${line}`));
		});
		return problems;
	}
	if (typeof documented === 'object') {
		const object = actual as Record<string, unknown>;
		const problems: string[] = [];
		for (const [key, value] of Object.entries(documented as Record<string, unknown>)) {
			const childPath = path === '' ? key : `${path}.${key}`;
			if (optional.includes(childPath) && (!(key in object) || object[key] === null)) continue;
			if (!(key in object)) {
				problems.push(`${childPath}: missing`);
				continue;
			}
			problems.push(...shapeDiff(value, object[key], optional, childPath));
		}
		return problems;
	}
	return [];
}

/**
 * Where the documented answer shows a non-empty array and `actual` has an empty one: the arrays
 * whose elements {@link shapeDiff} could not compare. A sandbox that answers `comments: []`
 * where the documentation shows comments passes `shapeDiff`, not this. `allowed` paths use
 * `[]` for array elements, as `optional` does (`tasks[].comments`).
 */
export function emptyWhereDocumented(documented: unknown, actual: unknown, allowed: readonly string[] = [], path = ''): string[] {
	if (documented === null || kind(documented) !== kind(actual)) return [];
	if (Array.isArray(documented)) {
		const list = actual as unknown[];
		if (documented.length > 0 && list.length === 0) return allowed.includes(path) ? [] : [`${path === '' ? '$' : path}: documented with elements, answered empty`];
		// Each documented element against the actual element of its shape (the fewest shape problems).
		return documented.flatMap((element) => {
			let best: unknown = list[0];
			let fewest = Infinity;
			for (const candidate of list) {
				const problems = shapeDiff(element, candidate).length;
				if (problems < fewest) [best, fewest] = [candidate, problems];
			}
			return emptyWhereDocumented(element, best, allowed, `${path}[]`);
		});
	}
	if (typeof documented === 'object') {
		const object = actual as Record<string, unknown>;
		return Object.entries(documented as Record<string, unknown>).flatMap(([key, value]) =>
			key in object ? emptyWhereDocumented(value, object[key], allowed, path === '' ? key : `${path}.${key}`) : [],
		);
	}
	return [];
}
