import { chunk, collectPages, pageSizeFor, type Page } from '../../nodes/shared/paging';

describe('pageSizeFor', () => {
	it('reaches the limit in the fewest pages of equal size', () => {
		expect(pageSizeFor({ returnAll: false, limit: 300, maxPageSize: 250 })).toBe(150);
		expect(pageSizeFor({ returnAll: false, limit: 251, maxPageSize: 250 })).toBe(126);
		expect(pageSizeFor({ returnAll: false, limit: 500, maxPageSize: 250 })).toBe(250);
		expect(pageSizeFor({ returnAll: false, limit: 50, maxPageSize: 250 })).toBe(50);
		expect(pageSizeFor({ returnAll: false, limit: 1, maxPageSize: 250 })).toBe(1);
	});

	it('uses the largest page for Return All', () => {
		expect(pageSizeFor({ returnAll: true, limit: 5, maxPageSize: 250 })).toBe(250);
	});
});

/** A list of `total` numbers served in pages; records every page asked for. */
function pagedList(total: number) {
	const calls: Array<{ cursor: number | undefined; pageSize: number }> = [];
	const fetchPage = async (cursor: number | undefined, pageSize: number): Promise<Page<number, number>> => {
		calls.push({ cursor, pageSize });
		const start = cursor ?? 0;
		const items = Array.from({ length: Math.max(0, Math.min(pageSize, total - start)) }, (_, i) => start + i);
		const nextStart = start + items.length;
		return { items, next: nextStart < total ? nextStart : undefined };
	};
	return { calls, fetchPage };
}

describe('collectPages', () => {
	it('stops as soon as the limit is in hand, without an extra page', async () => {
		const list = pagedList(1000);

		const items = await collectPages(list.fetchPage, { returnAll: false, limit: 300, maxPageSize: 250 });

		expect(items).toHaveLength(300);
		expect(items[0]).toBe(0);
		expect(items[299]).toBe(299);
		expect(list.calls).toEqual([
			{ cursor: undefined, pageSize: 150 },
			{ cursor: 150, pageSize: 150 },
		]);
	});

	it('cuts the last page down to the limit', async () => {
		const list = pagedList(1000);

		const items = await collectPages(list.fetchPage, { returnAll: false, limit: 7, maxPageSize: 5 });

		expect(items).toEqual([0, 1, 2, 3, 4, 5, 6]);
		// 7 at most 5 a page: two pages of 4.
		expect(list.calls).toEqual([
			{ cursor: undefined, pageSize: 4 },
			{ cursor: 4, pageSize: 4 },
		]);
	});

	it('stops at the end of the list when it holds fewer than the limit', async () => {
		const list = pagedList(260);

		const items = await collectPages(list.fetchPage, { returnAll: false, limit: 300, maxPageSize: 250 });

		expect(items).toHaveLength(260);
		expect(list.calls.map((call) => call.cursor)).toEqual([undefined, 150]);
	});

	it('reads every page for Return All and asks for none after the last', async () => {
		const list = pagedList(600);

		const items = await collectPages(list.fetchPage, { returnAll: true, limit: 50, maxPageSize: 250 });

		expect(items).toHaveLength(600);
		expect(new Set(items).size).toBe(600);
		expect(list.calls).toEqual([
			{ cursor: undefined, pageSize: 250 },
			{ cursor: 250, pageSize: 250 },
			{ cursor: 500, pageSize: 250 },
		]);
	});

	it('stops at an empty page even if it links a next one', async () => {
		const calls: Array<string | undefined> = [];
		const items = await collectPages<number, string>(
			async (cursor) => {
				calls.push(cursor);
				return cursor === undefined ? { items: [1, 2], next: 'b' } : { items: [], next: 'c' };
			},
			{ returnAll: true, limit: 0, maxPageSize: 2 },
		);

		expect(items).toEqual([1, 2]);
		expect(calls).toEqual([undefined, 'b']);
	});

	it('returns an empty list for an empty first page', async () => {
		const list = pagedList(0);

		expect(await collectPages(list.fetchPage, { returnAll: false, limit: 10, maxPageSize: 250 })).toEqual([]);
		expect(list.calls).toHaveLength(1);
	});
});

describe('chunk', () => {
	it('splits a list into chunks of at most the size', () => {
		expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
		expect(chunk([1, 2], 50)).toEqual([[1, 2]]);
		expect(chunk([], 50)).toEqual([]);
	});

	it('refuses a size below 1 instead of looping forever', () => {
		expect(() => chunk([1, 2], 0)).toThrow(RangeError);
		expect(() => chunk([1, 2], Number.NaN)).toThrow(RangeError);
	});
});
