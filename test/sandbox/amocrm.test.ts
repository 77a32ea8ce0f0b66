/**
 * Proves the amoCRM sandbox (and the framework under it) behaves as amoCRM's API documentation
 * describes, over real loopback HTTP with node's global fetch.
 */
import { AmoCrmSandbox, seedDemo, type AmoTask, type SeedDemoResult } from './amocrm';
import { parseQuery, SlidingWindow } from './framework';

const TOKEN = 'test-token';

interface ApiResult {
	status: number;
	headers: Headers;
	text: string;
	/** The body parsed as JSON (throws on non-JSON, which is itself an assertion). */
	json: <T>() => T;
}

interface Link {
	href: string;
}
interface TaskOut extends Omit<AmoTask, 'result'> {
	result: { text: string } | unknown[];
	_links: { self: Link };
}
interface HalList<K extends string, T> {
	_page: number;
	_links: { self: Link; next?: Link; prev?: Link };
	_embedded: Record<K, T[]>;
}
interface ValidationProblem {
	title: string;
	type: string;
	status: number;
	detail: string;
	'validation-errors': Array<{ request_id: string; errors: Array<{ code: string; path: string; detail: string }> }>;
}

async function call(
	base: string,
	method: string,
	path: string,
	options: { body?: unknown; token?: string | null } = {},
): Promise<ApiResult> {
	const headers: Record<string, string> = {};
	const token = options.token === undefined ? TOKEN : options.token;
	if (token !== null) headers.Authorization = `Bearer ${token}`;
	if (options.body !== undefined) headers['Content-Type'] = 'application/json';
	const res = await fetch(base + path, {
		method,
		headers,
		body: options.body === undefined ? undefined : JSON.stringify(options.body),
	});
	const text = await res.text();
	return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function listAll(base: string, query: string): Promise<TaskOut[]> {
	const res = await call(base, 'GET', `/api/v4/tasks?limit=250&${query}`);
	if (res.status === 204) return [];
	expect(res.status).toBe(200);
	return res.json<HalList<'tasks', TaskOut>>()._embedded.tasks;
}

const ids = (tasks: Array<{ id: number }>): number[] => tasks.map((t) => t.id);

// ---------------------------------------------------------------------------------------------

describe('framework helpers', () => {
	test('parseQuery understands PHP bracket notation, encoded or not', () => {
		const q = parseQuery(
			'?filter[id][]=1&filter%5Bid%5D%5B%5D=2&filter[updated_at][from]=10&filter[updated_at][to]=20&order[id]=asc&page=2&a[][x]=1&a[][y]=2',
		);
		expect(q).toEqual({
			filter: { id: ['1', '2'], updated_at: { from: '10', to: '20' } },
			order: { id: 'asc' },
			page: '2',
			a: [{ x: '1' }, { y: '2' }],
		});
		expect(parseQuery('with=task_types,users_groups')).toEqual({ with: 'task_types,users_groups' });
	});

	test('SlidingWindow allows at most N in any window and frees slots as time passes', () => {
		let now = 0;
		const w = new SlidingWindow(3, 100, () => now);
		expect([w.tryAcquire(), w.tryAcquire()]).toEqual([true, true]);
		now = 50;
		expect([w.tryAcquire(), w.tryAcquire()]).toEqual([true, false]);
		now = 60;
		// The two events at 0 leave the window at 100.
		expect(w.msUntilFree()).toBe(40);
		expect(w.tryAcquire()).toBe(false);
		now = 100;
		expect(w.tryAcquire()).toBe(true);
		expect(w.count()).toBe(2);
		expect(w.record()).toBe(3);
	});
});

// ---------------------------------------------------------------------------------------------

describe('amoCRM sandbox: API behaviour', () => {
	const sandbox = new AmoCrmSandbox({ rateLimit: false });
	let base = '';
	let seed: SeedDemoResult;

	beforeAll(async () => {
		base = await sandbox.start();
		seed = seedDemo(sandbox, { tasks: 12 });
	});
	afterAll(async () => {
		await sandbox.stop();
	});

	test('start() returns a loopback base URL', () => {
		expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(sandbox.baseUrl).toBe(base);
	});

	test('401 problem+json without a token and with an unknown token', async () => {
		for (const token of [null, 'wrong-token']) {
			const res = await call(base, 'GET', '/api/v4/account', { token });
			expect(res.status).toBe(401);
			expect(res.headers.get('content-type')).toBe('application/problem+json');
			const body = res.json<{ type: string; status: number; title: string; detail: string; hint: string }>();
			expect(body.type).toBe('https://developers.amocrm.ru/v3/errors/OAuthProblemJson');
			expect(body.status).toBe(401);
			expect(body.title).toBe('Unauthorized');
			expect(body.detail.length).toBeGreaterThan(0);
			expect(body.hint.length).toBeGreaterThan(0);
			expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
		}
	});

	test('account with task types, groups and datetime settings', async () => {
		const plain = await call(base, 'GET', '/api/v4/account');
		expect(plain.status).toBe(200);
		expect(plain.headers.get('content-type')).toBe('application/hal+json');
		const a = plain.json<{ id: number; subdomain: string; current_user_id: number; _embedded?: unknown }>();
		expect(a.current_user_id).toBe(504141);
		expect(a.subdomain).toBe('sandbox');
		expect(a._embedded).toBeUndefined();

		const full = await call(base, 'GET', '/api/v4/account?with=task_types,users_groups,datetime_settings');
		const body = full.json<{
			_embedded: {
				task_types: Array<{ id: number; name: string }>;
				users_groups: Array<{ id: number }>;
				datetime_settings: { timezone: string };
			};
		}>();
		expect(body._embedded.task_types.map((t) => [t.id, t.name])).toEqual([
			[1, 'Follow-up'],
			[2, 'Meeting'],
			[2710394, 'Send offer'],
		]);
		expect(body._embedded.users_groups.map((g) => g.id)).toEqual([0, 345]);
		expect(body._embedded.datetime_settings.timezone).toBe('Europe/Moscow');
	});

	test('users: HAL page, 204 past the end, 403 for a non-admin token', async () => {
		const res = await call(base, 'GET', '/api/v4/users?limit=2');
		expect(res.status).toBe(200);
		const page = res.json<HalList<'users', { id: number; rights: { is_active: boolean } }>>();
		expect(page._embedded.users.map((u) => u.id)).toEqual([504141, 504142]);
		expect(page._links.next?.href).toBe(`${base}/api/v4/users?page=2&limit=2`);

		const past = await call(base, 'GET', '/api/v4/users?page=3&limit=2');
		expect(past.status).toBe(204);
		expect(past.text).toBe('');

		sandbox.usersForbidden = true;
		try {
			const denied = await call(base, 'GET', '/api/v4/users');
			expect(denied.status).toBe(403);
			expect(denied.headers.get('content-type')).toBe('application/problem+json');
		} finally {
			sandbox.usersForbidden = false;
		}
	});

	test('tasks: paging follows _links.next and ends with 204', async () => {
		const limit = 5;
		const seen: number[] = [];
		let href: string | undefined = `${base}/api/v4/tasks?limit=${limit}&order[id]=asc`;
		let pages = 0;
		while (href) {
			const res = await call('', 'GET', href);
			expect(res.status).toBe(200);
			const body = res.json<HalList<'tasks', TaskOut>>();
			pages++;
			expect(body._page).toBe(pages);
			if (pages > 1) expect(body._links.prev?.href).toContain(`page=${pages - 1}`);
			else expect(body._links.prev).toBeUndefined();
			expect(body._embedded.tasks.length).toBeLessThanOrEqual(limit);
			// The next link keeps the filters and order of the first request.
			if (body._links.next) expect(decodeURIComponent(body._links.next.href)).toContain('order[id]=asc');
			seen.push(...ids(body._embedded.tasks));
			href = body._links.next?.href;
		}
		expect(pages).toBe(Math.ceil(seed.tasks.length / limit));
		expect(seen).toEqual(ids(seed.tasks).sort((a, b) => a - b));

		const past = await call(base, 'GET', `/api/v4/tasks?limit=${limit}&page=${pages + 1}`);
		expect(past.status).toBe(204);
		expect(past.text).toBe('');
		expect(past.headers.get('content-type')).toBeNull();
	});

	test('tasks: limit defaults to 50 and above 250 acts as 250', async () => {
		const dflt = await call(base, 'GET', '/api/v4/tasks');
		expect(dflt.json<HalList<'tasks', TaskOut>>()._links.self.href).toBe(`${base}/api/v4/tasks?page=1&limit=50`);
		const big = await call(base, 'GET', '/api/v4/tasks?limit=1000');
		const body = big.json<HalList<'tasks', TaskOut>>();
		expect(body._links.self.href).toBe(`${base}/api/v4/tasks?page=1&limit=250`);
		expect(body._embedded.tasks).toHaveLength(seed.tasks.length);
		// A task is rendered with its canonical link and [] for an empty result.
		const open = body._embedded.tasks.find((t) => !t.is_completed);
		expect(open?.result).toEqual([]);
		expect(open?._links.self.href).toBe(`${base}/api/v4/tasks/${open?.id}`);
	});

	test('tasks: each filter narrows the list to matching tasks', async () => {
		const all = seed.tasks;
		const check = async (query: string, predicate: (t: AmoTask) => boolean): Promise<void> => {
			const expected = ids(all.filter(predicate));
			expect(expected.length).toBeGreaterThan(0);
			expect(expected.length).toBeLessThan(all.length);
			expect(ids(await listAll(base, query)).sort((a, b) => a - b)).toEqual(expected);
		};
		const [t0, t1, t2] = all;
		await check(`filter[id]=${t1.id}`, (t) => t.id === t1.id);
		await check(`filter[id][]=${t0.id}&filter[id][]=${t2.id}`, (t) => t.id === t0.id || t.id === t2.id);
		await check('filter[responsible_user_id]=504142', (t) => t.responsible_user_id === 504142);
		await check(
			'filter[responsible_user_id][]=504142&filter[responsible_user_id][]=504143',
			(t) => t.responsible_user_id === 504142 || t.responsible_user_id === 504143,
		);
		await check('filter[is_completed]=1', (t) => t.is_completed);
		await check('filter[is_completed]=0', (t) => !t.is_completed);
		await check('filter[task_type]=2710394', (t) => t.task_type_id === 2710394);
		await check('filter[task_type][]=1&filter[task_type][]=2', (t) => t.task_type_id === 1 || t.task_type_id === 2);
		await check('filter[entity_type]=leads', (t) => t.entity_type === 'leads');
		await check(
			`filter[entity_type]=leads&filter[entity_id]=${seed.leads[1]}`,
			(t) => t.entity_type === 'leads' && t.entity_id === seed.leads[1],
		);
		await check('filter[created_by]=504141', (t) => t.created_by === 504141);

		const times = [...new Set(all.map((t) => t.updated_at))].sort((a, b) => a - b);
		const mid = times[Math.floor(times.length / 2)];
		await check(`filter[updated_at]=${mid}`, (t) => t.updated_at >= mid);
		const [from, to] = [times[2], times[5]];
		// Both bounds inclusive.
		await check(
			`filter[updated_at][from]=${from}&filter[updated_at][to]=${to}`,
			(t) => t.updated_at >= from && t.updated_at <= to,
		);
	});

	test('tasks: entity_id without entity_type is a 400 validation problem', async () => {
		const res = await call(base, 'GET', `/api/v4/tasks?filter[entity_id]=${seed.leads[0]}`);
		expect(res.status).toBe(400);
		expect(res.headers.get('content-type')).toBe('application/problem+json');
		const body = res.json<ValidationProblem>();
		expect(body['validation-errors'][0].errors[0].path).toBe('filter.entity_type');
	});

	test('tasks: order by created_at, complete_till and id; other fields are 400', async () => {
		const sortedBy = (key: 'created_at' | 'complete_till' | 'id', dir: 1 | -1): number[] =>
			ids([...seed.tasks].sort((a, b) => (a[key] - b[key]) * dir || a.id - b.id));
		expect(ids(await listAll(base, 'order[created_at]=desc'))).toEqual(sortedBy('created_at', -1));
		expect(ids(await listAll(base, 'order[complete_till]=asc'))).toEqual(sortedBy('complete_till', 1));
		expect(ids(await listAll(base, 'order[id]=desc'))).toEqual(sortedBy('id', -1));

		for (const query of ['order[updated_at]=asc', 'order[id]=up']) {
			const bad = await call(base, 'GET', `/api/v4/tasks?${query}`);
			expect(bad.status).toBe(400);
			const body = bad.json<ValidationProblem>();
			expect(body.status).toBe(400);
			expect(body['validation-errors'][0].errors[0].code).toBe('NotSupportedChoice');
		}
	});

	test('tasks: get one, 404 problem for a missing id', async () => {
		const task = seed.tasks[3];
		const res = await call(base, 'GET', `/api/v4/tasks/${task.id}`);
		expect(res.status).toBe(200);
		expect(res.json<TaskOut>().text).toBe(task.text);
		const missing = await call(base, 'GET', '/api/v4/tasks/999');
		expect(missing.status).toBe(404);
		expect(missing.json<{ status: number }>().status).toBe(404);
	});

	test('create: a non-array body is 400', async () => {
		const res = await call(base, 'POST', '/api/v4/tasks', { body: { text: 'x', complete_till: 1 } });
		expect(res.status).toBe(400);
		expect(res.json<{ detail: string }>().detail).toMatch(/array/);
	});

	test('create: one invalid element rejects the whole batch with validation-errors', async () => {
		const before = sandbox.store.tasks.size;
		const res = await call(base, 'POST', '/api/v4/tasks', {
			body: [
				{ text: 'Fine', complete_till: 1700003600, request_id: 'ok-1' },
				{ text: '', complete_till: 'tomorrow', task_type_id: 77, request_id: 'bad-1' },
				{ text: 'No owner', complete_till: 1700003600, responsible_user_id: 1, entity_type: 'deals', entity_id: 5 },
			],
		});
		expect(res.status).toBe(400);
		const body = res.json<ValidationProblem>();
		expect(body.detail).toBe('Request validation failed');
		const byRequest = Object.fromEntries(
			body['validation-errors'].map((v) => [v.request_id, v.errors.map((e) => `${e.path}:${e.code}`).sort()]),
		);
		expect(byRequest).toEqual({
			'bad-1': ['complete_till:InvalidType', 'task_type_id:NotSupportedChoice', 'text:NotBlank'],
			// No request_id sent: the element's index.
			'2': ['entity_type:NotSupportedChoice', 'responsible_user_id:NotSupportedChoice'],
		});
		expect(sandbox.store.tasks.size).toBe(before);
	});

	test('rejectedBatch storesValid: a rejected POST or PATCH array still writes its valid elements', async () => {
		sandbox.rejectedBatch = 'storesValid';
		try {
			const before = sandbox.store.tasks.size;
			const post = await call(base, 'POST', '/api/v4/tasks', {
				body: [
					{ text: 'Kept A', complete_till: 1700003600 },
					{ text: '', complete_till: 1700003600 },
					{ text: 'Kept B', complete_till: 1700003600 },
				],
			});
			expect(post.status).toBe(400);
			expect(post.json<ValidationProblem>()['validation-errors'].map((v) => v.request_id)).toEqual(['1']);
			const kept = [...sandbox.store.tasks.values()].slice(before);
			expect(kept.map((t) => t.text)).toEqual(['Kept A', 'Kept B']);

			const patch = await call(base, 'PATCH', '/api/v4/tasks', {
				body: [
					{ id: kept[0].id, text: 'Changed A' },
					{ id: kept[1].id, task_type_id: 77 },
				],
			});
			expect(patch.status).toBe(400);
			expect(sandbox.store.tasks.get(kept[0].id)?.text).toBe('Changed A');
			expect(sandbox.store.tasks.get(kept[1].id)?.task_type_id).toBe(1);
		} finally {
			sandbox.rejectedBatch = 'storesNone';
		}
	});

	test('rejectedBatch storesNone (default): a rejected PATCH array changes nothing', async () => {
		const task = sandbox.addTask({ text: 'Untouched' });
		const patch = await call(base, 'PATCH', '/api/v4/tasks', {
			body: [{ id: task.id, text: 'Changed' }, { id: task.id, task_type_id: 77 }],
		});
		expect(patch.status).toBe(400);
		expect(sandbox.store.tasks.get(task.id)?.text).toBe('Untouched');
	});

	test('completeWithoutResult: accepted completes without a result; rejected asks for result', async () => {
		const open = sandbox.addTask({ text: 'Open' });
		const accepted = await call(base, 'PATCH', `/api/v4/tasks/${open.id}`, { body: { is_completed: true } });
		expect(accepted.status).toBe(200);
		expect(accepted.json<{ id: number; request_id: string }>()).toMatchObject({ id: open.id, request_id: '0' });
		expect(sandbox.store.tasks.get(open.id)).toMatchObject({ is_completed: true, result: null });

		sandbox.completeWithoutResult = 'rejected';
		try {
			const other = sandbox.addTask({ text: 'Other' });
			const single = await call(base, 'PATCH', `/api/v4/tasks/${other.id}`, { body: { is_completed: true } });
			expect(single.status).toBe(400);
			expect(single.json<ValidationProblem>()['validation-errors'][0].errors).toEqual([
				{ code: 'NotBlank', path: 'result', detail: 'This value should not be blank.' },
			]);
			const batch = await call(base, 'PATCH', '/api/v4/tasks', {
				body: [{ id: other.id, is_completed: true, result: { text: 'Done' } }],
			});
			expect(batch.status).toBe(200);
			expect(sandbox.store.tasks.get(other.id)).toMatchObject({ is_completed: true, result: { text: 'Done' } });
		} finally {
			sandbox.completeWithoutResult = 'accepted';
		}
	});

	test('zeroRequestId: accepted echoes request_id "0"; rejected refuses its element with path request_id', async () => {
		const task = sandbox.addTask({ text: 'Zero' });
		const before = sandbox.store.tasks.size;
		const accepted = await call(base, 'POST', '/api/v4/tasks', {
			body: [{ text: 'Zero A', complete_till: 1700003600, request_id: '0' }],
		});
		expect(accepted.status).toBe(200);
		expect(accepted.json<{ _embedded: { tasks: Array<{ request_id: string }> } }>()._embedded.tasks[0].request_id).toBe('0');
		expect(sandbox.store.tasks.size).toBe(before + 1);

		sandbox.zeroRequestId = 'rejected';
		try {
			const refusal = [{ request_id: '0', errors: [{ code: 'InvalidValue', path: 'request_id', detail: 'This value is not valid.' }] }];
			for (const [method, path, body] of [
				['POST', '/api/v4/tasks', [{ text: 'Zero B', complete_till: 1700003600, request_id: '0' }, { text: 'One', complete_till: 1700003600, request_id: '1' }]],
				['POST', '/api/v4/tasks', [{ text: 'Zero C', complete_till: 1700003600, request_id: 0 }]],
				['PATCH', '/api/v4/tasks', [{ id: task.id, text: 'Changed', request_id: '0' }]],
				['POST', '/api/v4/leads/notes', [{ entity_id: 9785993, note_type: 'common', params: { text: 'Hi' }, request_id: '0' }]],
			] as const) {
				const res = await call(base, method, path, { body });
				expect(res.status).toBe(400);
				expect(res.json<ValidationProblem>()['validation-errors']).toEqual(refusal);
			}
			expect(sandbox.store.tasks.size).toBe(before + 1);
			expect(sandbox.store.tasks.get(task.id)?.text).toBe('Zero');
			// Any other request_id, and none at all (its position), as before.
			const other = await call(base, 'POST', '/api/v4/tasks', {
				body: [{ text: 'One', complete_till: 1700003600, request_id: '1' }, { text: 'Unnamed', complete_till: 1700003600 }],
			});
			expect(other.status).toBe(200);
			expect(other.json<{ _embedded: { tasks: Array<{ request_id: string }> } }>()._embedded.tasks.map((t) => t.request_id)).toEqual(['1', '1']);
		} finally {
			sandbox.zeroRequestId = 'accepted';
		}
	});

	test('filter[is_completed] as the tasks API example (#tasks-list) sends it: a list of one', async () => {
		const done = await listAll(base, 'filter[is_completed][]=1');
		const open = await listAll(base, 'filter[is_completed]=0');
		expect(done.length).toBeGreaterThan(0);
		expect(done.every((t) => t.is_completed)).toBe(true);
		expect(open.every((t) => !t.is_completed)).toBe(true);
		const both = await call(base, 'GET', '/api/v4/tasks?filter[is_completed][]=1&filter[is_completed][]=0');
		expect(both.status).toBe(400);
	});

	test('create: stores tasks with sequential ids, echoes request_id, stamps sandbox time', async () => {
		const nextId = sandbox.store.nextTaskId;
		const res = await call(base, 'POST', '/api/v4/tasks', {
			body: [
				{
					text: 'Call the client',
					complete_till: 1700003600,
					task_type_id: 2710394,
					entity_type: 'leads',
					entity_id: seed.leads[2],
					responsible_user_id: 504143,
					request_id: 'row-1',
				},
				{ text: 'Second', complete_till: 1700007200 },
			],
		});
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/hal+json');
		const body = res.json<{ _embedded: { tasks: Array<{ id: number; request_id: string; _links: { self: Link } }> } }>();
		expect(body._embedded.tasks.map((t) => [t.id, t.request_id])).toEqual([
			[nextId, 'row-1'],
			[nextId + 1, '1'],
		]);
		expect(body._embedded.tasks[0]._links.self.href).toBe(`${base}/api/v4/tasks/${nextId}`);

		const stored = sandbox.store.tasks.get(nextId);
		expect(stored).toMatchObject({
			text: 'Call the client',
			task_type_id: 2710394,
			entity_type: 'leads',
			entity_id: seed.leads[2],
			responsible_user_id: 504143,
			group_id: 345,
			created_by: 504141,
			is_completed: false,
		});
		expect(stored?.created_at).toBe(stored?.updated_at);
		expect(Math.abs((stored?.created_at ?? 0) - sandbox.nowSeconds())).toBeLessThanOrEqual(1);
		// Defaults: the token user is responsible, type 1.
		expect(sandbox.store.tasks.get(nextId + 1)).toMatchObject({ responsible_user_id: 504141, task_type_id: 1 });
	});

	test('update: batch PATCH applies every element and answers id, updated_at, request_id', async () => {
		const [a, b] = [seed.tasks[0], seed.tasks[1]];
		const res = await call(base, 'PATCH', '/api/v4/tasks', {
			body: [
				{ id: a.id, text: 'Renamed', complete_till: 1800000000, request_id: 'u1' },
				{ id: b.id, responsible_user_id: 504142, duration: 900 },
			],
		});
		expect(res.status).toBe(200);
		const body = res.json<{ _embedded: { tasks: Array<{ id: number; updated_at: number; request_id: string }> } }>();
		const now = sandbox.nowSeconds();
		expect(body._embedded.tasks.map((t) => [t.id, t.request_id])).toEqual([
			[a.id, 'u1'],
			[b.id, '1'],
		]);
		for (const t of body._embedded.tasks) expect(now - t.updated_at).toBeLessThanOrEqual(1);
		expect(sandbox.store.tasks.get(a.id)).toMatchObject({ text: 'Renamed', complete_till: 1800000000, updated_by: 504141 });
		expect(sandbox.store.tasks.get(b.id)).toMatchObject({ responsible_user_id: 504142, duration: 900 });
	});

	test('update: an unknown id fails the batch and changes nothing', async () => {
		const a = seed.tasks[4];
		const textBefore = a.text;
		const res = await call(base, 'PATCH', '/api/v4/tasks', {
			body: [
				{ id: a.id, text: 'Should not apply' },
				{ id: 424242, text: 'Ghost', request_id: 'ghost' },
			],
		});
		expect(res.status).toBe(400);
		const body = res.json<ValidationProblem>();
		expect(body['validation-errors']).toEqual([
			{ request_id: 'ghost', errors: [{ code: 'NotFound', path: 'id', detail: 'Task 424242 not found.' }] },
		]);
		expect(sandbox.store.tasks.get(a.id)?.text).toBe(textBefore);
	});

	test('update: single PATCH completes a task with a result', async () => {
		const task = seed.tasks.find((t) => !t.is_completed) as AmoTask;
		const res = await call(base, 'PATCH', `/api/v4/tasks/${task.id}`, {
			body: { is_completed: true, result: { text: 'Reached the client' } },
		});
		expect(res.status).toBe(200);
		const body = res.json<{ id: number; updated_at: number; _links: { self: Link } }>();
		expect(body.id).toBe(task.id);
		expect(body.updated_at).toBe(sandbox.store.tasks.get(task.id)?.updated_at);
		const again = await call(base, 'GET', `/api/v4/tasks/${task.id}`);
		expect(again.json<TaskOut>()).toMatchObject({ is_completed: true, result: { text: 'Reached the client' } });

		const invalid = await call(base, 'PATCH', `/api/v4/tasks/${task.id}`, { body: { text: '' } });
		expect(invalid.status).toBe(400);
		expect(invalid.json<ValidationProblem>()['validation-errors'][0].errors[0]).toMatchObject({ path: 'text', code: 'NotBlank' });
		expect((await call(base, 'PATCH', '/api/v4/tasks/31337', { body: { text: 'x' } })).status).toBe(404);
	});

	test('tasks cannot be deleted: 405', async () => {
		const res = await call(base, 'DELETE', `/api/v4/tasks/${seed.tasks[0].id}`);
		expect(res.status).toBe(405);
		expect(res.headers.get('allow')).toContain('GET');
		expect(sandbox.store.tasks.has(seed.tasks[0].id)).toBe(true);
	});

	test('helpers change tasks directly with the sandbox time', async () => {
		const task = seed.tasks[5];
		sandbox.clock.freeze(Date.UTC(2030, 0, 1, 12, 0, 0));
		try {
			sandbox.completeTask(task.id, 'Done by helper', 504142);
			const at = Date.UTC(2030, 0, 1, 12, 0, 0) / 1000;
			expect(sandbox.store.tasks.get(task.id)).toMatchObject({
				is_completed: true,
				result: { text: 'Done by helper' },
				updated_at: at,
				updated_by: 504142,
			});
			expect(ids(await listAll(base, `filter[updated_at][from]=${at}&filter[updated_at][to]=${at}`))).toEqual([task.id]);
		} finally {
			sandbox.clock.unfreeze();
		}
	});

	test('notes: add, list, get one; 204 when empty; unknown entity type 404', async () => {
		const lead = seed.leads[0];
		const empty = await call(base, 'GET', `/api/v4/leads/${lead}/notes`);
		expect(empty.status).toBe(204);

		const created = await call(base, 'POST', `/api/v4/leads/${lead}/notes`, {
			body: [
				{ note_type: 'common', params: { text: 'Called, no answer' }, request_id: 'n1' },
				{ note_type: 'common', params: { text: 'Second try' } },
			],
		});
		expect(created.status).toBe(200);
		const notes = created.json<{ _embedded: { notes: Array<{ id: number; entity_id: number; request_id: string }> } }>()
			._embedded.notes;
		expect(notes.map((n) => [n.entity_id, n.request_id])).toEqual([
			[lead, 'n1'],
			[lead, '1'],
		]);

		const list = await call(base, 'GET', `/api/v4/leads/${lead}/notes?limit=1`);
		const page = list.json<HalList<'notes', { id: number; params: { text: string } }>>();
		expect(page._embedded.notes.map((n) => n.params.text)).toEqual(['Called, no answer']);
		expect(page._links.next?.href).toContain('page=2');

		const one = await call(base, 'GET', `/api/v4/leads/notes/${notes[1].id}`);
		expect(one.json<{ id: number; note_type: string }>()).toMatchObject({ id: notes[1].id, note_type: 'common' });
		expect((await call(base, 'GET', `/api/v4/contacts/notes/${notes[1].id}`)).status).toBe(404);

		const later = sandbox.nowSeconds() + 3600;
		expect((await call(base, 'GET', `/api/v4/leads/${lead}/notes?filter[updated_at]=${later}`)).status).toBe(204);

		const bad = await call(base, 'POST', `/api/v4/leads/${lead}/notes`, { body: [{ note_type: 'common', params: {} }] });
		expect(bad.status).toBe(400);
		expect(bad.json<ValidationProblem>()['validation-errors'][0].errors[0].path).toBe('params.text');

		expect((await call(base, 'GET', `/api/v4/tasks_list/${lead}/notes`)).status).toBe(404);
		expect((await call(base, 'GET', '/api/v4/leads/1/notes')).status).toBe(404);
	});

	test('request log records method, path, parsed query and body; clearLog empties it', async () => {
		sandbox.clearLog();
		await call(base, 'GET', '/api/v4/tasks?filter[id][]=1&filter[id][]=2');
		await call(base, 'PATCH', `/api/v4/tasks/${seed.tasks[6].id}`, { body: { duration: 60 } });
		expect(sandbox.requests.map((r) => [r.method, r.path, r.status])).toEqual([
			['GET', '/api/v4/tasks', 204],
			['PATCH', `/api/v4/tasks/${seed.tasks[6].id}`, 200],
		]);
		expect(sandbox.requests[0].query).toEqual({ filter: { id: ['1', '2'] } });
		expect(sandbox.requests[1].body).toEqual({ duration: 60 });
		expect(sandbox.requests[1].headers.authorization).toBe(`Bearer ${TOKEN}`);
		expect(typeof sandbox.requests[1].at).toBe('number');
		sandbox.clearLog();
		expect(sandbox.requests).toHaveLength(0);
	});
});

// ---------------------------------------------------------------------------------------------

describe('amoCRM sandbox: rate limit', () => {
	// timeScale 10: 7 requests per 100 ms.
	const sandbox = new AmoCrmSandbox({ timeScale: 10 });
	let base = '';
	beforeAll(async () => {
		base = await sandbox.start();
	});
	afterAll(async () => {
		await sandbox.stop();
	});

	test('a burst of 20 concurrent requests gets some 429s; paced requests get none', async () => {
		const burst = await Promise.all(Array.from({ length: 20 }, () => call(base, 'GET', '/api/v4/account')));
		const limited = burst.filter((r) => r.status === 429);
		const ok = burst.filter((r) => r.status === 200);
		expect(limited.length).toBeGreaterThan(0);
		expect(ok.length).toBeGreaterThanOrEqual(7);
		expect(ok.length + limited.length).toBe(20);
		expect(limited[0].headers.get('content-type')).toBe('text/plain');
		expect(limited[0].headers.get('retry-after')).toBeNull();
		expect(sandbox.stats.limitRejections).toBe(limited.length);
		expect(sandbox.stats.byStatus[429]).toBe(limited.length);
		expect(sandbox.blocked).toBe(false);

		await sleep(150); // let the 100 ms window empty
		sandbox.resetStats();
		const statuses: number[] = [];
		for (let i = 0; i < 15; i++) {
			statuses.push((await call(base, 'GET', '/api/v4/account')).status);
			await sleep(25); // at most 4 requests in any 100 ms
		}
		expect(statuses).toEqual(Array(15).fill(200));
		expect(sandbox.stats.limitRejections).toBe(0);
		expect(sandbox.stats.total).toBe(15);
	});

	test('Retry-After and a problem+json body when configured', async () => {
		await sleep(150);
		sandbox.retryAfterHeader = 2;
		sandbox.limitBody = 'problem';
		try {
			const burst = await Promise.all(Array.from({ length: 12 }, () => call(base, 'GET', '/api/v4/account')));
			const limited = burst.find((r) => r.status === 429);
			expect(limited?.headers.get('retry-after')).toBe('2');
			expect(limited?.json<{ status: number }>().status).toBe(429);
		} finally {
			sandbox.retryAfterHeader = false;
			sandbox.limitBody = 'text';
		}
	});
});

describe('amoCRM sandbox: block after repeated 429s', () => {
	const sandbox = new AmoCrmSandbox({ timeScale: 10, blockAfter429s: 5 });
	const unlimited = new AmoCrmSandbox({ timeScale: 10, rateLimit: false });
	let base = '';
	let unlimitedBase = '';
	beforeAll(async () => {
		base = await sandbox.start();
		unlimitedBase = await unlimited.start();
	});
	afterAll(async () => {
		await sandbox.stop();
		await unlimited.stop();
	});

	test('more 429s than allowed in a minute block every later request with nginx 403 HTML', async () => {
		const burst = await Promise.all(Array.from({ length: 30 }, () => call(base, 'GET', '/api/v4/account')));
		expect(burst.filter((r) => r.status === 429).length).toBeGreaterThan(5);
		expect(sandbox.blocked).toBe(true);

		await sleep(150);
		const res = await call(base, 'GET', '/api/v4/account');
		expect(res.status).toBe(403);
		expect(res.headers.get('content-type')).toBe('text/html');
		expect(res.text).toMatch(/<html>[\s\S]*403 Forbidden[\s\S]*nginx[\s\S]*<\/html>/);

		sandbox.unblock();
		expect((await call(base, 'GET', '/api/v4/account')).status).toBe(200);
	});

	test('rateLimit: false disables both limiter and block', async () => {
		const burst = await Promise.all(Array.from({ length: 30 }, () => call(unlimitedBase, 'GET', '/api/v4/account')));
		expect(burst.map((r) => r.status)).toEqual(Array(30).fill(200));
		expect(unlimited.blocked).toBe(false);
	});
});

// ---------------------------------------------------------------------------------------------

describe('framework: fault injection and clock', () => {
	const sandbox = new AmoCrmSandbox({ rateLimit: false, seed: 42 });
	let base = '';
	beforeAll(async () => {
		base = await sandbox.start();
		seedDemo(sandbox, { tasks: 3 });
	});
	afterAll(async () => {
		await sandbox.stop();
	});
	afterEach(() => sandbox.faults.reset());

	test('an enqueued 500 answers the next request only', async () => {
		sandbox.faults.enqueue({ status: 500 });
		expect(sandbox.faults.pending).toBe(1);
		const first = await call(base, 'GET', '/api/v4/account');
		expect(first.status).toBe(500);
		expect(first.json<{ status: number }>().status).toBe(500);
		expect(first.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
		expect((await call(base, 'GET', '/api/v4/account')).status).toBe(200);
		expect(sandbox.faults.pending).toBe(0);
	});

	test('a scripted 502 gets the nginx HTML body; a scripted body and headers are sent as given', async () => {
		sandbox.faults.enqueue({ status: 502 }, { status: 503, body: 'busy', headers: { 'Content-Type': 'text/plain', 'Retry-After': '3' } });
		const gw = await call(base, 'GET', '/api/v4/account');
		expect(gw.status).toBe(502);
		expect(gw.text).toContain('502 Bad Gateway');
		const busy = await call(base, 'GET', '/api/v4/account');
		expect([busy.status, busy.text, busy.headers.get('retry-after')]).toEqual([503, 'busy', '3']);
	});

	test('a dropped request fails on the client and nothing is stored', async () => {
		const before = sandbox.store.tasks.size;
		sandbox.faults.enqueue({ drop: true });
		await expect(call(base, 'POST', '/api/v4/tasks', { body: [{ text: 'Lost', complete_till: 1 }] })).rejects.toThrow();
		expect(sandbox.store.tasks.size).toBe(before);
		expect(sandbox.stats.dropped).toBe(1);
		expect(sandbox.requests[sandbox.requests.length - 1].dropped).toBe(true);
	});

	test('afterHandler drop: the client sees a failure but the task was created', async () => {
		const nextId = sandbox.store.nextTaskId;
		sandbox.faults.enqueue({ drop: true, afterHandler: true, match: { method: 'POST', path: '/api/v4/tasks' } });
		// A non-matching request does not consume the fault.
		expect((await call(base, 'GET', '/api/v4/account')).status).toBe(200);
		await expect(
			call(base, 'POST', '/api/v4/tasks', { body: [{ text: 'Outcome unknown', complete_till: 1700000000 }] }),
		).rejects.toThrow();
		expect(sandbox.store.tasks.get(nextId)?.text).toBe('Outcome unknown');

		sandbox.faults.enqueue({ status: 504, afterHandler: true });
		const res = await call(base, 'PATCH', `/api/v4/tasks/${nextId}`, { body: { text: 'Patched anyway' } });
		expect(res.status).toBe(504);
		expect(sandbox.store.tasks.get(nextId)?.text).toBe('Patched anyway');
	});

	test('rateLimitEvery answers every Nth request with 429', async () => {
		sandbox.faults.set({ rateLimitEvery: 3 });
		const statuses: number[] = [];
		for (let i = 0; i < 6; i++) statuses.push((await call(base, 'GET', '/api/v4/account')).status);
		expect(statuses).toEqual([200, 200, 429, 200, 200, 429]);
	});

	test('random faults are reproducible for a given seed', async () => {
		const run = async (): Promise<string[]> => {
			sandbox.faults.reseed(7);
			sandbox.faults.set({ errorRate: 0.3, limitRate: 0.2, dropRate: 0.1 });
			const out: string[] = [];
			for (let i = 0; i < 30; i++) {
				try {
					out.push(String((await call(base, 'GET', '/api/v4/account')).status));
				} catch {
					out.push('drop');
				}
			}
			return out;
		};
		const first = await run();
		const second = await run();
		expect(second).toEqual(first);
		// With these rates 30 requests see each kind of outcome.
		expect(new Set(first)).toEqual(new Set(['200', '500', '429', 'drop']));
	});

	test('latency delays answers', async () => {
		sandbox.faults.enqueue({ status: 200, body: { delayed: true }, delayMs: 120 });
		const t0 = Date.now();
		const res = await call(base, 'GET', '/api/v4/account');
		expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
		expect(res.json<{ delayed: boolean }>().delayed).toBe(true);

		sandbox.faults.set({ latencyMs: [60, 80] });
		const t1 = Date.now();
		expect((await call(base, 'GET', '/api/v4/account')).status).toBe(200);
		expect(Date.now() - t1).toBeGreaterThanOrEqual(55);
	});

	test('clock skew shows in the Date header and in stored timestamps', async () => {
		const skew = -2 * 3600 * 1000;
		sandbox.clock.skewMs = skew;
		try {
			const res = await call(base, 'GET', '/api/v4/account');
			const date = Date.parse(res.headers.get('date') ?? '');
			expect(Math.abs(date - (Date.now() + skew))).toBeLessThan(2000);

			const created = await call(base, 'POST', '/api/v4/tasks', { body: [{ text: 'Skewed', complete_till: 1 }] });
			const id = created.json<{ _embedded: { tasks: Array<{ id: number }> } }>()._embedded.tasks[0].id;
			const createdAt = sandbox.store.tasks.get(id)?.created_at ?? 0;
			expect(Math.abs(createdAt - Math.floor((Date.now() + skew) / 1000))).toBeLessThanOrEqual(1);
		} finally {
			sandbox.clock.skewMs = 0;
		}
		const plain = await call(base, 'GET', '/api/v4/account');
		expect(Math.abs(Date.parse(plain.headers.get('date') ?? '') - Date.now())).toBeLessThan(2000);
	});
});
