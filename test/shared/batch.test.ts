/**
 * The shared batch runner on its own: what it sends and what each item gets, whatever the
 * vendor. The vendors' bulk writes run through it in their engine-level suites
 * (test/amocrm/bulk.test.ts, test/moysklad/bulk*.test.ts, test/bitrix24/batch*.test.ts...).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { prepareItems, runBatches } from '../../nodes/shared/batch';
import type { ItemResult } from '../../nodes/shared/execute';

type Element = { itemIndex: number; body: IDataObject };

/** The two things the runner asks n8n: whether "Continue On Fail" is on, and the node for errors. */
const context = (continueOnFail: boolean) =>
	({ continueOnFail: () => continueOnFail, getNode: () => ({ name: 'Node', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} }) }) as unknown as IExecuteFunctions;

const elements = (count: number): Element[] => Array.from({ length: count }, (_, itemIndex) => ({ itemIndex, body: { n: itemIndex } }));

/** A vendor that answers every element with its body, and records what it was sent. */
function vendor(answer: (element: Element) => ItemResult | undefined = (e) => e.body) {
	const sent: number[][] = [];
	const send = async (group: Element[]) => {
		sent.push(group.map((e) => e.itemIndex));
		const answers = new Map<number, ItemResult>();
		for (const element of group) {
			const result = answer(element);
			if (result !== undefined) answers.set(element.itemIndex, result);
		}
		return answers;
	};
	return { sent, send };
}

describe('runBatches', () => {
	test('chunks by the bulk size and gives each item its own answer', async () => {
		const v = vendor();
		const { results, notSent } = await runBatches(context(false), elements(7), { size: 3, send: v.send });
		expect(v.sent).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
		expect(results).toEqual(elements(7).map((e) => e.body));
		expect(notSent).toEqual([]);
	});

	test('a vendor split replaces the chunks', async () => {
		const v = vendor();
		await runBatches(context(false), elements(4), { size: 50, split: (all) => all.map((e) => [e]), send: v.send });
		expect(v.sent).toEqual([[0], [1], [2], [3]]);
	});

	test('bad input without Continue On Fail: nothing is sent', async () => {
		const v = vendor();
		const prepared = [...elements(2), new Error('bad item 2')];
		const { results } = await runBatches(context(false), prepared, { size: 1, send: v.send });
		expect(v.sent).toEqual([]);
		expect((results[2] as Error).message).toBe('bad item 2');
	});

	test('bad input with Continue On Fail: the others are sent', async () => {
		const v = vendor();
		const prepared = [elements(1)[0], new Error('bad item 1'), { itemIndex: 2, body: { n: 2 } }];
		const { results } = await runBatches(context(true), prepared, { size: 50, send: v.send });
		expect(v.sent).toEqual([[0, 2]]);
		expect(results.map((r) => (r instanceof Error ? r.message : r))).toEqual([{ n: 0 }, 'bad item 1', { n: 2 }]);
	});

	test('without Continue On Fail no request follows one with a failing element, and the rest are "not sent"', async () => {
		const v = vendor((e) => (e.itemIndex === 4 ? new Error('rejected 4') : e.body));
		const { results, notSent } = await runBatches(context(false), elements(9), { size: 3, send: v.send });
		expect(v.sent).toEqual([[0, 1, 2], [3, 4, 5]]);
		expect(notSent).toEqual([6, 7, 8]);
		expect((results[4] as Error).message).toBe('rejected 4');
	});

	test('with Continue On Fail every request goes out', async () => {
		const v = vendor((e) => (e.itemIndex === 4 ? new Error('rejected 4') : e.body));
		const { notSent } = await runBatches(context(true), elements(9), { size: 3, send: v.send });
		expect(v.sent).toHaveLength(3);
		expect(notSent).toEqual([]);
	});

	test('a request that fails as a whole fails each of its items and is not sent again', async () => {
		let calls = 0;
		const send = async (group: Element[]) => {
			calls++;
			if (group[0].itemIndex === 2) throw new Error('connection reset after sending');
			return new Map<number, ItemResult>(group.map((e) => [e.itemIndex, e.body]));
		};
		const { results } = await runBatches(context(true), elements(6), { size: 2, send });
		expect(calls).toBe(3);
		expect(results.map((r) => (r instanceof Error ? r.message : 'ok'))).toEqual(['ok', 'ok', 'connection reset after sending', 'connection reset after sending', 'ok', 'ok']);
	});

	test('an element the vendor did not answer for fails as unknown, not as written', async () => {
		const v = vendor((e) => (e.itemIndex === 1 ? undefined : e.body));
		const { results } = await runBatches(context(true), elements(3), { size: 50, send: v.send });
		expect(results[1]).toBeInstanceOf(Error);
		expect((results[1] as Error).message).toMatch(/whether it was written is unknown/);
	});

	test('items already done are not sent and keep what they were given', async () => {
		const v = vendor();
		const done = new Map([[1, { id: 'existing' }]]);
		const { results } = await runBatches(context(false), elements(3), { size: 50, send: v.send, done });
		expect(v.sent).toEqual([[0, 2]]);
		expect(results[1]).toEqual({ id: 'existing' });
	});
});

describe('prepareItems', () => {
	const prepare = (itemIndex: number) => {
		if (itemIndex % 2 === 1) throw new Error(`bad ${itemIndex}`);
		return itemIndex;
	};

	test('without Continue On Fail it stops at the first error (nothing more is read)', async () => {
		const seen: number[] = [];
		const prepared = await prepareItems(context(false), [0, 1, 2, 3], (i) => (seen.push(i), prepare(i)));
		expect(seen).toEqual([0, 1]);
		expect(prepared.map((p) => (p instanceof Error ? p.message : p))).toEqual([0, 'bad 1']);
	});

	test('with Continue On Fail every item is prepared, errors in place', async () => {
		const prepared = await prepareItems(context(true), [0, 1, 2, 3], async (i) => prepare(i));
		expect(prepared.map((p) => (p instanceof Error ? p.message : p))).toEqual([0, 'bad 1', 2, 'bad 3']);
	});
});
