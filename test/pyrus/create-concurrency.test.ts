/**
 * Pyrus has no bulk create (one POST /tasks a task). With "Continue On Fail" the node sends up
 * to five creates at a time (the governor's in-flight cap for a Pyrus account); each answer
 * still lands on its own item, the output keeps the input order, and a failed create is never
 * sent again. Without "Continue On Fail", and with "Skip Tasks Already Created", one at a time.
 *
 * The sandbox side here holds every answer until five requests are in flight (or every item's
 * request has arrived), so a node that sends one at a time is seen sending one at a time; no
 * timing is asserted: a bounded number of event-loop turns releases a lone request.
 */
import type { IDataObject } from 'n8n-workflow';

import { API, api, record, runPyrus, simpleTask, usePyrusEnvironment } from './fixtures';

usePyrusEnvironment();

const CAP = 5;

/** Answers POST /tasks, holding each answer until `CAP` are in flight; records the most seen. */
function holdingCreates(total: number, refuse: (text: string) => boolean) {
	const seen = { inFlight: 0, maxInFlight: 0, received: 0, texts: [] as string[] };
	const yieldTurn = async () => await new Promise<void>((resolve) => setImmediate(resolve));
	const scope = api()
		.post(`${API}/tasks`)
		.times(total)
		.reply(async (_uri, body) => {
			const text = String((body as IDataObject).text);
			seen.texts.push(text);
			seen.received++;
			seen.inFlight++;
			seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
			// Wait for company: CAP in flight, every request arrived, or the node sent no more.
			for (let turn = 0; turn < 200 && seen.inFlight < CAP && seen.received < total; turn++) await yieldTurn();
			seen.inFlight--;
			const n = Number(text.replace('Task ', ''));
			return refuse(text)
				? [400, { error: 'text is too long', error_code: 'invalid_text' }]
				: [200, { task: simpleTask(30000 + n, { text }) }];
		});
	return { scope, seen };
}

const inputs = (count: number) => Array.from({ length: count }, (_, i) => ({ text: `Task ${i}` }));
const parameters = { resource: 'task', operation: 'create', taskKind: 'simple', text: '={{ $json.text }}' };

describe('task: create, several items', () => {
	it('with Continue On Fail sends up to five at a time; each answer on its own item, in input order', async () => {
		const total = 12;
		const { scope, seen } = holdingCreates(total, (text) => text === 'Task 3');
		const log = record(scope);

		const result = await runPyrus(parameters, { input: inputs(total), continueOnFail: true });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(seen.maxInFlight).toBe(CAP);
		// Every item sent once: a failed create is not sent again.
		expect([...seen.texts].sort()).toEqual(inputs(total).map((i) => i.text).sort());
		expect(log.requests).toHaveLength(total);
		// The first item goes alone (what the others share is in hand once it is answered).
		expect(seen.texts[0]).toBe('Task 0');
		expect(result.items.map((item) => item.pairedItem)).toEqual(inputs(total).map((_, i) => ({ item: i })));
		result.items.forEach((item, i) => {
			if (i === 3) expect(item.json.error).toEqual(expect.any(String));
			else expect(item.json).toMatchObject({ id: 30000 + i, text: `Task ${i}` });
		});
	});

	it('without Continue On Fail sends one at a time and stops at the first failing item', async () => {
		const total = 6;
		const { scope, seen } = holdingCreates(total, (text) => text === 'Task 3');

		const result = await runPyrus(parameters, { input: inputs(total) });

		expect(seen.maxInFlight).toBe(1);
		expect(seen.texts).toEqual(['Task 0', 'Task 1', 'Task 2', 'Task 3']);
		expect(result.executionError?.message ?? result.error?.message).toBeDefined();
		scope.persist(false);
	});

	it('with Skip Tasks Already Created sends one at a time, in input order', async () => {
		const total = 4;
		const { seen } = holdingCreates(total, () => false);
		// The look-up reads the tasks created since the look-back: none.
		api().get(`${API}/lists/501/tasks`).query(true).times(total).reply(200, { tasks: [] });

		const result = await runPyrus(
			{ ...parameters, skipExisting: true, additionalFields: { listIds: ['501'] } },
			{ input: inputs(total), continueOnFail: true },
		);

		expect(result.error).toBeUndefined();
		expect(seen.maxInFlight).toBe(1);
		expect(seen.texts).toEqual(inputs(total).map((i) => i.text));
		expect(result.items.map((item) => item.json.id)).toEqual([30000, 30001, 30002, 30003]);
	});
});
