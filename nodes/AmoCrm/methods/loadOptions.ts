import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { collectPages } from '../../shared/paging';
import { AMO_MAX_PAGE, amoRequest, embedded, hasNextPage } from '../api';

/** Active users. Listing users needs an administrator; others see themselves only. */
export async function getUsers(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	try {
		const users = await collectPages<IDataObject, number>(
			async (page, pageSize) => {
				const response = await amoRequest.call(this, 'GET', '/users', { qs: { page: page ?? 1, limit: pageSize } });
				const items = embedded(response.body, 'users');
				return { items, next: hasNextPage(response.body) && items.length === pageSize ? (page ?? 1) + 1 : undefined };
			},
			{ returnAll: true, limit: 0, maxPageSize: AMO_MAX_PAGE },
		);
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
