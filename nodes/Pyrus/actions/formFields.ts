import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputError } from '../../shared/transport/errors';
import type { RequestContext } from '../../shared/transport/types';
import { pyrusRequest } from '../api';
import { attachmentsParameter, personIdentity, pyrusDateParameter, pyrusDateTimeParameter } from './fields';

/** One field of a form template (GET /forms/{id}). */
export interface FormField {
	id: number;
	name: string;
	type: string;
	code?: string;
	info?: IDataObject;
}

export interface FormSchema {
	id: number;
	name: string;
	fields: FormField[];
}

const formCache = new WeakMap<object, Map<number, Promise<FormSchema>>>();

/** A form template, read once per execution (every item of a run shares it). */
export async function loadForm(ctx: RequestContext, formId: number, itemIndex?: number): Promise<FormSchema> {
	let forms = formCache.get(ctx);
	if (!forms) {
		forms = new Map();
		formCache.set(ctx, forms);
	}
	let form = forms.get(formId);
	if (!form) {
		form = pyrusRequest.call(ctx, 'GET', `/forms/${formId}`, { itemIndex }).then((body) => body as unknown as FormSchema);
		forms.set(formId, form);
		// A failed read is not kept: the next item tries again.
		form.catch(() => forms.delete(formId));
	}
	return await form;
}

/** Every field of a form, nested ones (sections, choice options) included; table columns are not. */
export function flattenFields(fields: FormField[] | undefined): FormField[] {
	const out: FormField[] = [];
	for (const field of fields ?? []) {
		out.push(field);
		const info = field.info ?? {};
		out.push(...flattenFields(info.fields as FormField[] | undefined));
		for (const option of (info.options as IDataObject[] | undefined) ?? []) {
			out.push(...flattenFields(option.fields as FormField[] | undefined));
		}
	}
	return out;
}

/** The "Fields" parameter: field by name, code or ID, and its value. */
export function fieldValuesProperty(name: string, displayOptions: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName: 'Fields',
		name,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Field',
		default: {},
		displayOptions,
		description:
			'Form fields to set. Values are converted to the field\'s type: numbers, dates, "true"/"false" for checkmarks, catalog item IDs or texts, choice names or IDs, person IDs or emails, and for tables a JSON array of rows such as [{"Item": "Paper", "Price": 5}].',
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{
						displayName: 'Field Name or ID',
						name: 'field',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getFormFields', loadOptionsDependsOn: ['formId'] },
						default: '',
						description: 'The field\'s name, code or ID. Choose from the list, or specify it using an <a href="https://docs.n8n.io/code/expressions/">expression</a>. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
					},
				],
			},
		],
	};
}

/** The (field, value) pairs of a "Fields" parameter. */
export function fieldEntries(raw: unknown): Array<{ field: unknown; value: unknown }> {
	const entries = (raw as { field?: Array<{ field?: unknown; value?: unknown }> } | undefined)?.field ?? [];
	return entries.map((entry) => ({ field: entry.field, value: entry.value }));
}

const READ_ONLY = new Set(['step', 'status', 'creation_date', 'note', 'author', 'title', 'project']);

interface Converter {
	ctx: IExecuteFunctions;
	itemIndex: number;
	parameter: string;
	form: FormSchema;
	/** The task being updated (with its comments); none when creating. */
	task?: IDataObject;
}

function describeFields(form: FormSchema): string {
	return flattenFields(form.fields)
		.map((field) => `"${field.name}" (${field.id}, ${field.type})`)
		.join(', ');
}

/** Finds a field by ID, code or name (names ignore case and surrounding spaces). */
function findField(c: Converter, identifier: unknown): FormField {
	const all = flattenFields(c.form.fields);
	const text = typeof identifier === 'number' ? String(identifier) : typeof identifier === 'string' ? identifier.trim() : '';
	if (text === '') throw inputError(c.ctx.getNode(), c.parameter, 'a field has no name or ID', c.itemIndex);
	const lower = text.toLowerCase();
	const field =
		(/^\d+$/.test(text) ? all.find((f) => f.id === Number(text)) : undefined) ??
		all.find((f) => f.code === text) ??
		all.find((f) => f.name.trim().toLowerCase() === lower);
	if (field) return field;
	const table = all.find((f) =>
		((f.info?.columns as FormField[] | undefined) ?? []).some((column) => column.name.trim().toLowerCase() === lower || String(column.id) === text),
	);
	if (table) {
		throw inputError(c.ctx.getNode(), c.parameter, `"${text}" is a column of the table "${table.name}": set it inside that table's rows`, c.itemIndex);
	}
	throw inputError(
		c.ctx.getNode(),
		c.parameter,
		`the form "${c.form.name}" (${c.form.id}) has no field "${text}". Its fields: ${describeFields(c.form)}`,
		c.itemIndex,
	);
}

function show(value: unknown): string {
	return typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value);
}

function wrongType(c: Converter, field: FormField, expected: string, value: unknown): Error {
	return inputError(
		c.ctx.getNode(),
		c.parameter,
		`the field "${field.name}" (${field.type}) expects ${expected}, got ${show(value)}`,
		c.itemIndex,
	);
}

