/**
 * Bulk writes: many input items go out as arrays of at most 50, each answer and each
 * per-element error goes back to its own item.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { byId, SUITE_TIME_SCALE } from '../harness';
import { AmoCrmSandbox, seedDemo } from '../sandbox/amocrm';
import { API, BEARER, PROBLEM_JSON, amo, amoTask, halList, lines, record, runAmo, useAmoEnvironment, validationErrors } from './fixtures';

useAmoEnvironment({ allowLocalhost: true });

const CREATE = {
	resource: 'task',
	operation: 'create',
	text: '={{ $json.text }}',
	completeTill: '={{ $json.due }}',
};

/** Input items whose text names them, all due at the same time (epoch seconds). */
function inputs(count: number): IDataObject[] {
	return Array.from({ length: count }, (_, i) => ({ text: `Task for item ${i}`, due: 1700000000 + i }));
}

/** The task id amoCRM gives the element of item `i` in these tests. */
const idOf = (i: number) => 5000 + i;
/** The item an element's request_id names: the node sends item index + 1. */
const itemOf = (requestId: string) => Number(requestId) - 1;

type Element = { text: string; complete_till: number; request_id: string };

/** amoCRM's clock in these tests, as the Date header of its answers carries it. */
const AMO_NOW = 1700000000;
const AMO_NOW_HTTP = new Date(AMO_NOW * 1000).toUTCString();

describe('create: many items', () => {
	it('sends 120 items as 3 POSTs of 50/50/20 and maps each result to its item', async () => {
		const scope = amo()
			.post(`${API}/tasks`)
			.times(3)
			.reply(200, (_uri, body) => {
				// Answers in reverse order: the node must map by request_id, not by position.
				const elements = (body as Element[]).slice().reverse();
				return { _embedded: { tasks: elements.map((e) => ({ id: idOf(itemOf(e.request_id)), request_id: e.request_id })) } };
			})
			.get(`${API}/tasks`)
			.query(true)
			.reply(200, (uri) => {
				const ids = new URL(uri, 'https://acme.amocrm.ru').searchParams.getAll('filter[id][]').map(Number);
				// amoCRM lists the tasks by id, whatever order they were asked in.
				const tasks = ids
					.sort((a, b) => b - a)
					.map((id) => amoTask(id, { text: `Task for item ${id - 5000}`, complete_till: 1700000000 + id - 5000 }));
				return halList('tasks', tasks);
			});
		const log = record(scope);

		const result = await runAmo(CREATE, { input: inputs(120) });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`POST ${API}/tasks`, `POST ${API}/tasks`, `POST ${API}/tasks`, `GET ${API}/tasks`]);
		expect(log.requests.every((r) => r.headers.authorization === BEARER)).toBe(true);
		const posts = log.requests.slice(0, 3).map((r) => r.body as Element[]);
		expect(posts.map((p) => p.length)).toEqual([50, 50, 20]);
		const sent = posts.flat();
		expect(sent.map((e) => e.request_id)).toEqual(Array.from({ length: 120 }, (_, i) => String(i + 1)));
		expect(sent[0]).toEqual({ text: 'Task for item 0', complete_till: 1700000000, request_id: '1' });
		expect(sent[119]).toEqual({ text: 'Task for item 119', complete_till: 1700000119, request_id: '120' });
		// One read-back of all 120 ids.
		expect(log.requests[3].query).toEqual({
			'filter[id][]': Array.from({ length: 120 }, (_, i) => String(idOf(i))),
			limit: '250',
		});
		expect(result.items).toHaveLength(120);
		result.items.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json).toMatchObject({ id: idOf(i), text: `Task for item ${i}` });
		});
	});

	it('updates many items in one PATCH array', async () => {
		const scope = amo()
			.patch(`${API}/tasks`)
			.reply(200, {
				_embedded: {
					tasks: [
						{ id: 31, request_id: '1' },
						{ id: 32, request_id: '2' },
					],
				},
			})
			.get(`${API}/tasks`)
			.query(true)
			.reply(200, halList('tasks', [amoTask(31, { text: 'a' }), amoTask(32, { text: 'b' })]));
		const log = record(scope);

		const result = await runAmo(
			{
				resource: 'task',
				operation: 'update',
				taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				updateFields: { text: '={{ $json.text }}' },
			},
			{ input: [{ id: 31, text: 'a' }, { id: 32, text: 'b' }] },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`PATCH ${API}/tasks`, `GET ${API}/tasks`]);
		expect(log.requests[0].body).toEqual([
			{ id: 31, text: 'a', request_id: '1' },
			{ id: 32, text: 'b', request_id: '2' },
		]);
		expect(result.items.map((i) => [i.json.text, i.pairedItem])).toEqual([
			['a', { item: 0 }],
			['b', { item: 1 }],
		]);
	});
});

