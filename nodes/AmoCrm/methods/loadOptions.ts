import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { amoRequest, embedded } from '../api';
import { amoList } from '../list';

/** Active users. Listing users needs an administrator; others see themselves only. */
export async function getUsers(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	try {
		const users = await amoList(this, '/users', 'users', { returnAll: true, limit: 0 });
		return users
			.filter((user) => (user.rights as IDataObject | undefined)?.is_active !== false)
			.map((user) => ({ name: String(user.name), value: String(user.id) }))
			.sort((a, b) => a.name.localeCompare(b.name));
	} catch (error) {
		const apiError = error instanceof NodeApiError ? error : new NodeApiError(this.getNode(), error as JsonObject);
		if (apiError.httpCode !== '403') throw apiError;
		const account = await amoRequest.call(this, 'GET', '/account');
		const id = String(account.body?.current_user_id ?? '');
		return id ? [{ name: `Me (user ${id})`, value: id }] : [];
	}
}

export async function getTaskTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const response = await amoRequest.call(this, 'GET', '/account', { qs: { with: 'task_types' } });
	return embedded(response.body, 'task_types').map((type) => ({ name: String(type.name), value: String(type.id) }));
}
