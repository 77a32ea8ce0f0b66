/** One page of a vendor list and how to ask for the next one (undefined: no more pages). */
export interface Page<T, C> {
	items: T[];
	next?: C;
}

export interface PagingOptions {
	returnAll: boolean;
	/** Items wanted when not returning all. */
	limit: number;
	/** The vendor's largest page. */
	maxPageSize: number;
}

/**
 * A constant page size that reaches `limit` in the fewest pages without fetching more
 * than needed: 300 items at a maximum of 250 go as two pages of 150, not 250 + 250.
 */
export function pageSizeFor(options: PagingOptions): number {
	if (options.returnAll) return options.maxPageSize;
	const pages = Math.ceil(options.limit / options.maxPageSize);
	return Math.ceil(options.limit / pages);
}

/** Fetches pages until the list ends or `limit` items are in hand. */
export async function collectPages<T, C>(
	fetchPage: (cursor: C | undefined, pageSize: number) => Promise<Page<T, C>>,
	options: PagingOptions,
): Promise<T[]> {
	const pageSize = pageSizeFor(options);
	const out: T[] = [];
	let cursor: C | undefined;
	for (;;) {
		const page = await fetchPage(cursor, pageSize);
		out.push(...page.items);
		if (!options.returnAll && out.length >= options.limit) return out.slice(0, options.limit);
		if (page.next === undefined || page.items.length === 0) return out;
		cursor = page.next;
	}
}

/** Splits a list into chunks of at most `size` (bulk calls). */
export function chunk<T>(list: readonly T[], size: number): T[][] {
	// A size of 0 (or NaN) would never advance.
	if (!(size >= 1)) throw new RangeError(`chunk size must be at least 1, got ${size}`);
	const out: T[][] = [];
	for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
	return out;
}