describe('create: partial failure of a batch', () => {
	it('gives the rejected element its own error, finds the others were not stored, and sends them again', async () => {
		const scope = amo()
			.post(`${API}/tasks`)
			.reply(
				400,
				validationErrors([{ requestId: '2', path: 'complete_till', detail: 'This value should be greater than now.' }]),
				{ ...PROBLEM_JSON, Date: AMO_NOW_HTTP },
			)
			// The look-up: nothing changed since the rejected POST.
			.get(`${API}/tasks`)
			.query(true)
			.reply(204)
			.post(`${API}/tasks`)
			.reply(200, {
				_embedded: {
					tasks: [
						{ id: 700, request_id: '1' },
						{ id: 702, request_id: '3' },
					],
				},
			})
			.get(`${API}/tasks`)
			.query(true)
			.reply(200, halList('tasks', [amoTask(700, { text: 'Task for item 0' }), amoTask(702, { text: 'Task for item 2' })]));
		const log = record(scope);

		const result = await runAmo(CREATE, { input: inputs(3), continueOnFail: true });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(lines(log)).toEqual([`POST ${API}/tasks`, `GET ${API}/tasks`, `POST ${API}/tasks`, `GET ${API}/tasks`]);
		expect(log.requests[0].body).toEqual([
			{ text: 'Task for item 0', complete_till: 1700000000, request_id: '1' },
			{ text: 'Task for item 1', complete_till: 1700000001, request_id: '2' },
			{ text: 'Task for item 2', complete_till: 1700000002, request_id: '3' },
		]);
		// Tasks changed since just before the POST, by amoCRM's clock (the 400's Date header, years
		// before n8n's): a few seconds of slack before it, and a minute after.
		const lookup = log.requests[1].query;
		expect(lookup).toMatchObject({ 'order[id]': 'asc', page: '1', limit: '250' });
		const from = AMO_NOW - Number(lookup['filter[updated_at][from]']);
		const to = Number(lookup['filter[updated_at][to]']) - AMO_NOW;
		expect(from).toBeGreaterThanOrEqual(3);
		expect(from).toBeLessThanOrEqual(30);
		expect(to).toBeGreaterThanOrEqual(62);
		expect(to).toBeLessThanOrEqual(90);
		expect(log.requests[2].body).toEqual([
			{ text: 'Task for item 0', complete_till: 1700000000, request_id: '1' },
			{ text: 'Task for item 2', complete_till: 1700000002, request_id: '3' },
		]);
		expect(log.requests[2].headers.authorization).toBe(BEARER);
		expect(log.requests[3].query).toEqual({ 'filter[id][]': ['700', '702'], limit: '250' });
		expect(result.items).toEqual([
			{ json: amoTask(700, { text: 'Task for item 0' }), pairedItem: { item: 0 } },
			{
				json: {
					error: 'amoCRM rejected this task: complete_till: This value should be greater than now.',
					description: 'amoCRM: Bad Request: Request validation failed',
				},
				pairedItem: { item: 1 },
			},
			{ json: amoTask(702, { text: 'Task for item 2' }), pairedItem: { item: 2 } },
		]);
	});

	it('finds the valid elements stored (the other reading of a rejected array) and does not send them again', async () => {
		// What amoCRM stored although it answered 400: items 0 and 2, created in the POST's second.
		const stored = [
			amoTask(700, { text: 'Task for item 0', complete_till: 1700000000, created_at: AMO_NOW, updated_at: AMO_NOW }),
			amoTask(702, { text: 'Task for item 2', complete_till: 1700000002, created_at: AMO_NOW, updated_at: AMO_NOW }),
		];
		const scope = amo()
			.post(`${API}/tasks`)
			.reply(400, validationErrors([{ requestId: '2', path: 'text', detail: 'Too long.' }]), { ...PROBLEM_JSON, Date: AMO_NOW_HTTP })
			.get(`${API}/tasks`)
			.query(true)
			// A task of someone else, changed in that window but created long before, is no look-alike.
			.reply(200, halList('tasks', [amoTask(55, { text: 'Older', complete_till: 1700000000, updated_at: AMO_NOW }), ...stored]));
		const log = record(scope);

		const result = await runAmo(CREATE, { input: inputs(3), continueOnFail: true });

		log.stop();
		expect(lines(log)).toEqual([`POST ${API}/tasks`, `GET ${API}/tasks`]);
		expect(log.unmatched).toEqual([]);
		expect(result.items).toEqual([
			{ json: stored[0], pairedItem: { item: 0 } },
			{ json: expect.objectContaining({ error: 'amoCRM rejected this task: text: Too long.' }), pairedItem: { item: 1 } },
			{ json: stored[1], pairedItem: { item: 2 } },
		]);
	});

	it('keeps resending while each answer rejects another element and nothing was stored, then maps what was', async () => {
		const scope = amo()
			.post(`${API}/tasks`)
			.reply(400, validationErrors([{ requestId: '2', path: 'text', detail: 'Too long.' }]), PROBLEM_JSON)
			.get(`${API}/tasks`)
			.query(true)
			.reply(204)
			.post(`${API}/tasks`)
			.reply(400, validationErrors([{ requestId: '3', path: 'complete_till', detail: 'In the past.' }]), PROBLEM_JSON)
			.get(`${API}/tasks`)
			.query(true)
			.reply(204)
			.post(`${API}/tasks`)
			.reply(200, { _embedded: { tasks: [{ id: 800, request_id: '1' }] } })
			.get(`${API}/tasks`)
			.query(true)
			.reply(200, halList('tasks', [amoTask(800, { text: 'Task for item 0' })]));
		const log = record(scope);

		const result = await runAmo(CREATE, { input: inputs(3), continueOnFail: true });

		log.stop();
		expect(lines(log)).toEqual([
			`POST ${API}/tasks`,
			`GET ${API}/tasks`,
			`POST ${API}/tasks`,
			`GET ${API}/tasks`,
			`POST ${API}/tasks`,
			`GET ${API}/tasks`,
		]);
		expect((log.requests[2].body as Array<{ request_id: string }>).map((e) => e.request_id)).toEqual(['1', '3']);
		expect((log.requests[4].body as Array<{ request_id: string }>).map((e) => e.request_id)).toEqual(['1']);
		expect(result.items.map((item) => item.json.id ?? item.json.error)).toEqual([
			800,
			'amoCRM rejected this task: text: Too long.',
			'amoCRM rejected this task: complete_till: In the past.',
		]);
	});

	it('maps answers by request_id, never by position, when amoCRM reorders them', async () => {
		const scope = amo()
			.post(`${API}/tasks`)
			.reply(200, { _embedded: { tasks: [{ id: 902, request_id: '3' }, { id: 900, request_id: '1' }] } })
			.get(`${API}/tasks`)
			.query(true)
			.reply(200, halList('tasks', [amoTask(900), amoTask(902)]));
		record(scope);

		const result = await runAmo(CREATE, { input: inputs(3), continueOnFail: true });

		expect(result.items.map((item) => item.json.id ?? item.json.error)).toEqual([
			900,
			'amoCRM did not answer for this task',
			902,
		]);
	});

	it('answers that name none of the request_ids sent, one per element, are matched by position', async () => {
		// amoCRM echoes request_id, or numbers answers itself (tasks API «Добавление задач»,
		// https://www.amocrm.ru/developers/content/crm_platform/tasks-api#tasks-add); its own example answers request_id "example"
		// to a request that sent it.
		const scope = amo()
			.post(`${API}/tasks`)
			.reply(200, { _embedded: { tasks: [{ id: 910, request_id: 'a' }, { id: 911, request_id: 'b' }] } })
			.get(`${API}/tasks`)
			.query(true)
			.reply(200, halList('tasks', [amoTask(910), amoTask(911)]));
		record(scope);

		const result = await runAmo(CREATE, { input: inputs(2), continueOnFail: true });

		expect(result.items.map((item) => [item.json.id, item.pairedItem])).toEqual([
			[910, { item: 0 }],
			[911, { item: 1 }],
		]);
	});

	it('answers numbered by amoCRM itself from "0" (never sent) are matched by that number, not taken for echoes', async () => {
		// Tasks API «Добавление задач» (https://www.amocrm.ru/developers/content/crm_platform/tasks-api#tasks-add):
		// without a request_id amoCRM answers the element's position. "0" is never sent, so an
		// answer naming it is that numbering: "1" is then the second element, not item 0.
		const scope = amo()
			.post(`${API}/tasks`)
			.reply(200, { _embedded: { tasks: [{ id: 921, request_id: '1' }, { id: 920, request_id: '0' }, { id: 922, request_id: '2' }] } })
			.get(`${API}/tasks`)
			.query(true)
			.reply(200, halList('tasks', [amoTask(920), amoTask(921), amoTask(922)]));
		record(scope);

		const result = await runAmo(CREATE, { input: inputs(3), continueOnFail: true });

		expect(result.items.map((item) => [item.json.id ?? item.json.error, item.pairedItem])).toEqual([
			[920, { item: 0 }],
			[921, { item: 1 }],
			[922, { item: 2 }],
		]);
	});

	it('without Continue On Fail, fails on the rejected item and writes nothing more', async () => {
		const scope = amo()
			.post(`${API}/tasks`)
			.reply(
				400,
				validationErrors([{ requestId: '2', path: 'text', detail: 'This value should not be blank.' }]),
				PROBLEM_JSON,
			);
		const log = record(scope);

		const result = await runAmo(CREATE, { input: inputs(3) });

		log.stop();
		expect(lines(log)).toEqual([`POST ${API}/tasks`]);
		expect(log.unmatched).toEqual([]);
		expect(result.status).toBe('error');
		expect(result.items).toEqual([]);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '400',
			message: 'amoCRM rejected this task: text: This value should not be blank.',
			description:
				'amoCRM: Bad Request: Request validation failed\namoCRM does not document whether it stored the other tasks sent with this one (2): check them in amoCRM before running the items again.',
			context: { itemIndex: 1 },
		});
	});

	it('a 400 that names no element of the array fails the whole array, without resending it', async () => {
		const scope = amo()
			.post(`${API}/tasks`)
			.reply(400, { title: 'Bad Request', status: 400, detail: 'Malformed JSON' }, PROBLEM_JSON);
		const log = record(scope);

		const result = await runAmo(CREATE, { input: inputs(2), continueOnFail: true });

		log.stop();
		expect(lines(log)).toEqual([`POST ${API}/tasks`]);
		expect(log.unmatched).toEqual([]);
		expect(result.items).toEqual([
			{ json: expect.objectContaining({ error: 'amoCRM: Bad Request: Malformed JSON' }), pairedItem: { item: 0 } },
			{ json: expect.objectContaining({ error: 'amoCRM: Bad Request: Malformed JSON' }), pairedItem: { item: 1 } },
		]);
	});

	it('a server error on one array fails only that array\'s items (Continue On Fail)', async () => {
		let call = 0;
		const scope = amo()
			.post(`${API}/tasks`)
			.times(2)
			.reply((_uri, body) => {
				call++;
				if (call === 1) return [500, { title: 'Internal Server Error', status: 500 }];
				const elements = body as Element[];
				return [200, { _embedded: { tasks: elements.map((e) => ({ id: idOf(itemOf(e.request_id)), request_id: e.request_id })) } }];
			})
			.get(`${API}/tasks`)
			.query(true)
			.reply(200, halList('tasks', Array.from({ length: 5 }, (_, i) => amoTask(idOf(50 + i)))));
		const log = record(scope);

		const result = await runAmo(CREATE, { input: inputs(55), continueOnFail: true });

		log.stop();
		// Each array sent exactly once: a failed write is never repeated.
		expect(lines(log)).toEqual([`POST ${API}/tasks`, `POST ${API}/tasks`, `GET ${API}/tasks`]);
		expect((log.requests[0].body as Element[]).length).toBe(50);
		expect((log.requests[1].body as Element[]).map((e) => e.request_id)).toEqual(['51', '52', '53', '54', '55']);
		expect(result.items).toHaveLength(55);
		expect(result.items.slice(0, 50).every((item, i) => (item.pairedItem as { item: number }).item === i && typeof item.json.error === 'string')).toBe(true);
		expect(result.items[0].json.description).toContain('not sent again');
		expect(result.items.slice(50).map((i) => [i.json.id, i.pairedItem])).toEqual(
			[50, 51, 52, 53, 54].map((i) => [idOf(i), { item: i }]),
		);
	});

	it('without Continue On Fail, a failed array stops the node before the next array is sent', async () => {
		const scope = amo().post(`${API}/tasks`).reply(500, { title: 'Internal Server Error', status: 500 });
		const log = record(scope);

		const result = await runAmo(CREATE, { input: inputs(55) });

		log.stop();
		expect(lines(log)).toEqual([`POST ${API}/tasks`]);
		expect(log.unmatched).toEqual([]);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '500' });
	});
});

