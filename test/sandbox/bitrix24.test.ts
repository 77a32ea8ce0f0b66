/** The Bitrix24 sandbox itself, over plain HTTP: what the node suites rely on. */
import { setupNock } from '../harness';
import { Bitrix24Sandbox, seedDemo } from './bitrix24';

setupNock({ allowLocalhost: true });

const SECRET = 'sandboxsecret1234';

async function call(base: string, path: string, body: unknown = {}, headers: Record<string, string> = {}) {
	const response = await fetch(`${base}${path}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...headers },
		body: JSON.stringify(body),
		redirect: 'manual',
	});
	const text = await response.text();
	return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

describe('Bitrix24 sandbox', () => {
	const sandbox = new Bitrix24Sandbox({ rateLimit: false });
	let base = '';
	beforeAll(async () => {
		base = await sandbox.start();
	});
	afterAll(async () => await sandbox.stop());
	beforeEach(() => {
		sandbox.resetData();
		sandbox.rateLimitEnabled = false;
		sandbox.operationLimited.clear();
	});

	it('authorises webhooks by user and secret, and OAuth tokens as `auth` in body or query (Bearer only with the switch)', async () => {
		expect((await call(base, `/rest/1/${SECRET}/profile.json`)).body?.result).toMatchObject({ ID: '1', ADMIN: true });
		expect(await call(base, '/rest/1/nope1234/profile')).toMatchObject({ status: 401, body: { error: 'NO_AUTH_FOUND' } });
		expect((await call(base, '/rest/profile', { auth: 'sandbox-access-token' })).status).toBe(200);
		expect((await call(base, '/rest/profile?auth=sandbox-access-token')).status).toBe(200);
		expect((await call(base, '/rest/api/tasks.task.chat.message.send', { fields: {}, auth: 'sandbox-access-token' })).status).toBe(400);
		expect(await call(base, '/rest/profile', {}, { Authorization: 'Bearer sandbox-access-token' })).toMatchObject({ status: 401, body: { error: 'NO_AUTH_FOUND' } });
		sandbox.acceptBearer = true;
		expect((await call(base, '/rest/profile', {}, { Authorization: 'Bearer sandbox-access-token' })).status).toBe(200);
		sandbox.acceptBearer = false;
		sandbox.expiredTokens.add('stale-token');
		expect(await call(base, '/rest/profile', { auth: 'stale-token' })).toMatchObject({ status: 401, body: { error: 'expired_token' } });
		sandbox.expiredTokens.clear();
	});

	it('enforces each method\'s scope: classic insufficient_scope (401 or 403), REST 3.0 403 in its own shape, batch per command', async () => {
		sandbox.addTask({ id: '1' });
		sandbox.webhookScopes.set('1', ['user']);
		expect((await call(base, `/rest/1/${SECRET}/scope`)).body?.result).toEqual(['user']);
		expect((await call(base, `/rest/1/${SECRET}/user.get`)).status).toBe(200);
		expect(await call(base, `/rest/1/${SECRET}/tasks.task.get`, { taskId: 1 })).toMatchObject({
			status: 401,
			body: { error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the webhook token' },
		});
		sandbox.insufficientScopeStatus = 403;
		expect((await call(base, `/rest/1/${SECRET}/tasks.task.get`, { taskId: 1 })).status).toBe(403);
		sandbox.insufficientScopeStatus = 401;
		expect(await call(base, `/rest/api/1/${SECRET}/tasks.task.chat.message.send`, { fields: { taskId: 1, text: 'x' } })).toMatchObject({
			status: 403,
			body: { error: { code: 'BITRIX_REST_V3_EXCEPTION_INSUFFICIENTSCOPEEXCEPTION', message: 'Insufficient access rights: required scope is missing' } },
		});
		const batch = await call(base, `/rest/1/${SECRET}/batch`, { halt: 0, cmd: { a: 'tasks.task.get?taskId=1', b: 'user.get' } });
		expect(batch.body?.result.result_error).toEqual({ a: { error: 'insufficient_scope', error_description: '' } });
		expect(Object.keys(batch.body?.result.result)).toEqual(['b']);
		sandbox.webhookScopes.set('1', ['task', 'user', 'sonet_group', 'im']);
		sandbox.chatScope = 'task';
		sandbox.newTaskCard = true;
		sandbox.addTask({ id: '2' });
		sandbox.newTaskCard = false;
		expect((await call(base, `/rest/api/1/${SECRET}/tasks.task.chat.message.send`, { fields: { taskId: 2, text: 'x' } })).status).toBe(200);
		sandbox.chatScope = 'tasks';
		sandbox.webhookScopes.clear();
	});

	it('answers REST 3.0 failures in REST 3.0\'s shape: validation (400) and access denied (403)', async () => {
		expect(await call(base, `/rest/api/1/${SECRET}/tasks.task.chat.message.send`, { fields: { text: 'x' } })).toMatchObject({
			status: 400,
			body: { error: { code: 'BITRIX_REST_V3_EXCEPTION_VALIDATION_DTOVALIDATIONEXCEPTION', validation: [{ field: 'taskId' }] } },
		});
		expect(await call(base, `/rest/api/1/${SECRET}/tasks.task.chat.message.send`, { fields: { taskId: 404, text: 'x' } })).toMatchObject({
			status: 403,
			body: { error: { code: 'BITRIX_REST_V3_EXCEPTION_ACCESSDENIEDEXCEPTION', message: 'Access denied' } },
		});
	});

	it('refuses nested batch commands over their method\'s operating time, not run, with no result_time', async () => {
		sandbox.operationLimited.set('tasks.task.add', 1);
		const answer = await call(base, `/rest/1/${SECRET}/batch`, {
			halt: 0,
			cmd: { a: 'tasks.task.add?fields[TITLE]=A&fields[RESPONSIBLE_ID]=1', b: 'tasks.task.add?fields[TITLE]=B&fields[RESPONSIBLE_ID]=1' },
		});
		expect(answer.body?.result.result_error).toEqual({ a: { error: 'OPERATION_TIME_LIMIT', error_description: 'Method is blocked due to operation time limit.' } });
		expect(Object.keys(answer.body?.result.result_time)).toEqual(['b']);
		expect([...sandbox.tasks.values()].map((task) => task.title)).toEqual(['B']);
	});

	it('holds datetimes to the documented type (switch strictDates) and undocumented filter keys to a switch', async () => {
		const list = async (filter: object) => await call(base, `/rest/1/${SECRET}/tasks.task.list`, { filter });
		expect((await list({ '>=CHANGED_DATE': '2026-03-01T15:30:00+03:00' })).status).toBe(200);
		expect((await list({ '>=DEADLINE': '2026-03-01' })).status).toBe(200);
		expect(await list({ '>=CHANGED_DATE': '2026-03-01T15:30:00.250Z' })).toMatchObject({ status: 400, body: { error: 'ERROR_CORE' } });
		expect((await list({ '>=CHANGED_DATE': '2026-03-01T15:30:00Z' })).status).toBe(400);
		sandbox.strictDates = false;
		expect((await list({ '>=CHANGED_DATE': '2026-03-01T15:30:00Z' })).status).toBe(200);
		sandbox.strictDates = true;
		sandbox.addTask({ createdBy: '1' });
		sandbox.addTask({ createdBy: '2' });
		expect(await list({ MEMBER: 2 })).toMatchObject({ status: 400, body: { error_description: 'Unknown filter field MEMBER' } });
		sandbox.unknownFilterField = 'ignore';
		expect((await list({ MEMBER: 2 })).body?.result.tasks).toHaveLength(2);
		sandbox.unknownFilterField = 'error';
	});

	it('pages lists with start/next/total, and start=-1 without a count', async () => {
		for (let n = 0; n < 120; n++) sandbox.addTask({});
		const first = await call(base, `/rest/1/${SECRET}/tasks.task.list`, { order: { ID: 'asc' }, select: ['ID'], start: 50 });
		expect(first.body).toMatchObject({ total: 120, next: 100 });
		// Every task of an answer carries its group, [] without one (the documented examples).
		expect(first.body?.result.tasks[0]).toEqual({ id: '51', group: [] });
		const keyset = await call(base, `/rest/1/${SECRET}/tasks.task.list`, { order: { ID: 'asc' }, filter: { '>ID': 100 }, select: ['ID'], start: -1 });
		expect(keyset.body?.total).toBe(0);
		expect(keyset.body?.next).toBeUndefined();
		expect(keyset.body?.result.tasks.map((t: { id: string }) => t.id)).toEqual(Array.from({ length: 20 }, (_, n) => String(101 + n)));
	});

	it('filters with operators and answers camelCase with string numbers', async () => {
		sandbox.addTask({ title: 'Invoice A', priority: '2', responsibleId: '1' });
		sandbox.addTask({ title: 'Other', priority: '0' });
		sandbox.addTask({ title: 'invoice b', priority: '1', status: '5' });
		const list = async (filter: object) =>
			(await call(base, `/rest/1/${SECRET}/tasks.task.list`, { filter, select: ['ID', 'TITLE', 'PRIORITY'], order: { ID: 'asc' } })).body?.result.tasks.map((t: { id: string }) => t.id);
		expect(await list({ '%TITLE': 'invoice' })).toEqual(['1', '3']);
		expect(await list({ '!%TITLE': 'invoice' })).toEqual(['2']);
		expect(await list({ '>=PRIORITY': 1 })).toEqual(['1', '3']);
		expect(await list({ REAL_STATUS: [5] })).toEqual(['3']);
		expect(await list({ '!REAL_STATUS': 5, ID: [1, 2, 3] })).toEqual(['1', '2']);
		const bad = await call(base, `/rest/1/${SECRET}/tasks.task.list`, { order: { DESCRIPTION: 'asc' } });
		expect(bad).toMatchObject({ status: 400, body: { error: '0', error_description: 'Invalid sorting key' } });
	});

	it('runs batch commands in order, resolves $result references, reports per-command errors in a 200', async () => {
		const answer = await call(base, `/rest/1/${SECRET}/batch`, {
			halt: 0,
			cmd: {
				a: 'tasks.task.add?fields[TITLE]=First&fields[RESPONSIBLE_ID]=1',
				b: 'tasks.task.add?fields[TITLE]=Child%20of%20$result[a][task][id]&fields[RESPONSIBLE_ID]=1&fields[PARENT_ID]=$result[a][task][id]',
				c: 'tasks.task.add?fields[TITLE]=&fields[RESPONSIBLE_ID]=1',
				d: 'batch?cmd[x]=profile',
			},
		});
		expect(answer.status).toBe(200);
		expect(answer.body?.result.result.b.task).toMatchObject({ title: 'Child of 1', parentId: '1' });
		expect(answer.body?.result.result_error).toEqual({
			c: { error: 'ERROR_CORE', error_description: 'Task title is not specified' },
			d: { error: 'ERROR_BATCH_METHOD_NOT_ALLOWED', error_description: 'Method is not allowed for batch usage' },
		});
		const halted = await call(base, `/rest/1/${SECRET}/batch`, { halt: 1, cmd: { x: 'tasks.task.start?taskId=999', y: 'profile' } });
		expect(Object.keys(halted.body?.result.result_error)).toEqual(['x']);
		expect(halted.body?.result.result).toEqual([]); // an empty map arrives as []
	});

	it('keeps classic comments and task-chat messages apart', async () => {
		sandbox.addTask({ id: '1' });
		sandbox.newTaskCard = true;
		const chatTask = sandbox.addTask({ id: '2' });
		sandbox.newTaskCard = false;
		await call(base, `/rest/1/${SECRET}/task.commentitem.add`, { TASKID: 1, FIELDS: { POST_MESSAGE: 'classic' } });
		await call(base, `/rest/api/1/${SECRET}/tasks.task.chat.message.send`, { fields: { taskId: 2, text: 'chat' } });
		expect((await call(base, `/rest/1/${SECRET}/task.commentitem.getlist`, { TASKID: 1 })).body?.result[0].POST_MESSAGE).toBe('classic');
		expect((await call(base, `/rest/1/${SECRET}/task.commentitem.getlist`, { TASKID: 2 })).body?.result).toEqual([]);
		const chat = await call(base, `/rest/1/${SECRET}/im.dialog.messages.get`, { DIALOG_ID: `chat${chatTask.chatId}` });
		expect(chat.body?.result.messages.map((m: { text: string }) => m.text)).toEqual(['chat']);
		expect((await call(base, `/rest/api/1/${SECRET}/tasks.task.chat.message.send`, { fields: { taskId: 1, text: 'x' } })).status).toBe(400);
		expect((await call(base, `/rest/1/${SECRET}/tasks.task.chat.message.send`, { fields: { taskId: 2, text: 'x' } })).body?.error).toBe('ERROR_METHOD_NOT_FOUND');
	});

	it('redirects every REST call of a renamed portal, path and query kept', async () => {
		sandbox.redirectTo = 'https://renamed.example';
		const answer = await call(base, `/rest/1/${SECRET}/profile?x=1`);
		sandbox.redirectTo = undefined;
		expect(answer.status).toBe(302);
		expect(answer.headers.get('location')).toBe(`https://renamed.example/rest/1/${SECRET}/profile?x=1`);
	});

	it('refuses requests over the leaky bucket with 503 QUERY_LIMIT_EXCEEDED', async () => {
		sandbox.rateLimitEnabled = true;
		const answers = await Promise.all(Array.from({ length: 60 }, () => call(base, `/rest/1/${SECRET}/profile`)));
		const refused = answers.filter((answer) => answer.status === 503);
		expect(refused.length).toBeGreaterThanOrEqual(9);
		expect(refused[0].body).toEqual({ error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' });
		expect(sandbox.queryLimitRejections).toBe(refused.length);
	});

	it('seeds demo data: users, groups, tasks in every status, comments', () => {
		const { taskIds } = seedDemo(sandbox);
		expect(taskIds).toHaveLength(36);
		expect(sandbox.groups.size).toBe(3);
		expect(new Set([...sandbox.tasks.values()].map((task) => task.status))).toEqual(new Set(['2', '3', '4', '5', '6']));
		expect(sandbox.comments.size).toBeGreaterThan(0);
	});

	it('keyset reads (order by ID alone, start -1) give the first 50 matches in id order from the bound, whatever the insertion order', async () => {
		// Ids out of insertion order, a gap from a deletion, and a second condition.
		const ids = Array.from({ length: 130 }, (_, i) => 1000 - i * 7).reverse();
		for (const id of [...ids.filter((_, i) => i % 2 === 1), ...ids.filter((_, i) => i % 2 === 0)]) {
			sandbox.addTask({ id: String(id), responsibleId: id % 3 === 0 ? '2' : '1' });
		}
		sandbox.tasks.delete(ids[60]);
		const kept = ids.filter((id) => id !== ids[60]);
		const read = async (order: string, filter: Record<string, unknown>) =>
			((await call(base, `/rest/1/${SECRET}/tasks.task.list`, { order: { ID: order }, filter, select: ['ID'], start: -1 })).body?.result.tasks as Array<{ id: string }>).map((t) => Number(t.id));
		const bound = ids[40];
		expect(await read('asc', { '>ID': bound })).toEqual(kept.filter((id) => id > bound).slice(0, 50));
		expect(await read('asc', { '>=ID': bound })).toEqual(kept.filter((id) => id >= bound).slice(0, 50));
		expect(await read('desc', { '<ID': bound })).toEqual(kept.filter((id) => id < bound).reverse().slice(0, 50));
		expect(await read('desc', { '<=ID': bound })).toEqual(kept.filter((id) => id <= bound).reverse().slice(0, 50));
		expect(await read('asc', {})).toEqual(kept.slice(0, 50));
		expect(await read('asc', { '>ID': bound, RESPONSIBLE_ID: 2 })).toEqual(kept.filter((id) => id > bound && id % 3 === 0).slice(0, 50));
		// A task added after a read is in the next one.
		sandbox.addTask({ id: String(bound + 1) });
		expect((await read('asc', { '>ID': bound }))[0]).toBe(bound + 1);
	});
});
