import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { pyrusRequest } from '../api';
import { flattenFields, loadForm } from '../actions/formFields';
import { flattenLists } from '../actions/list/getAll';

function byName(a: INodePropertyOptions, b: INodePropertyOptions): number {
	return a.name.localeCompare(b.name);
}

/** Active members (people, bots and roles); fired and banned ones are left out. */
export async function getMembers(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const body = await pyrusRequest.call(this, 'GET', '/members');
	return ((body.members as IDataObject[] | undefined) ?? [])
		.filter((member) => member.banned !== true && member.fired !== true)
		.map((member) => ({
			name: [member.first_name, member.last_name].filter(Boolean).join(' ') || String(member.email ?? member.id),
			value: String(member.id),
			description: typeof member.email === 'string' ? member.email : undefined,
		}))
		.sort(byName);
}

/** Open forms. */
export async function getForms(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const body = await pyrusRequest.call(this, 'GET', '/forms');
	return ((body.forms as IDataObject[] | undefined) ?? [])
		.filter((form) => form.deleted_or_closed !== true)
		.map((form) => ({ name: String(form.name), value: String(form.id) }))
		.sort(byName);
}

/** Every list, nested ones shown with their parent's name. */
export async function getLists(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const body = await pyrusRequest.call(this, 'GET', '/lists');
	const flat = flattenLists((body.lists as IDataObject[] | undefined) ?? []).filter((list) => list.deleted !== true);
	const names = new Map(flat.map((list) => [String(list.id), String(list.name)]));
	return flat
		.map((list) => {
			const parent = list.parent_id === undefined ? undefined : names.get(String(list.parent_id));
			return { name: parent ? `${parent} / ${String(list.name)}` : String(list.name), value: String(list.id) };
		})
		.sort(byName);
}

/** The form whose fields to offer: the node's Form, or the form of the chosen task (Update). */
async function currentFormId(ctx: ILoadOptionsFunctions): Promise<number | undefined> {
	const formId = Number(ctx.getNodeParameter('formId', ''));
	if (Number.isInteger(formId) && formId > 0) return formId;
	const taskId = Number(ctx.getNodeParameter('taskId', '', { extractValue: true }));
	if (!Number.isInteger(taskId) || taskId <= 0) return undefined;
	const body = await pyrusRequest.call(ctx, 'GET', `/tasks/${taskId}`);
	const task = body.task as IDataObject | undefined;
	return task?.form_id === undefined ? undefined : Number(task.form_id);
}

/** The fields of the chosen form that can be written, by name (value: the field ID). */
export async function getFormFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const formId = await currentFormId(this);
	if (formId === undefined) return [];
	const form = await loadForm(this, formId);
	return flattenFields(form.fields)
		.filter((field) => !['title', 'step', 'status', 'creation_date', 'note', 'author'].includes(field.type))
		.map((field) => ({ name: field.name, value: String(field.id), description: field.type }));
}
