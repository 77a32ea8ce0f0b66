import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { z } from 'zod';

import { parseDateInput } from '../../shared/dates';
import { inputError } from '../../shared/transport/errors';
import { resolveCredential } from '../../shared/transport/request';
import { inputContext, parseJsonParameter, parseNumericId, resourceLocatorValue } from '../../shared/validation';

export { inputContext };
import { pyrusProfile, toPyrusDateTime } from '../api';
import { simplifyPyrusTask } from '../shape';

export const MEMBER_DESCRIPTION =
	'Person IDs or emails, separated by commas. Choose from the members list with an <a href="https://docs.n8n.io/code/expressions/">expression</a> if needed.';

/** The task id from the resource locator (list, id or a task link). */
export function taskIdParameter(ctx: IExecuteFunctions, itemIndex: number): number {
	const value = resourceLocatorValue(ctx, itemIndex, 'taskId', 'Task', (link) => `"${link}" is not a link to a Pyrus task: use e.g. https://pyrus.com/t#id12345`);
	return parseNumericId(inputContext(ctx, itemIndex), 'Task', value);
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** A Pyrus person identity from an id or an email. */
export function personIdentity(ctx: IExecuteFunctions, itemIndex: number, parameter: string, value: unknown): IDataObject {
	const object = value as IDataObject | null;
	if (object && typeof object === 'object' && !Array.isArray(object)) {
		if (object.id !== undefined) return { id: parseNumericId(inputContext(ctx, itemIndex), parameter, object.id) };
		if (typeof object.email === 'string') return personIdentity(ctx, itemIndex, parameter, object.email);
	}
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	if (/^\d+$/.test(text) && Number(text) > 0) return { id: Number(text) };
	if (EMAIL.test(text)) return { email: text };
	throw inputError(
		ctx.getNode(),
		parameter,
		`"${typeof value === 'object' ? JSON.stringify(value) : String(value ?? '')}" is not a person: use a person ID or an email`,
		itemIndex,
	);
}

/** People from "1731, a@b.com", an array, or one value. */
export function personList(ctx: IExecuteFunctions, itemIndex: number, parameter: string, value: unknown): IDataObject[] {
	const parts = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(',').map((part) => part.trim()).filter((part) => part !== '')
			: value === undefined || value === null || value === ''
				? []
				: [value];
	return parts.map((part) => personIdentity(ctx, itemIndex, parameter, part));
}

/** A date-time as Pyrus's UTC format. */
export function pyrusDateTimeParameter(ctx: IExecuteFunctions, itemIndex: number, parameter: string, value: unknown): string {
	return toPyrusDateTime(parseDateInput(value, { node: ctx.getNode(), parameter, timezone: ctx.getTimezone(), itemIndex }));
}

/** A calendar date (YYYY-MM-DD) in the workflow's time zone when the input has no offset. */
export function pyrusDateParameter(ctx: IExecuteFunctions, itemIndex: number, parameter: string, value: unknown): string {
	return parseDateInput(value, { node: ctx.getNode(), parameter, timezone: ctx.getTimezone(), itemIndex }).toFormat('yyyy-MM-dd');
}

export function isSet(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

/**
 * Due date / due time / duration of a task or comment: `due_date` or `due` (not both), and a
 * duration only with `due`. Checked here so no request goes out with a mix Pyrus refuses.
 */
export function dueBody(ctx: IExecuteFunctions, itemIndex: number, fields: IDataObject, collection: string): IDataObject {
	const body: IDataObject = {};
	const name = (field: string) => `${collection} → ${field}`;
	if (isSet(fields.due) && isSet(fields.dueDate)) {
		throw inputError(ctx.getNode(), name('Due Date'), 'set either "Due" (date and time) or "Due Date", not both', itemIndex);
	}
	if (isSet(fields.duration) && !isSet(fields.due)) {
		throw inputError(ctx.getNode(), name('Duration (Minutes)'), 'needs "Due" (date and time): Pyrus takes a duration only with it', itemIndex);
	}
	if (isSet(fields.due)) body.due = pyrusDateTimeParameter(ctx, itemIndex, name('Due'), fields.due);
	if (isSet(fields.dueDate)) body.due_date = pyrusDateParameter(ctx, itemIndex, name('Due Date'), fields.dueDate);
	if (isSet(fields.duration)) {
		const duration = Number(fields.duration);
		if (!Number.isInteger(duration) || duration < 0) {
			throw inputError(ctx.getNode(), name('Duration (Minutes)'), 'must be a whole number of minutes, 0 or more', itemIndex);
		}
		body.duration = duration;
	}
	return body;
}

/** The Due / Due Date / Duration options shared by create and update. */
export const dueOptions: INodeProperties[] = [
	{
		displayName: 'Due',
		name: 'due',
		type: 'dateTime',
		default: '',
		description: 'Deadline with a time. Without an offset, the workflow\'s time zone applies. Not together with Due Date.',
	},
	{
		displayName: 'Due Date',
		name: 'dueDate',
		type: 'dateTime',
		default: '',
		description: 'Deadline as a calendar date (the time is ignored). Not together with Due.',
	},
	{
		displayName: 'Duration (Minutes)',
		name: 'duration',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description: 'Length of the event in minutes; only together with Due',
	},
];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LINK = /^https?:\/\/\S+$/;

/**
 * An attachment as the Pyrus tasks page (https://pyrus.com/ru/help/api/tasks, «attachments»)
 * documents it: a plain value (the GUID of an uploaded file, the ID of an attachment already in
 * Pyrus, or a link), or one of Pyrus's own objects.
 */
const attachmentSchema = z.union([
	z.string().trim().regex(GUID).transform((guid) => ({ guid })),
	z.string().trim().regex(/^\d+$/).transform((id) => ({ attachment_id: Number(id) })),
	z.number().int().positive().transform((id) => ({ attachment_id: id })),
	z.string().trim().regex(LINK).transform((url) => ({ url })),
	z.object({ guid: z.string().min(1), root_id: z.number().int().positive().optional() }).strict(),
	z.object({ attachment_id: z.number().int().positive() }).strict(),
	z.object({ url: z.string().regex(LINK), name: z.string().optional() }).strict(),
], {
	errorMap: () => ({
		message: 'expected an uploaded file\'s GUID, an attachment ID, a link, or {"guid"}, {"attachment_id"}, {"url", "name"}',
	}),
});

/** The help text of every "Attachments (JSON)" option; its examples pass {@link attachmentsParameter}. */
export const ATTACHMENTS_DESCRIPTION =
	'A JSON array of files. Each is the GUID of an uploaded file, the ID of a file already attached in Pyrus, or a link, e.g. ["08923d83-255b-4f18-b0eb-5c4d3b9bf1d2", 12345, "https://example.com/spec.pdf"]; or Pyrus\'s own objects, e.g. [{"guid": "08923d83-255b-4f18-b0eb-5c4d3b9bf1d2", "root_id": 12345}] for a new version of attachment 12345.';

/**
 * Attachments as Pyrus NewFile objects, each plain value in the shape of its kind: a GUID as
 * `{guid}`, an ID as `{attachment_id}`, a link as `{url}` (https://pyrus.com/ru/help/api/tasks,
 * «attachments»). A GUID may appear once.
 */
export function attachmentsParameter(ctx: IExecuteFunctions, itemIndex: number, parameter: string, raw: unknown): IDataObject[] {
	const list = parseJsonParameter(inputContext(ctx, itemIndex), parameter, raw, z.array(attachmentSchema).min(1)) as IDataObject[];
	const guids = list.map((file) => file.guid).filter((guid) => guid !== undefined);
	const twice = guids.find((guid, index) => guids.indexOf(guid) !== index);
	if (twice !== undefined) {
		throw inputError(ctx.getNode(), parameter, `the file ${String(twice)} is given twice: Pyrus takes a file GUID once per request`, itemIndex);
	}
	return list;
}

/**
 * How an item's tasks are output: raw, or in the common shape when "Simplify" is on. The
 * parameter is read once per item, not once per task of a long list.
 */
export async function taskOutputFor(ctx: IExecuteFunctions, itemIndex: number): Promise<(task: IDataObject) => IDataObject> {
	const simplify = ctx.getNodeParameter('simplify', itemIndex, false) as boolean;
	if (!simplify) return (task) => task;
	const credential = (await resolveCredential(ctx, pyrusProfile)).data;
	const timezone = ctx.getTimezone();
	return (task) => simplifyPyrusTask(task, credential, timezone);
}

/** One task as output (see taskOutputFor). */
export async function taskOutput(ctx: IExecuteFunctions, itemIndex: number, task: IDataObject): Promise<IDataObject> {
	return (await taskOutputFor(ctx, itemIndex))(task);
}

/** `{ task }` of an answer, or an error that says the answer had none. */
export function answerTask(ctx: IExecuteFunctions, itemIndex: number, body: IDataObject): IDataObject {
	const task = body.task;
	if (!task || typeof task !== 'object') {
		throw new NodeOperationError(ctx.getNode(), 'Pyrus answered without the task', { itemIndex });
	}
	return task as IDataObject;
}
