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
		sandbox = new PyrusSandbox({ rateLimit: 2, timeScale: 1000 });
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
