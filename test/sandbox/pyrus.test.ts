/**
 * Proves the Pyrus sandbox behaves as Pyrus's API documentation describes, over real loopback
 * HTTP with node's global fetch: token exchange and expiry, error format, register filters,
 * cap and id paging, lists with has_more, inbox, writes through comments, rate-limit headers.
 */
import { PyrusSandbox, seedDemo } from './pyrus';

type Json = Record<string, unknown>;

interface ApiResult {
	status: number;
	headers: Headers;
	body: Json;
}

async function call(base: string, method: string, path: string, options: { body?: unknown; token?: string } = {}): Promise<ApiResult> {
	const headers: Record<string, string> = {};
	if (options.token) headers.Authorization = `Bearer ${options.token}`;
	if (options.body !== undefined) headers['Content-Type'] = 'application/json';
	const res = await fetch(base + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
	return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

async function login(base: string, prefix = '/api/v4'): Promise<string> {
	const res = await call(base, 'POST', `${prefix}/auth`, { body: { login: 'bot@sandbox', security_key: 'sandbox-security-key' } });
	expect(res.status).toBe(200);
	return String(res.body.access_token);
}

describe('Pyrus sandbox', () => {
	let sandbox: PyrusSandbox;
	let base: string;
	let token: string;

	beforeEach(async () => {
		sandbox = new PyrusSandbox({ registerCap: 5 });
		base = await sandbox.start();
		seedDemo(sandbox, { tasks: 12 });
		token = await login(base);
	});

	afterEach(async () => await sandbox.stop());

	it('issues tokens, refuses bad keys and expires tokens on demand with Pyrus\'s error body', async () => {
		const bad = await call(base, 'POST', '/api/v4/auth', { body: { login: 'bot@sandbox', security_key: 'nope' } });
		expect(bad).toMatchObject({ status: 401, body: { error_code: 'invalid_credentials' } });
		expect(bad.body.error).toEqual(expect.any(String));

		expect((await call(base, 'GET', '/api/v4/profile', { token })).body).toMatchObject({ person_id: 1000 });
		expect((await call(base, 'GET', '/api/v4/profile')).body).toMatchObject({ error_code: 'token_not_specified' });
		expect((await call(base, 'GET', '/api/v4/profile', { token: 'forged' })).body).toMatchObject({ error_code: 'invalid_token' });

		sandbox.expireTokens();
		const expired = await call(base, 'GET', '/api/v4/profile', { token });
		expect(expired).toMatchObject({ status: 401, body: { error_code: 'expired_token' } });
		const renewed = await login(base);
		expect((await call(base, 'GET', '/api/v4/profile', { token: renewed })).status).toBe(200);
		expect(sandbox.authCalls).toBe(3);
	});

	it('announces api_url like the cloud when asked, and answers under /v4 too', async () => {
		sandbox.announceApiUrl = true;
		const res = await call(base, 'POST', '/api/v4/auth', { body: { login: 'bot@sandbox', security_key: 'sandbox-security-key' } });
		expect(res.body.api_url).toBe(`${base}/v4/`);
		const tasks = await call(base, 'GET', '/v4/tasks/1001', { token: String(res.body.access_token) });
		expect(tasks.status).toBe(200);
	});

	it('sends X-RateLimit-* headers and answers 429 too_many_requests over the limit', async () => {
		await sandbox.stop();
		// Time scale 10: the window lasts 60 s, longer than these requests take on a loaded machine.
		sandbox = new PyrusSandbox({ rateLimit: 2, timeScale: 10 });
		base = await sandbox.start();
		token = await login(base);
		const first = await call(base, 'GET', '/api/v4/members', { token });
		expect(first.headers.get('x-ratelimit-limit')).toBe('2');
		expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
		await call(base, 'GET', '/api/v4/members', { token });
		const refused = await call(base, 'GET', '/api/v4/members', { token });
		expect(refused).toMatchObject({ status: 429, body: { error_code: 'too_many_requests' } });
		expect(Number(refused.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
		expect(Number(refused.headers.get('x-ratelimit-reset'))).toBeLessThanOrEqual(600);
	});

	it('caps the register, pages it by id and applies its filters', async () => {
		const capped = await call(base, 'GET', '/api/v4/forms/321/register?item_count=6', { token });
		expect(capped).toMatchObject({ status: 400, body: { error_code: 'invalid_value_format' } });

		const page1 = await call(base, 'GET', '/api/v4/forms/321/register?sort=id&item_count=5', { token });
		const ids1 = (page1.body.tasks as Json[]).map((t) => t.id as number);
		expect(ids1).toHaveLength(5);
		expect(ids1).toEqual([...ids1].sort((a, b) => a - b));
		expect((page1.body.tasks as Json[])[0].comments).toBeUndefined();
		const page2 = await call(base, 'GET', `/api/v4/forms/321/register?sort=id&item_count=5&id=gt${ids1[4]}`, { token });
		const ids2 = (page2.body.tasks as Json[]).map((t) => t.id as number);
		expect(ids2).toHaveLength(1);
		expect(ids2[0]).toBeGreaterThan(ids1[4]);

		const step2 = await call(base, 'GET', '/api/v4/forms/321/register?steps=2', { token });
		expect((step2.body.tasks as Json[]).every((t) => t.current_step === 2)).toBe(true);
		const amount = await call(base, 'GET', '/api/v4/forms/321/register?fld2=gt1050', { token });
		expect((amount.body.tasks as Json[]).map((t) => (t.fields as Json[])[1].value)).toEqual([1060, 1080, 1100]);
	});

	it('lists a list\'s tasks newest first with has_more, and the inbox', async () => {
		const page = await call(base, 'GET', '/api/v4/lists/502/tasks?item_count=2', { token });
		expect(page.body.has_more).toBe(true);
		const tasks = page.body.tasks as Json[];
		expect(String(tasks[0].last_modified_date) >= String(tasks[1].last_modified_date)).toBe(true);
		const inbox = await call(base, 'GET', '/api/v4/inbox?item_count=1', { token });
		expect(inbox.body).toMatchObject({ has_more: expect.any(Boolean), task_groups: [] });
	});

	it('creates tasks, changes them through comments and deletes them', async () => {
		const created = await call(base, 'POST', '/api/v4/tasks', {
			token,
			body: { text: 'Help', due: '2026-03-10T10:00:00Z', duration: 30, participants: [{ email: 'bob.smith@example.com' }] },
		});
		const task = created.body.task as Json;
		expect(task).toMatchObject({ text: 'Help', due: '2026-03-10T10:00:00Z', duration: 30 });

		const both = await call(base, 'POST', '/api/v4/tasks', { token, body: { text: 'x', due: '2026-03-10T10:00:00Z', due_date: '2026-03-10' } });
		expect(both.body.error_code).toBe('either_due_date_or_due_can_be_set');
		const noDue = await call(base, 'POST', '/api/v4/tasks', { token, body: { text: 'x', duration: 5 } });
		expect(noDue.body.error_code).toBe('due_missing');

		const closed = await call(base, 'POST', `/api/v4/tasks/${String(task.id)}/comments`, { token, body: { text: 'Done', action: 'finished' } });
		expect((closed.body.task as Json).close_date).toEqual(expect.any(String));
		const edit = await call(base, 'POST', `/api/v4/tasks/${String(task.id)}/comments`, {
			token,
			body: { text: 'Done!', edit_comment_id: ((closed.body.task as Json).comments as Json[])[0].id },
		});
		expect(((edit.body.task as Json).comments as Json[])[0].text).toBe('Done!');

		const wrongFormat = await call(base, 'POST', '/api/v4/tasks', { token, body: { form_id: 321, fields: [{ id: 2, value: '12' }] } });
		expect(wrongFormat.body.error_code).toBe('invalid_value_format');

		expect((await call(base, 'DELETE', `/api/v4/tasks/${String(task.id)}`, { token })).body).toEqual({ deleted: true });
		expect((await call(base, 'GET', `/api/v4/tasks/${String(task.id)}`, { token })).body.error_code).toBe('access_denied_task');
	});
});

describe('Pyrus sandbox: documented behaviours and the switches for what the docs leave open', () => {
	let sandbox: PyrusSandbox;
	let base: string;
	let token: string;

	beforeEach(async () => {
		// Real time: the rate and delete windows outlast each test however slow the machine.
		sandbox = new PyrusSandbox();
		base = await sandbox.start();
		seedDemo(sandbox, { tasks: 0 });
		token = await login(base);
	});

	afterEach(async () => await sandbox.stop());

	const api = (method: string, path: string, body?: unknown) => call(base, method, `/api/v4${path}`, { token, body });

	it('orders a list\'s tasks by each reading of `listOrder`, and bounds modified_after by `afterBoundInclusive`', async () => {
		const times = ['2026-03-01T10:00:02Z', '2026-03-01T10:00:01Z', '2026-03-01T10:00:03Z'];
		times.forEach((time, i) => sandbox.addTask({ id: 10 + i, list_ids: [501], last_modified_date: time }));
		const ids = async () => ((await api('GET', '/lists/501/tasks')).body.tasks as Json[]).map((t) => t.id);
		expect(await ids()).toEqual([12, 10, 11]);
		sandbox.setSwitches({ listOrder: 'oldestFirst' });
		expect(await ids()).toEqual([11, 10, 12]);
		sandbox.setSwitches({ listOrder: 'byId' });
		expect(await ids()).toEqual([10, 11, 12]);

		const after = async () =>
			((await api('GET', '/lists/501/tasks?modified_after=2026-03-01T10:00:02Z&modified_before=2026-03-01T10:00:03z')).body.tasks as Json[]).map((t) => t.id);
		expect(await after()).toEqual([10, 12]);
		sandbox.setSwitches({ afterBoundInclusive: false });
		expect(await after()).toEqual([12]);
	});

	it.each([
		['access_denied_task', 403],
		['unrecognized_task_id', 400],
		['not_found', 404],
	] as const)('answers a missing task with %s (%i) under that reading', async (missingTask, status) => {
		sandbox.setSwitches({ missingTask });
		const res = await api('GET', '/tasks/999999');
		expect(res).toMatchObject({ status, body: { error_code: missingTask } });
	});

	it('limits deletions separately with 429 task_delete_limit_exceeded, with Retry-After only when switched on', async () => {
		const ids = [1, 2, 3].map(() => sandbox.addTask({ text: 'x' }).id);
		sandbox.setSwitches({ deleteLimit: { limit: 1, windowMs: 86_400_000 } });
		expect((await api('DELETE', `/tasks/${ids[0]}`)).body).toEqual({ deleted: true });
		const refused = await api('DELETE', `/tasks/${ids[1]}`);
		expect(refused).toMatchObject({ status: 429, body: { error_code: 'task_delete_limit_exceeded' } });
		expect(refused.headers.get('retry-after')).toBeNull();
		expect(refused.headers.get('x-ratelimit-remaining')).not.toBeNull();
		expect(sandbox.tasks.has(ids[1])).toBe(true);
		// Other requests are not limited by it.
		expect((await api('GET', `/tasks/${ids[1]}`)).status).toBe(200);

		sandbox.setSwitches({ deleteLimit: { limit: 1, windowMs: 86_400_000 }, deleteLimitRetryAfter: true });
		await api('DELETE', `/tasks/${ids[1]}`);
		const withWait = await api('DELETE', `/tasks/${ids[2]}`);
		expect(withWait.status).toBe(429);
		expect(Number(withWait.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(Number(withWait.headers.get('retry-after'))).toBeLessThanOrEqual(86_400);
	});

	it('refuses or drops subject and participants on a form task, by `simpleOnlyOnFormTask`', async () => {
		const task = sandbox.addTask({ form_id: 321, text: 'Purchase request', fields: [] });
		const refused = await api('POST', `/tasks/${task.id}/comments`, { subject: 'New', participants_added: [{ id: 1731 }] });
		expect(refused).toMatchObject({ status: 400, body: { error_code: 'invalid_value_format' } });
		sandbox.setSwitches({ simpleOnlyOnFormTask: 'ignore' });
		const dropped = await api('POST', `/tasks/${task.id}/comments`, { subject: 'New', participants_added: [{ id: 1731 }], text: 'x' });
		expect(dropped.status).toBe(200);
		expect(dropped.body.task).not.toHaveProperty('subject');
		expect(dropped.body.task).not.toHaveProperty('participants');
	});

	it('merges table rows by row_id: new ids add rows, others stay, deleted ids are refused or reused by `deletedRowIds`', async () => {
		const row = (rowId: number, item: string) => ({ row_id: rowId, cells: [{ id: 101, value: item }] });
		const created = await api('POST', '/tasks', { form_id: 321, fields: [{ id: 10, value: [row(0, 'Paper'), row(1, 'Pens')] }] });
		const id = (created.body.task as Json).id;
		const items = (task: Json) =>
			((task.fields as Json[]).find((f) => f.id === 10)!.value as Json[]).map((r) => [r.row_id, ((r.cells as Json[])[0] as Json).value]);

		const added = await api('POST', `/tasks/${String(id)}/comments`, { field_updates: [{ id: 10, value: [row(2, 'Ink'), { row_id: 0, delete: true }] }] });
		expect(items(added.body.task as Json)).toEqual([[1, 'Pens'], [2, 'Ink']]);
		const comments = (added.body.task as Json).comments as Json[];
		expect((comments.at(-1)!.field_updates as Json[])[0].value).toEqual([
			expect.objectContaining({ row_id: 1 }),
			expect.objectContaining({ row_id: 2 }),
			{ row_id: 0, deleted: true },
		]);

		const reused = await api('POST', `/tasks/${String(id)}/comments`, { field_updates: [{ id: 10, value: [row(0, 'Again')] }] });
		expect(reused).toMatchObject({ status: 400, body: { error_code: 'invalid_table_row' } });
		sandbox.setSwitches({ deletedRowIds: 'reusable' });
		const again = await api('POST', `/tasks/${String(id)}/comments`, { field_updates: [{ id: 10, value: [row(0, 'Again')] }] });
		expect(items(again.body.task as Json)).toEqual([[1, 'Pens'], [2, 'Ink'], [0, 'Again']]);
	});

	it('takes attachments as plain values (uploaded guid, attachment id, URL) and as objects, and refuses what is none of them', async () => {
		const guid = sandbox.addUpload();
		const first = await api('POST', '/tasks', { text: 'Files', attachments: [guid, 'https://example.com/a.pdf'] });
		expect(first.status).toBe(200);
		const [file, link] = (first.body.task as Json).attachments as Json[];
		expect(link).toMatchObject({ url: 'https://example.com/a.pdf' });

		const second = await api('POST', '/tasks', {
			text: 'More',
			attachments: [String(file.id), { attachment_id: file.id }, { guid, root_id: file.id }, { url: 'https://example.com/b', name: 'B' }],
		});
		expect(second.status).toBe(200);
		expect((second.body.task as Json).attachments).toEqual([
			expect.objectContaining({ name: file.name }),
			expect.objectContaining({ name: file.name }),
			expect.objectContaining({ root_id: file.id, version: 2 }),
			expect.objectContaining({ name: 'B', url: 'https://example.com/b' }),
		]);

		for (const bad of [['0f0e'], [{ guid: 'not-uploaded' }], [{ attachment_id: 424242 }], [guid, guid]]) {
			const res = await api('POST', '/tasks', { text: 'Bad', attachments: bad });
			expect(res.status).toBe(400);
		}
	});

	it('answers a create with the task and its first comment, and records approvals added and removed', async () => {
		const simple = await api('POST', '/tasks', { text: 'Help', responsible: { id: 1733 }, participants: [{ id: 1733 }, { email: 'bob.smith@example.com' }] });
		expect(((simple.body.task as Json).comments as Json[])[0]).toMatchObject({
			text: 'Help',
			reassigned_to: { id: 1733 },
			participants_added: [{ id: 1733 }, { id: 1731 }],
		});
		const form = await api('POST', '/tasks', { form_id: 321, approvals: [[{ id: 1733 }], [{ id: 1731 }]] });
		const task = form.body.task as Json;
		expect((task.comments as Json[])[0]).toMatchObject({ reassigned_to: { id: 1733 }, approvals_added: [[{ person: { id: 1733 }, step: 1 }], [{ person: { id: 1731 }, step: 2 }]] });
		const removed = await api('POST', `/tasks/${String(task.id)}/comments`, { approvals_removed: [[{ id: 1733 }]] });
		expect(((removed.body.task as Json).comments as Json[]).at(-1)).toMatchObject({ text: '', approvals_removed: [[{ person: { id: 1733 }, step: 1 }]] });
		expect((removed.body.task as Json).approvals).toEqual([[], [expect.objectContaining({ person: expect.objectContaining({ id: 1731 }) })]]);
	});

	it('revokes tokens with 401 revoked_token, and limits requests from a new rate on', async () => {
		sandbox.revokeTokens();
		expect(await api('GET', '/profile')).toMatchObject({ status: 401, body: { error_code: 'revoked_token', error: 'Authorization token has been revoked.' } });
		token = await login(base);
		sandbox.setRateLimit(1);
		expect((await api('GET', '/profile')).status).toBe(200);
		expect(await api('GET', '/profile')).toMatchObject({ status: 429, body: { error_code: 'too_many_requests' } });
	});
});
