import type { IDataObject } from 'n8n-workflow';

import { collectPages, type PagingOptions } from '../shared/paging';
import type { RequestContext } from '../shared/transport/types';
import { AMO_MAX_PAGE, amoRequest, embedded } from './api';

/** Whether a HAL list answer links a next page. */
export function hasNextPage(body: IDataObject | undefined): boolean {
	return Boolean((body?._links as IDataObject | undefined)?.next);
}

/**
 * One page of an amoCRM list (`page` / `limit`, `_embedded.<key>`, 204 when empty), with the
 * number of the next page; a short page is the last one, whatever the links say.
 */
export async function amoPage(
	ctx: RequestContext,
	path: string,
	key: string,
	request: { page: number; pageSize: number; qs?: IDataObject; itemIndex?: number },
): Promise<{ items: IDataObject[]; next?: number }> {
	const { page, pageSize, itemIndex } = request;
	const response = await amoRequest.call(ctx, 'GET', path, {
		qs: { ...(request.qs ?? {}), page, limit: pageSize },
		itemIndex,
	});
	const items = embedded(response.body, key);
	return { items, next: hasNextPage(response.body) && items.length === pageSize ? page + 1 : undefined };
}

/** Reads an amoCRM list until it ends or `paging.limit` items are in hand. */
export async function amoList(
	ctx: RequestContext,
	path: string,
	key: string,
	paging: Omit<PagingOptions, 'maxPageSize'>,
	qs: IDataObject = {},
	itemIndex?: number,
): Promise<IDataObject[]> {
	return await collectPages<IDataObject, number>(
		async (page = 1, pageSize) => await amoPage(ctx, path, key, { page, pageSize, qs, itemIndex }),
		{ ...paging, maxPageSize: AMO_MAX_PAGE },
	);
}
