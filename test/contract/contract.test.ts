/** The contract helpers themselves: shape comparison, placeholders, loading. */
import { emptyWhereDocumented, pick, shapeDiff, substitute } from './contract';

describe('shapeDiff', () => {
	it('accepts an answer with every documented key of the same type, and extra keys', () => {
		expect(shapeDiff({ id: 'a', n: 1, meta: { href: 'x' }, rows: [{ a: true }] }, { id: 'b', n: 2, meta: { href: 'y', type: 't' }, rows: [{ a: false, b: 1 }], extra: 1 })).toEqual([]);
	});

	it('names a missing key, a changed type and an array element that matches nothing', () => {
		expect(shapeDiff({ id: 'a', n: 1, rows: [{ a: 'x' }] }, { n: '1', rows: [{ a: 1 }] })).toEqual([
			'id: missing',
			'n: documented number, got string',
			'rows[0] matches no element:',
			'  rows[].a: documented string, got number',
		]);
	});

	it('lets a documented null and an optional path stand for anything, and an empty answer array pass', () => {
		expect(shapeDiff({ a: null, b: { c: 1 }, rows: [{ d: 1 }] }, { a: 5, b: {}, rows: [] }, ['b.c'])).toEqual([]);
	});

	it('lets an optional path be answered null, but not with another type', () => {
		expect(shapeDiff({ a: 'x', b: { c: 'y' } }, { a: null, b: { c: null } }, ['a', 'b.c'])).toEqual([]);
		expect(shapeDiff({ a: 'x' }, { a: 1 }, ['a'])).toEqual(['a: documented string, got number']);
		expect(shapeDiff({ a: 'x' }, { a: null })).toEqual(['a: documented string, got null']);
	});

	it('matches each documented element with some answer element, in any order', () => {
		const documented = [{ type: 'text', value: 'x' }, { type: 'number', value: 1 }];
		expect(shapeDiff(documented, [{ type: 'number', value: 2 }, { type: 'text', value: 'y' }])).toEqual([]);
		expect(shapeDiff(documented, [{ type: 'number', value: 2 }])).toEqual(['$[0] matches no element:', '  [].value: documented string, got number']);
	});

	it('compares top-level kinds', () => {
		expect(shapeDiff([{ a: 1 }], { a: 1 })).toEqual(['$: documented array, got object']);
	});
});

describe('substitute and pick', () => {
	it('fills placeholders everywhere and refuses unknown ones', () => {
		expect(substitute({ path: 'task/{{id}}', body: [{ x: '{{id}}-{{n}}' }], n: 3 }, { id: '7', n: '2' })).toEqual({ path: 'task/7', body: [{ x: '7-2' }], n: 3 });
		expect(() => substitute('a/{{missing}}', {})).toThrow('{{missing}}');
	});

	it('turns a whole-string {{number:name}} into a number, and refuses a value that is none', () => {
		expect(substitute({ body: [{ id: '{{number:id}}', text: 'id {{id}}' }] }, { id: '1000001' })).toEqual({
			body: [{ id: 1000001, text: 'id 1000001' }],
		});
		expect(() => substitute('{{number:id}}', { id: 'abc' })).toThrow('not a number');
		expect(() => substitute('{{number:missing}}', {})).toThrow('{{number:missing}}');
	});

	it('reads a dotted path and refuses a missing one', () => {
		expect(pick({ rows: [{ id: 5 }] }, 'rows.0.id')).toBe('5');
		expect(() => pick({ rows: [] }, 'rows.0.id')).toThrow('rows.0.id');
	});
});

describe('emptyWhereDocumented', () => {
	it('names an array documented with elements and answered empty, at any depth, unless allowed', () => {
		const documented = { task: { comments: [{ id: 1, files: [{ id: 2 }] }] }, groups: [{ id: 3 }] };
		expect(emptyWhereDocumented(documented, { task: { comments: [] }, groups: [] })).toEqual([
			'task.comments: documented with elements, answered empty',
			'groups: documented with elements, answered empty',
		]);
		expect(emptyWhereDocumented(documented, { task: { comments: [{ id: 5, files: [] }] }, groups: [] }, ['groups'])).toEqual([
			'task.comments[].files: documented with elements, answered empty',
		]);
		expect(emptyWhereDocumented(documented, { task: { comments: [{ id: 5, files: [{ id: 6 }] }] }, groups: [{ id: 7 }] })).toEqual([]);
	});
});