/** A JSON text given for a structured value (tables, lists) from a plain text field. */
function structured(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	const text = value.trim();
	if (!/^[[{]/.test(text)) return value;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return value;
	}
}

function toNumber(c: Converter, field: FormField, value: unknown): number {
	const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : NaN;
	if (!Number.isFinite(n)) throw wrongType(c, field, 'a number (with "." as the decimal separator)', value);
	return n;
}

function toIdOrText(value: unknown): number | string | undefined {
	if (typeof value === 'number' && Number.isInteger(value)) return value;
	if (typeof value === 'string' && value.trim() !== '') return /^\d+$/.test(value.trim()) ? Number(value.trim()) : value.trim();
	return undefined;
}

function catalogValue(c: Converter, field: FormField, raw: unknown): IDataObject {
	const value = structured(raw);
	if (value && typeof value === 'object' && !Array.isArray(value)) {
		const object = value as IDataObject;
		if (object.item_id !== undefined || object.item_ids !== undefined || object.item_names !== undefined) return object;
		throw wrongType(c, field, 'a catalog item ID or text', value);
	}
	const parts = (Array.isArray(value) ? value : [value]).map(toIdOrText);
	if (parts.length === 0 || parts.some((part) => part === undefined)) throw wrongType(c, field, 'a catalog item ID or text', value);
	if (parts.every((part) => typeof part === 'number')) {
		return parts.length === 1 && !Array.isArray(value) ? { item_id: parts[0] } : { item_ids: parts };
	}
	if (parts.every((part) => typeof part === 'string')) return { item_names: parts };
	throw wrongType(c, field, 'catalog item IDs or texts, not a mix', value);
}

function choiceValue(c: Converter, field: FormField, raw: unknown): IDataObject {
	const value = structured(raw);
	if (value && typeof value === 'object' && !Array.isArray(value)) {
		const object = value as IDataObject;
		if (object.choice_id !== undefined || object.choice_ids !== undefined || object.choice_names !== undefined) return object;
		throw wrongType(c, field, 'a choice name or ID', value);
	}
	const options = ((field.info?.options as IDataObject[] | undefined) ?? []).filter((option) => option.deleted !== true);
	const ids = (Array.isArray(value) ? value : [value]).map((part) => {
		const key = toIdOrText(part);
		const option =
			typeof key === 'number'
				? options.find((o) => o.choice_id === key)
				: typeof key === 'string'
					? options.find((o) => String(o.choice_value).trim().toLowerCase() === key.toLowerCase())
					: undefined;
		if (!option) {
			const names = options.map((o) => `"${String(o.choice_value)}" (${String(o.choice_id)})`).join(', ');
			throw inputError(
				c.ctx.getNode(),
				c.parameter,
				`the field "${field.name}" has no choice ${show(part)}. Its choices: ${names || 'none'}`,
				c.itemIndex,
			);
		}
		return option.choice_id as number;
	});
	if (ids.length === 0) throw wrongType(c, field, 'a choice name or ID', value);
	return Array.isArray(value) ? { choice_ids: ids } : { choice_id: ids[0] };
}

function checkmarkValue(c: Converter, field: FormField, value: unknown): string {
	const text = String(value).trim().toLowerCase();
	if (value === true || ['true', 'checked', 'yes', '1'].includes(text)) return 'checked';
	if (value === false || ['false', 'unchecked', 'no', '0'].includes(text)) return 'unchecked';
	throw wrongType(c, field, 'true or false', value);
}

function tableValue(c: Converter, field: FormField, raw: unknown): IDataObject[] {
	const value = structured(raw);
	if (!Array.isArray(value)) throw wrongType(c, field, 'a JSON array of rows, e.g. [{"Column": "value"}]', raw);
	const columns = (field.info?.columns as FormField[] | undefined) ?? [];
	const column = (identifier: string): FormField => {
		const lower = identifier.trim().toLowerCase();
		const found = columns.find((col) => String(col.id) === identifier.trim() || col.code === identifier || col.name.trim().toLowerCase() === lower);
		if (!found) {
			const names = columns.map((col) => `"${col.name}" (${col.id}, ${col.type})`).join(', ');
			throw inputError(c.ctx.getNode(), c.parameter, `the table "${field.name}" has no column "${identifier}". Its columns: ${names}`, c.itemIndex);
		}
		return found;
	};
	const givenIds = value.map((row: unknown) => {
		if (!row || typeof row !== 'object' || Array.isArray(row)) throw wrongType(c, field, 'rows as objects', row);
		const rowId = (row as IDataObject).row_id;
		if (rowId === undefined || rowId === null || rowId === '') return undefined;
		if (!Number.isInteger(Number(rowId)) || Number(rowId) < 0) throw wrongType(c, field, 'a whole-number row_id', rowId);
		return Number(rowId);
	});
	// A row without row_id is a new row: it gets an id no row of the task has or had
	// (https://pyrus.com/en/help/api/fields, «table»: rows are keyed by row_id, a new id adds a
	// row), so no existing row is written over.
	let nextId = [...usedRowIds(c.task, field.id), ...givenIds].reduce<number>((max, id) => (id !== undefined && id > max ? id : max), -1) + 1;
	return (value as IDataObject[]).map((row, index) => {
		const { row_id: _rowId, delete: remove, position, cells, ...byColumn } = row;
		const id = givenIds[index] ?? nextId++;
		if (remove === true) return { row_id: id, delete: true };
		const given: Array<[string, unknown]> = Array.isArray(cells)
			? (cells as IDataObject[]).map((cell) => [String(cell.id ?? cell.name ?? ''), cell.value])
			: Object.entries(byColumn);
		const out: IDataObject = {
			row_id: id,
			cells: given.map(([key, cellValue]) => {
				const col = column(key);
				return { id: col.id, value: convertValue(c, col, cellValue) };
			}),
		};
		if (position !== undefined) out.position = position;
		return out;
	});
}

/**
 * Row ids a table of the task uses or used: its rows now, and every row its comments' field
 * updates name (deleted rows show there as `{ "row_id": 2, "deleted": true }`, https://pyrus.com/en/help/api/tasks).
 */
function usedRowIds(task: IDataObject | undefined, tableId: number): number[] {
	if (!task) return [];
	const tables = [
		...((task.fields as IDataObject[] | undefined) ?? []),
		...((task.comments as IDataObject[] | undefined) ?? []).flatMap((comment) => (comment.field_updates as IDataObject[] | undefined) ?? []),
	].filter((field) => field.id === tableId && Array.isArray(field.value));
	return tables.flatMap((table) => (table.value as IDataObject[]).map((row) => Number(row.row_id))).filter(Number.isInteger);
}

/** A user's value in the write format of the field's type (https://pyrus.com/en/help/api/fields). */
function convertValue(c: Converter, field: FormField, value: unknown): unknown {
	const { ctx, itemIndex, parameter } = c;
	const label = `${parameter} → ${field.name}`;
	switch (field.type) {
		case 'text':
		case 'email':
		case 'phone':
			if (typeof value === 'string') return value;
			if (typeof value === 'number') return String(value);
			throw wrongType(c, field, 'a text', value);
		case 'number':
		case 'money':
			return toNumber(c, field, value);
		case 'date':
		case 'due_date':
			return pyrusDateParameter(ctx, itemIndex, label, value);
		case 'due_date_time':
			return pyrusDateTimeParameter(ctx, itemIndex, label, value);
		case 'time': {
			const text = String(value).trim();
			if (!/^\d{1,2}:\d{2}$/.test(text)) throw wrongType(c, field, 'a time as HH:mm', value);
			return text.padStart(5, '0');
		}
		case 'checkmark':
			return checkmarkValue(c, field, value);
		case 'flag': {
			const text = String(value).trim().toLowerCase();
			return text === 'none' ? 'none' : checkmarkValue(c, field, value);
		}
		case 'catalog':
			return catalogValue(c, field, value);
		case 'multiple_choice':
			return choiceValue(c, field, value);
		case 'person':
			return personIdentity(ctx, itemIndex, label, structured(value));
		case 'form_link': {
			const parts = (Array.isArray(structured(value)) ? (structured(value) as unknown[]) : [value]).map(toIdOrText);
			if (parts.length === 0 || parts.some((part) => typeof part !== 'number')) throw wrongType(c, field, 'a task ID', value);
			return parts.length === 1 && !Array.isArray(structured(value)) ? { task_id: parts[0] } : { task_ids: parts };
		}
		case 'file': {
			const list = structured(value);
			return attachmentsParameter(ctx, itemIndex, label, Array.isArray(list) ? list : [list]);
		}
		case 'table':
			return tableValue(c, field, value);
		default:
			if (READ_ONLY.has(field.type)) {
				throw inputError(
					ctx.getNode(),
					parameter,
					field.type === 'title'
						? `"${field.name}" is a section: set the fields inside it by their own names`
						: `the field "${field.name}" (${field.type}) is read-only`,
					itemIndex,
				);
			}
			// A type this node does not know: pass the value as given.
			return structured(value);
	}
}

/**
 * Turns "Fields" entries into Pyrus's `[{ id, value }]`, each field found by name, code or ID
 * in the form's schema and its value converted to the field's type. `task`: the task an update
 * changes (new table rows get ids after its rows').
 */
export function convertFields(
	ctx: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	form: FormSchema,
	entries: Array<{ field: unknown; value: unknown }>,
	task?: IDataObject,
): IDataObject[] {
	const c: Converter = { ctx, itemIndex, parameter, form, task };
	const seen = new Set<number>();
	return entries.map(({ field: identifier, value }) => {
		const field = findField(c, identifier);
		if (seen.has(field.id)) {
			throw inputError(ctx.getNode(), parameter, `the field "${field.name}" is given twice`, itemIndex);
		}
		seen.add(field.id);
		return { id: field.id, value: convertValue(c, field, value) } as IDataObject;
	});
}
