/**
 * Sorts by a key computed once per item. A comparator that computes its keys itself (parsing a
 * date, say) computes them about 2 × log2(n) times per item: seconds of CPU for 100,000 tasks.
 * Stable, like `Array.prototype.sort`; returns a new array.
 */
export function sortByKey<T, K>(items: readonly T[], keyOf: (item: T) => K, compare: (a: K, b: K) => number): T[] {
	return items
		.map((item) => ({ item, key: keyOf(item) }))
		.sort((a, b) => compare(a.key, b.key))
		.map(({ item }) => item);
}