describe('request_id: never "0" (amocrm-api-php sends position + 1: «Бага в API не принимает 0»)', () => {
	// Each element's request_id is its item index + 1: one name per item across arrays and resends.
	let sandbox: AmoCrmSandbox;
	let baseUrl: string;

	beforeEach(async () => {
		sandbox = new AmoCrmSandbox({ timeScale: SUITE_TIME_SCALE });
		baseUrl = await sandbox.start();
		seedDemo(sandbox, { tasks: 0 });
	});

	afterEach(async () => {
		await sandbox.stop();
	});

	async function runOnSandbox(parameters: INodeParameters, input: IDataObject[], continueOnFail = false) {
		const credentials = { amoCrmApi: { domain: 'custom', baseUrl, accessToken: 'test-token' } };
		return await runAmo(parameters, { input, continueOnFail, credentials });
	}

	/** The request_ids of each array sent to `/api/v4/tasks` with `method`, in order. */
	const sentRequestIds = (method: string) =>
		sandbox.requests
			.filter((r) => r.method === method && r.path === '/api/v4/tasks')
			.map((r) => (r.body as Array<{ request_id: unknown }>).map((e) => e.request_id));
	const taskIdByText = (text: string) => [...sandbox.store.tasks.values()].find((task) => task.text === text)?.id;

	for (const reading of ['accepted', 'rejected'] as const) {
		it(`${reading}: 120 creates go out as request_ids "1".."120" and each task lands on its item`, async () => {
			sandbox.zeroRequestId = reading;

			const result = await runOnSandbox(CREATE, inputs(120));

			expect(sentRequestIds('POST')).toEqual([0, 50, 100].map((first) =>
				Array.from({ length: first === 100 ? 20 : 50 }, (_, i) => String(first + i + 1)),
			));
			expect(result.error).toBeUndefined();
			expect(sandbox.store.tasks.size).toBe(120);
			result.items.forEach((item, i) => {
				expect(item.pairedItem).toEqual({ item: i });
				expect(item.json).toMatchObject({ id: taskIdByText(`Task for item ${i}`), text: `Task for item ${i}` });
			});
		});

		it(`${reading}: an update array goes out as "1".."3" and each change lands on its item`, async () => {
			sandbox.zeroRequestId = reading;
			const tasks = [0, 1, 2].map((n) => sandbox.addTask({ text: `Before ${n}` }));

			const result = await runOnSandbox(
				{ resource: 'task', operation: 'update', taskId: byId('={{ $json.id }}'), updateFields: { text: '={{ $json.text }}' } },
				tasks.map((task, n) => ({ id: task.id, text: `After ${n}` })),
			);

			expect(sentRequestIds('PATCH')).toEqual([['1', '2', '3']]);
			expect(result.error).toBeUndefined();
			expect(tasks.map((task) => sandbox.store.tasks.get(task.id)?.text)).toEqual(['After 0', 'After 1', 'After 2']);
			expect(result.items.map((item) => [item.json.id, item.json.text, item.pairedItem])).toEqual(
				tasks.map((task, n) => [task.id, `After ${n}`, { item: n }]),
			);
		});

		it(`${reading}: a 400 naming the rejected element by its request_id fails that item only; the others keep theirs when sent again`, async () => {
			sandbox.zeroRequestId = reading;

			const result = await runOnSandbox(
				{ ...CREATE, additionalFields: { responsibleUserId: '={{ $json.user }}' } },
				inputs(3).map((input, i) => ({ ...input, user: i === 1 ? '999' : '504142' })),
				true,
			);

			// Item 1's element is "2"; the resend after the look-up carries items 0 and 2 as "1" and "3".
			expect(sentRequestIds('POST')).toEqual([
				['1', '2', '3'],
				['1', '3'],
			]);
			expect([...sandbox.store.tasks.values()].map((task) => task.text).sort()).toEqual(['Task for item 0', 'Task for item 2']);
			expect(result.items.map((item) => [item.json.id ?? item.json.error, item.pairedItem])).toEqual([
				[taskIdByText('Task for item 0'), { item: 0 }],
				['amoCRM rejected this task: responsible_user_id: The value you selected is not a valid choice.', { item: 1 }],
				[taskIdByText('Task for item 2'), { item: 2 }],
			]);
		});
	}
});
