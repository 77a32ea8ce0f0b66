/** The MoySklad sandbox on its own, over raw HTTP: what clients of it can rely on. */
import * as http from 'node:http';
import { gunzipSync } from 'node:zlib';

import { setupNock } from '../harness';
import { MoySkladSandbox, parseFilter, seedDemo, type SeedDemoResult } from './moysklad';

setupNock({ allowLocalhost: true });

interface Answer {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: any;
}

const BEARER = 'Bearer test-token';

/** One raw request; the answer body gunzipped and parsed when it has one. */
function call(
	sandbox: MoySkladSandbox,
	method: string,
	path: string,
	options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
	const url = new URL(`${sandbox.api}/${path}`);
	const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{
				method,
				headers: {
					'Accept-Encoding': 'gzip',
					Authorization: BEARER,
					...(payload ? { 'Content-Type': 'application/json' } : {}),
					...options.headers,
				},
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => {
					let raw = Buffer.concat(chunks);
					if (res.headers['content-encoding'] === 'gzip' && raw.length > 0) raw = gunzipSync(raw);
					const text = raw.toString('utf8');
					resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined });
				});
			},
		);
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

describe('MoySklad sandbox', () => {
	const sandbox = new MoySkladSandbox({ rateLimit: false });
	let demo: SeedDemoResult;

	beforeAll(async () => {
		await sandbox.start();
		demo = seedDemo(sandbox);
	});
	afterAll(async () => await sandbox.stop());

	// n8n's HTTP client sends "gzip, compress, deflate, br" unless told otherwise.
	it.each([[''], ['gzip, compress, deflate, br'], ['deflate']])('answers 415 with an empty body for Accept-Encoding "%s"', async (encoding) => {
		const answer = await call(sandbox, 'GET', 'context/employee', { headers: { 'Accept-Encoding': encoding } });
		expect(answer.status).toBe(415);
		expect(answer.body).toBeUndefined();
	});

	it('answers gzip, to a token and to login + password', async () => {
		const token = await call(sandbox, 'GET', 'context/employee');
		expect(token.status).toBe(200);
		expect(token.headers['content-encoding']).toBe('gzip');
		expect(token.body).toMatchObject({ id: sandbox.currentUserId, uid: 'admin@sandbox' });
		const basic = await call(sandbox, 'GET', 'context/employee', {
			headers: { Authorization: `Basic ${Buffer.from('admin@sandbox:sandbox-password').toString('base64')}` },
		});
		expect(basic.status).toBe(200);
		const wrong = await call(sandbox, 'GET', 'context/employee', { headers: { Authorization: 'Bearer nope' } });
		expect(wrong.status).toBe(401);
		expect(wrong.body.errors[0]).toMatchObject({ code: 1056 });
	});

	it('lists only open tasks by default; done=true;done=false lists both', async () => {
		const open = await call(sandbox, 'GET', 'entity/task');
		const all = await call(sandbox, 'GET', `entity/task?filter=${encodeURIComponent('done=true;done=false')}`);
		expect(open.body.rows.every((t: { done: boolean }) => !t.done)).toBe(true);
		expect(all.body.meta.size).toBe(demo.tasks.length);
		expect(open.body.meta.size).toBe(demo.tasks.filter((t) => !t.done).length);
	});

	it('filters by reference href, state name, description and Moscow-time range; orders; pages with nextHref', async () => {
		const assignee = demo.employees[1];
		const filter = `assignee=${sandbox.api}/entity/employee/${assignee.id};done=true;done=false`;
		const answer = await call(sandbox, 'GET', `entity/task?limit=3&offset=0&order=created,desc&filter=${encodeURIComponent(filter)}`);
		const expected = demo.tasks.filter((t) => t.assignee === assignee.id).sort((a, b) => b.created - a.created);
		expect(answer.body.meta).toMatchObject({ size: expected.length, limit: 3, offset: 0 });
		expect(answer.body.meta.nextHref).toContain('offset=3');
		expect(answer.body.rows.map((t: { id: string }) => t.id)).toEqual(expected.slice(0, 3).map((t) => t.id));

		const byState = await call(sandbox, 'GET', `entity/task?filter=${encodeURIComponent(`state.name=${demo.states[0].name};done=true;done=false`)}`);
		expect(byState.body.rows.length).toBeGreaterThan(0);
		expect(byState.body.rows.every((t: { state: { meta: { href: string } } }) => t.state.meta.href.endsWith(demo.states[0].id))).toBe(true);

		const search = await call(sandbox, 'GET', `entity/task?filter=${encodeURIComponent('description~CALL THE CLIENT')}`);
		expect(search.body.rows.length).toBeGreaterThan(0);

		const bad = await call(sandbox, 'GET', `entity/task?filter=${encodeURIComponent('updated>=yesterday')}`);
		expect(bad.status).toBe(400);
		expect(bad.body.errors[0].code).toBe(1035);
	});

	it('parses escaped semicolons and every operator', () => {
		expect(parseFilter('description~a\\;b;updated>=2026-01-01 00:00:00;description=~x;done!=true')).toEqual([
			{ field: 'description', op: '~', value: 'a;b' },
			{ field: 'updated', op: '>=', value: '2026-01-01 00:00:00' },
			{ field: 'description', op: '=~', value: 'x' },
			{ field: 'done', op: '!=', value: 'true' },
		]);
	});

	it('answers a bulk array element by element, errors included, and mass-deletes', async () => {
		const employee = `${sandbox.api}/entity/employee/${demo.employees[1].id}`;
		const assignee = { meta: { href: employee, type: 'employee', mediaType: 'application/json' } };
		const answer = await call(sandbox, 'POST', 'entity/task', {
			body: [
				{ description: 'Bulk one', assignee },
				{ description: '', assignee },
				{ description: 'Bulk three', assignee: { meta: { href: employee } } },
			],
		});
		// Default reading of the undocumented status: 400 with the array (switch bulkErrorStatus).
		expect(answer.status).toBe(400);
		expect(answer.body[0]).toMatchObject({ description: 'Bulk one', done: false });
		expect(answer.body[1].errors[0]).toMatchObject({ code: 3000, parameter: 'description' });
		expect(answer.body[2].errors[0]).toMatchObject({ code: 2011 });

		const created = answer.body[0];
		const deleted = await call(sandbox, 'POST', 'entity/task/delete', {
			body: [{ meta: created.meta }, { meta: { ...created.meta, href: `${sandbox.api}/entity/task/${demo.tasks[0].id.slice(0, -1)}0` } }],
		});
		expect(deleted.status).toBe(400);
		expect(deleted.body[0].info).toContain('успешно удалена');
		expect(deleted.body[1].errors[0].code).toBe(1021);
		expect(sandbox.store.tasks.has(created.id)).toBe(false);
	});

	describe('switches for what the docs leave open', () => {
		const employee = () => ({ meta: { href: `${sandbox.api}/entity/employee/${demo.employees[1].id}`, type: 'employee', mediaType: 'application/json' } });
		afterEach(() => {
			sandbox.bulkErrorStatus = 400;
			sandbox.bulkRejection = 'perElement';
			sandbox.timeFormat = 'millis';
			sandbox.repeatedFilterField = 'or';
			sandbox.taskUuidHref = undefined;
			sandbox.clock.unfreeze();
		});

		it('bulkErrorStatus 200: the same element-by-element array, with 200', async () => {
			sandbox.bulkErrorStatus = 200;
			const before = sandbox.store.tasks.size;
			const answer = await call(sandbox, 'POST', 'entity/task', { body: [{ description: 'Kept', assignee: employee() }, { description: 'No assignee' }] });
			expect(answer.status).toBe(200);
			expect(answer.body[0]).toMatchObject({ description: 'Kept' });
			expect(answer.body[1].errors[0]).toMatchObject({ code: 3000, parameter: 'assignee' });
			expect(sandbox.store.tasks.size).toBe(before + 1);
		});

		it('bulkRejection whole: one failing element saves nothing; one { errors } object with 400', async () => {
			sandbox.bulkRejection = 'whole';
			const before = sandbox.store.tasks.size;
			const answer = await call(sandbox, 'POST', 'entity/task', { body: [{ description: 'Not kept', assignee: employee() }, { description: 'No assignee' }] });
			expect(answer.status).toBe(400);
			expect(answer.body.errors[0]).toMatchObject({ code: 3000, parameter: 'assignee' });
			expect(sandbox.store.tasks.size).toBe(before);
		});

		it.each([
			['millis', ['2026-05-01 10:00:00.120', '2026-05-01 10:00:00.200', '2026-05-01 10:00:00.000']],
			['trimmed', ['2026-05-01 10:00:00.12', '2026-05-01 10:00:00.2', '2026-05-01 10:00:00']],
			['seconds', ['2026-05-01 10:00:00', '2026-05-01 10:00:00', '2026-05-01 10:00:00']],
		] as const)('timeFormat %s writes times as %j', async (format, expected) => {
			sandbox.timeFormat = format;
			const base = Date.UTC(2026, 4, 1, 7, 0, 0);
			const ids = [120, 200, 0].map((ms) => sandbox.addTask({ description: `Time ${format} ${ms}`, created: base + ms }).id);
			const times = await Promise.all(ids.map(async (id) => (await call(sandbox, 'GET', `entity/task/${id}`)).body.created));
			expect(times).toEqual(expected);
			for (const id of ids) sandbox.store.tasks.delete(id);
		});

		it('repeatedFilterField reject: done=true;done=false is error 1030; other filters still work', async () => {
			sandbox.repeatedFilterField = 'reject';
			const both = await call(sandbox, 'GET', `entity/task?filter=${encodeURIComponent('done=true;done=false')}`);
			expect(both.status).toBe(400);
			expect(both.body.errors[0]).toMatchObject({ code: 1030 });
			const done = await call(sandbox, 'GET', `entity/task?filter=${encodeURIComponent('done=true')}`);
			expect(done.status).toBe(200);
			expect(done.body.rows.length).toBeGreaterThan(0);
		});

		it('tasks carry no web-app link unless taskUuidHref gives one; references carry the documented ones', async () => {
			const task = demo.tasks.find((t) => t.agent?.type === 'counterparty')!;
			const plain = await call(sandbox, 'GET', `entity/task/${task.id}`);
			expect(plain.body.meta.uuidHref).toBeUndefined();
			expect(plain.body.assignee.meta.uuidHref).toBe(`https://online.moysklad.ru/app/#employee/edit?id=${task.assignee}`);
			expect(plain.body.agent.meta).toMatchObject({
				uuidHref: `https://online.moysklad.ru/app/#company/edit?id=${task.agent!.id}`,
				metadataHref: `${sandbox.api}/entity/counterparty/metadata`,
			});
			sandbox.taskUuidHref = (id) => `https://online.moysklad.ru/app/#somewhere?id=${id}`;
			const linked = await call(sandbox, 'GET', `entity/task/${task.id}`);
			expect(linked.body.meta.uuidHref).toBe(`https://online.moysklad.ru/app/#somewhere?id=${task.id}`);
		});
	});

	it('refuses an Accept header without JSON (1062) and a body that is not JSON (1037)', async () => {
		const html = await call(sandbox, 'GET', 'entity/task', { headers: { Accept: 'text/html' } });
		expect(html.status).toBe(400);
		expect(html.body.errors[0].code).toBe(1062);
		const json = await call(sandbox, 'GET', 'entity/task', { headers: { Accept: 'application/json;charset=utf-8' } });
		expect(json.status).toBe(200);
		const text = await call(sandbox, 'POST', 'entity/task', { body: { description: 'x' }, headers: { 'Content-Type': 'text/plain' } });
		expect(text.status).toBe(415);
		expect(text.body.errors[0].code).toBe(1037);
	});

	it('mass-deletes notes of a task: 200 without a body', async () => {
		const task = demo.tasks[1];
		const notes = [sandbox.addNote(task.id, 'one'), sandbox.addNote(task.id, 'two')];
		const answer = await call(sandbox, 'POST', `entity/task/${task.id}/notes/delete`, {
			body: notes.map((note) => ({ meta: { href: `${sandbox.api}/entity/task/${task.id}/notes/${note.id}`, type: 'tasknote', mediaType: 'application/json' } })),
		});
		expect(answer.status).toBe(200);
		expect(answer.body).toBeUndefined();
		expect(notes.some((note) => sandbox.store.notes.has(note.id))).toBe(false);
	});

	it('notes: create answers an array; task types: create and colour', async () => {
		const task = demo.tasks[0];
		const note = await call(sandbox, 'POST', `entity/task/${task.id}/notes`, { body: { text: 'hello' } });
		expect(Array.isArray(note.body)).toBe(true);
		expect(note.body[0]).toMatchObject({ text: 'hello', meta: { type: 'tasknote' } });
		const state = await call(sandbox, 'POST', 'entity/task/metadata/states', { body: { name: 'New', color: 255 } });
		expect(state.body).toMatchObject({ name: 'New', color: 255, stateType: 'Regular', entityType: 'task' });
	});
});

