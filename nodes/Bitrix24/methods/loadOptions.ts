import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { B24_PAGE, b24Call } from '../api';

/** Pages of a classic list method (`start` / `next`), up to a safety cap. */
async function readAll(ctx: ILoadOptionsFunctions, method: string, params: IDataObject, maxPages = 20): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	let start = 0;
	for (let page = 0; page < maxPages; page++) {
		const envelope = await b24Call(ctx, method, { ...params, start }, { read: true });
		const list = Array.isArray(envelope.result) ? (envelope.result as IDataObject[]) : [];
		out.push(...list);
		if (envelope.next === undefined || list.length < B24_PAGE) break;
		start = Number(envelope.next);
	}
	return out;
}

/** Active employees (user.get, scope user). */
export async function getUsers(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const users = await readAll(this, 'user.get', { FILTER: { ACTIVE: true }, sort: 'LAST_NAME', order: 'ASC' });
	return users
		.map((user) => {
			const name = [user.NAME, user.LAST_NAME].filter(Boolean).join(' ') || String(user.EMAIL ?? '');
			return { name: `${name} (${String(user.ID)})`, value: String(user.ID) };
		})
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** Projects and workgroups (sonet_group.get, scope sonet_group). */
export async function getGroups(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const groups = await readAll(this, 'sonet_group.get', { ORDER: { NAME: 'ASC' } });
	return groups.map((group) => ({ name: String(group.NAME), value: String(group.ID) }));
}

/** Task fields of the portal (tasks.task.getFields), custom UF_ fields included. */
export async function getTaskFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const envelope = await b24Call(this, 'tasks.task.getFields', {}, { read: true });
	const fields = ((envelope.result as IDataObject | undefined)?.fields as IDataObject | undefined) ?? {};
	return Object.entries(fields)
		.map(([code, field]) => ({ name: `${String((field as IDataObject).title ?? code)} (${code})`, value: code }))
		.sort((a, b) => a.name.localeCompare(b.name));
}
