import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { ZodType, ZodTypeDef } from 'zod';

import { inputError } from './transport/errors';

export interface InputContext {
	node: INode;
	itemIndex?: number;
}

/** Describes zod issues by their path inside the parameter: `at "0.params.text": Required`. */
function describeIssues(issues: Array<{ path: Array<string | number>; message: string }>): string {
	return issues
		.slice(0, 5)
		.map((issue) => (issue.path.length ? `at "${issue.path.join('.')}": ${issue.message}` : issue.message))
		.join('; ');
}

/** Parses a JSON parameter (string or already an object) and checks it against a schema. */
export function parseJsonParameter<T>(
	context: InputContext,
	parameter: string,
	raw: unknown,
	schema: ZodType<T, ZodTypeDef, unknown>,
): T {
	let value = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch (error) {
			throw inputError(context.node, parameter, `is not valid JSON (${(error as Error).message})`, context.itemIndex);
		}
	}
	return checkValue(context, parameter, value, schema);
}

/** Checks a value against a schema; the error names the parameter and the path inside it. */
export function checkValue<T>(
	context: InputContext,
	parameter: string,
	value: unknown,
	schema: ZodType<T, ZodTypeDef, unknown>,
): T {
	const result = schema.safeParse(value);
	if (!result.success) {
		throw inputError(context.node, parameter, describeIssues(result.error.issues), context.itemIndex);
	}
	return result.data;
}

/** A positive whole-number id, from a number or a string of digits. */
export function parseNumericId(context: InputContext, parameter: string, value: unknown): number {
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (!/^\d+$/.test(text) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) {
		throw inputError(
			context.node,
			parameter,
			`"${String(value ?? '')}" is not a valid id: expected a positive whole number`,
			context.itemIndex,
		);
	}
	return Number(text);
}

/** A list of numeric ids from "1, 2, 3", an array or a single value. */
export function parseNumericIdList(context: InputContext, parameter: string, value: unknown): number[] {
	const parts = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(',').map((part) => part.trim()).filter((part) => part !== '')
			: value === undefined || value === null
				? []
				: [value];
	return parts.map((part) => parseNumericId(context, parameter, part));
}

/** A non-empty text. */
export function requireText(context: InputContext, parameter: string, value: unknown): string {
	if (typeof value !== 'string' || value.trim() === '') {
		throw inputError(context.node, parameter, 'is required and must not be empty', context.itemIndex);
	}
	return value;
}

/** A positive whole number within bounds (Limit and similar). */
export function requirePositiveInt(
	context: InputContext,
	parameter: string,
	value: unknown,
	max?: number,
): number {
	const n = typeof value === 'string' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || (max !== undefined && n > max)) {
		throw inputError(
			context.node,
			parameter,
			`must be a whole number from 1${max !== undefined ? ` to ${max}` : ' up'}, got "${String(value)}"`,
			context.itemIndex,
		);
	}
	return n;
}

/**
 * The node and item an input problem is reported against. The node is read only when a problem
 * is reported: n8n's getNode copies the whole node, which cost ~15 µs per item when every item
 * read it up front (CPU profile of a 1,000-task bulk create).
 */
export function inputContext(ctx: Pick<IExecuteFunctions, 'getNode'>, itemIndex: number): InputContext {
	return {
		get node() {
			return ctx.getNode();
		},
		itemIndex,
	};
}

/**
 * The value of a resource locator parameter. n8n's own message for a link that the By URL
 * regex does not match carries no item index: such a link is refused naming the parameter
 * (`badLink` says what a good link looks like); any other failure keeps n8n's message.
 */
export function resourceLocatorValue(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
	badLink: (link: string) => string,
): unknown {
	try {
		return ctx.getNodeParameter(name, itemIndex, '', { extractValue: true });
	} catch (error) {
		const raw = ctx.getNodeParameter(name, itemIndex, '') as { mode?: unknown; value?: unknown } | string;
		if (typeof raw === 'object' && raw !== null && raw.mode === 'url') {
			throw inputError(ctx.getNode(), label, badLink(String(raw.value ?? '')), itemIndex);
		}
		throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
	}
}

/** The item's "Update Fields" collection. */
export function updateFieldsValue(ctx: Pick<IExecuteFunctions, 'getNodeParameter'>, itemIndex: number): IDataObject {
	return ctx.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
}

/** An update body that changes something: an empty one fails its item, naming Update Fields, before any request. */
export function requireChanges<T extends IDataObject>(ctx: Pick<IExecuteFunctions, 'getNode'>, itemIndex: number, body: T): T {
	if (Object.keys(body).length === 0) {
		throw inputError(ctx.getNode(), 'Update Fields', 'add at least one field to change', itemIndex);
	}
	return body;
}