describe('MoySklad sandbox limits', () => {
	const sandbox = new MoySkladSandbox({ timeScale: 10 });

	beforeAll(async () => await sandbox.start());
	afterAll(async () => await sandbox.stop());
	beforeEach(() => sandbox.resetLimits());

	it('spends 4 units a request from 45 per 3 s: the 12th request in a window gets 429 / 1049 with the headers', async () => {
		sandbox.processingMs = 0;
		const answers: Answer[] = [];
		for (let i = 0; i < 12; i++) answers.push(await call(sandbox, 'GET', 'context/employee'));
		expect(answers.slice(0, 11).map((a) => a.status)).toEqual(Array(11).fill(200));
		expect(answers[0].headers).toMatchObject({ 'x-ratelimit-limit': '11', 'x-ratelimit-remaining': '10', 'x-lognex-retry-timeinterval': '3000' });
		expect(answers[10].headers['x-ratelimit-remaining']).toBe('0');
		expect(Number(answers[10].headers['x-lognex-reset'])).toBeGreaterThan(0);
		const refused = answers[11];
		expect(refused.status).toBe(429);
		expect(refused.body.errors[0].code).toBe(1049);
		// In real milliseconds (the sandbox runs 10 times faster).
		expect(Number(refused.headers['x-lognex-retry-after'])).toBeGreaterThan(100);
		expect(Number(refused.headers['x-lognex-retry-after'])).toBeLessThanOrEqual(3000);
	});

	it('refuses a sixth request in flight with 429 / 1073', async () => {
		sandbox.processingMs = 30;
		const answers = await Promise.all(Array.from({ length: 6 }, () => call(sandbox, 'GET', 'context/employee')));
		const statuses = answers.map((a) => a.status).sort();
		expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
		expect(answers.find((a) => a.status === 429)!.body.errors[0].code).toBe(1073);
	});

	it('bans the user after more than 200 answers 429 within a minute', async () => {
		sandbox.faults.set({ limitRate: 1 });
		for (let i = 0; i < 201; i++) await call(sandbox, 'GET', 'context/employee');
		sandbox.faults.reset();
		expect(sandbox.banned).toBe(true);
		const after = await call(sandbox, 'GET', 'context/employee');
		expect(after.status).toBe(403);
		expect(after.body.errors[0].code).toBe(1061);
	});
});
