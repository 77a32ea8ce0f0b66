/**
 * Where the node and the vendor's documentation met only through a shared assumption: the
 * OAuth2 token channel, REST 3.0 errors, OPERATION_TIME_LIMIT inside `batch`, empty lists in
 * `batch`, the documented datetime type, the member filter, and redirects of a renamed portal.
 * Each test runs the node through n8n's engine against the sandbox (documented behaviour,
 * switches for each open reading) or nock answering with documented bodies.
 */
import { DateTime } from 'luxon';
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { engineHas, pollSequence, recordRequests, type RunWorkflowResult } from '../harness';
import {
	SECRET,
	TRIGGER_TYPE,
	byId,
	credentialTypes,
	hook,
	jsonOf,
	lines,
	nodeTypes,
	oauthCredentials,
	runB24,
	useSandbox,
	webhookCredentials,
} from './fixtures';

const { sandbox, baseUrl } = useSandbox();

/** Everything n8n keeps of the run (the credential store, n8n's database, left out). */
const stored = (result: RunWorkflowResult) => JSON.stringify({ ...result, credentials: undefined, credentialUpdates: undefined });
const bodyOf = (index: number) => sandbox.requests[index].body as IDataObject;
const GET_5 = { resource: 'task', operation: 'get', taskId: byId('5') };
/** The documented datetime type: YYYY-MM-DDThh:mm:ss±hh:mm (https://apidocs.bitrix24.com/api-reference/data-types.html). */
const DOCUMENTED_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

describe('OAuth2: the access token travels as `auth`, as Bitrix24 documents it', () => {
	it('classic, REST 3.0 and batch calls carry it in the JSON body (the sandbox reads no Bearer header)', async () => {
		sandbox.addTask({ id: '5' });
		sandbox.newTaskCard = true;
		sandbox.addTask({ id: '6' });
		sandbox.newTaskCard = false;
		const oauth = { credentials: oauthCredentials(baseUrl()) };

		const get = await runB24(baseUrl(), { ...GET_5, authentication: 'oAuth2' }, oauth);
		const chat = await runB24(baseUrl(), { resource: 'comment', operation: 'create', taskId: byId('6'), text: 'Done', authentication: 'oAuth2' }, oauth);
		const many = await runB24(
			baseUrl(),
			{ resource: 'task', operation: 'start', taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' }, authentication: 'oAuth2' },
			{ ...oauth, input: [{ id: 5 }, { id: 6 }] },
		);

		expect([get.error, chat.error, many.error]).toEqual([undefined, undefined, undefined]);
		expect(sandbox.requests.map((request) => [request.path, (request.body as IDataObject).auth])).toEqual([
			['/rest/tasks.task.get', 'sandbox-access-token'],
			['/rest/tasks.task.get', 'sandbox-access-token'],
			['/rest/api/tasks.task.chat.message.send', 'sandbox-access-token'],
			['/rest/batch', 'sandbox-access-token'],
		]);
		expect(jsonOf(many).map((task) => task.status)).toEqual(['3', '3']);
		expect(sandbox.chats.get(1)?.map((message) => message.text)).toEqual(['Done']);
	});

	it('expired_token: n8n renews the token, stores the new pair, and the refused write goes once more with the new `auth`', async () => {
		sandbox.expiredTokens.add('old-access-token');
		sandbox.refreshTokens.set('sandbox-refresh-token', '1');

		const result = await runB24(baseUrl(), { resource: 'task', operation: 'create', title: 'Call', responsibleId: '2', authentication: 'oAuth2' }, { credentials: oauthCredentials(baseUrl(), 'old-access-token') });

		expect(result.error).toBeUndefined();
		// n8n 1.x: the package's resend lets n8n see the 401 and refresh; n8n then repeats the call
		// twice with the old `auth` (its refreshed retry and its generic 401 retry), all refused.
		const add = 'POST /rest/tasks.task.add';
		expect(lines(sandbox.requests)).toEqual(
			engineHas('reauthenticatesIgnoringStatuses') ? [add, 'POST /oauth/token', add] : [add, add, 'POST /oauth/token', add, add, add],
		);
		const renewed = (result.credentials.bitrix24OAuth2Api.oauthTokenData as IDataObject).access_token;
		expect(renewed).toMatch(/^sandbox-access-\d+$/);
		const last = sandbox.requests.length - 1;
		expect([bodyOf(0).auth, bodyOf(last).auth]).toEqual(['old-access-token', renewed]);
		expect(result.credentialUpdates.map((update) => update.kind)).toEqual(['oauthTokenData']);
		expect([...sandbox.tasks.values()].map((task) => task.title)).toEqual(['Call']);
		expect(stored(result)).not.toContain(String(renewed));
		expect(stored(result)).not.toContain('client-secret-b24-777');
	});

	it('an answer that echoes the token keeps it out of the error', async () => {
		const token = 'tok-echoed-9f8e7d6c5b';
		const scope = nock('https://acme.bitrix24.com')
			.post('/rest/tasks.task.get', (body: IDataObject) => body.auth === token)
			.reply(400, { error: 'ERROR_CORE', error_description: `Task not found for auth=${token}` });

		const result = await runB24('', { ...GET_5, authentication: 'oAuth2' }, { credentials: oauthCredentials('https://acme.bitrix24.com', token) });

		expect(scope.isDone()).toBe(true);
		expect(result.error).toMatchObject({ httpCode: '400', message: 'Bitrix24: Task not found for auth=*** (ERROR_CORE)' });
		expect(stored(result)).not.toContain(token);
	});
});

describe('REST 3.0 errors: `{ error: { code, message, validation } }`', () => {
	const REMOTE = 'https://acme.bitrix24.com';
	const remote = () => ({ credentials: webhookCredentials('', { webhookSecretUrl: `${REMOTE}/rest/7/${SECRET}/` }) });
	const chatTask = () =>
		nock(REMOTE)
			.post(`/rest/7/${SECRET}/tasks.task.get`)
			.reply(200, { result: { task: { id: '51', chatId: '12' } } });

	it('a validation error: the vendor\'s message, its code, each field, no [object Object]', async () => {
		chatTask();
		// source: https://apidocs.bitrix24.com/api-reference/tasks/tasks-task-chat-message-send.html, «Error Handling», HTTP 400
		nock(REMOTE)
			.post(`/rest/api/7/${SECRET}/tasks.task.chat.message.send`)
			.reply(400, {
				error: {
					code: 'BITRIX_REST_V3_EXCEPTION_VALIDATION_DTOVALIDATIONEXCEPTION',
					message: 'Error during object validation',
					validation: [{ message: 'The required field "taskId" is not filled', field: 'taskId' }],
				},
			});

		const result = await runB24('', { resource: 'comment', operation: 'create', taskId: byId('51'), text: 'x' }, remote());

		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '400',
			message: 'Bitrix24: Error during object validation (BITRIX_REST_V3_EXCEPTION_VALIDATION_DTOVALIDATIONEXCEPTION)',
		});
		expect(result.error!.description).toContain('taskId: The required field "taskId" is not filled');
		expect(stored(result)).not.toContain('[object Object]');
	});

	it('access denied (403): the message and a hint about the user\'s rights', async () => {
		chatTask();
		nock(REMOTE)
			.post(`/rest/api/7/${SECRET}/tasks.task.chat.message.send`)
			.reply(403, { error: { code: 'BITRIX_REST_V3_EXCEPTION_ACCESSDENIEDEXCEPTION', message: 'Access denied' } });

		const result = await runB24('', { resource: 'comment', operation: 'create', taskId: byId('51'), text: 'x' }, remote());

		expect(result.error).toMatchObject({ httpCode: '403', message: 'Bitrix24: Access denied (BITRIX_REST_V3_EXCEPTION_ACCESSDENIEDEXCEPTION)' });
		expect(result.error!.description).toContain('may not do this with the task');
	});

	it('a webhook without scope `tasks` (sandbox, 403): the hint names the scope to add', async () => {
		sandbox.newTaskCard = true;
		sandbox.addTask({ id: '5' });
		sandbox.webhookScopes.set('1', ['task', 'user', 'sonet_group', 'im']);

		const result = await runB24(baseUrl(), { resource: 'comment', operation: 'create', taskId: byId('5'), text: 'x' });

		expect(lines(sandbox.requests)).toEqual([`POST ${hook('tasks.task.get')}`, `POST /rest/api/1/${SECRET}/tasks.task.chat.message.send`]);
		expect(result.error).toMatchObject({
			httpCode: '403',
			message: 'Bitrix24: Insufficient access rights: required scope is missing (BITRIX_REST_V3_EXCEPTION_INSUFFICIENTSCOPEEXCEPTION)',
		});
		expect(result.error!.description).toContain('add the scope "tasks" to the webhook: tasks.task.chat.message.send needs it');
		expect(sandbox.chats.size).toBe(0);
	});
});

describe('classic insufficient_scope, as 401 (current system-errors table) or 403 (older error page)', () => {
	it.each([401, 403] as const)('%s: the hint names the missing scope and the method, plain call and batch command alike', async (status) => {
		sandbox.insufficientScopeStatus = status;
		sandbox.addTask({ id: '5' });
		sandbox.addTask({ id: '6' });
		sandbox.webhookScopes.set('1', ['user']);

		const single = await runB24(baseUrl(), GET_5);
		const many = await runB24(
			baseUrl(),
			{ resource: 'task', operation: 'complete', taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
			{ input: [{ id: 5 }, { id: 6 }], continueOnFail: true },
		);
		sandbox.insufficientScopeStatus = 401;

		expect(single.error).toMatchObject({ httpCode: String(status), message: 'Bitrix24: The request requires higher privileges than provided by the webhook token (insufficient_scope)' });
		expect(single.error!.description).toContain('add the scope "task" to the webhook: tasks.task.get needs it');
		expect(jsonOf(many).map((item) => item.error)).toEqual(['Bitrix24: insufficient_scope', 'Bitrix24: insufficient_scope']);
		for (const item of jsonOf(many)) expect(item.description).toContain('add the scope "task" to the webhook: tasks.task.complete needs it');
		expect([...sandbox.tasks.values()].map((task) => task.status)).toEqual(['2', '2']);
	});
});

describe('OPERATION_TIME_LIMIT inside batch: the refused commands were not run, so they go again', () => {
	it('Get Many keeps going: a refused page and the pages after it are read again after the wait', async () => {
		for (let n = 0; n < 120; n++) sandbox.addTask({});
		sandbox.operationLimited.set('tasks.task.list', 1);

		const result = await runB24(baseUrl(), { resource: 'task', operation: 'getAll', returnAll: true, options: { select: ['ID'] } });

		expect(result.error).toBeUndefined();
		expect(jsonOf(result).map((task) => task.id)).toEqual(Array.from({ length: 120 }, (_, n) => String(n + 1)));
	});

	it('batched writes without Continue On Fail: the refused command and those halted after it go again, once', async () => {
		sandbox.operationLimited.set('tasks.task.add', 1);

		const result = await runB24(
			baseUrl(),
			{ resource: 'task', operation: 'create', title: '={{ $json.title }}', responsibleId: '2' },
			{ input: [{ title: 'A' }, { title: 'B' }, { title: 'C' }] },
		);

		expect(result.error).toBeUndefined();
		expect(jsonOf(result).map((task) => task.title)).toEqual(['A', 'B', 'C']);
		expect(Object.keys(bodyOf(0).cmd as IDataObject)).toEqual(['i0', 'i1', 'i2']);
		expect(Object.keys(bodyOf(1).cmd as IDataObject)).toEqual(['i0', 'i1', 'i2']);
		expect([...sandbox.tasks.values()].map((task) => task.title).sort()).toEqual(['A', 'B', 'C']);
	});

	it('batched writes with Continue On Fail: only the refused command goes again; commands that ran are never resent', async () => {
		sandbox.addTask({ id: '5' });
		sandbox.addTask({ id: '6' });
		sandbox.addTask({ id: '7' });
		sandbox.operationLimited.set('tasks.task.start', 1);

		const result = await runB24(
			baseUrl(),
			{ resource: 'task', operation: 'start', taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
			{ input: [{ id: 5 }, { id: 6 }, { id: 7 }], continueOnFail: true },
		);

		expect(jsonOf(result).map((task) => [task.id, task.status])).toEqual([['5', '3'], ['6', '3'], ['7', '3']]);
		expect(lines(sandbox.requests)).toEqual([`POST ${hook('batch')}`, `POST ${hook('batch')}`]);
		expect(Object.keys(bodyOf(1).cmd as IDataObject)).toEqual(['i0']);
		expect(sandbox.calls).toEqual(['batch:tasks.task.start', 'batch:tasks.task.start', 'batch:tasks.task.start']);
	});
});

describe('empty lists: many items behave exactly like one', () => {
	it('clearing participants and observers of two tasks clears both (an empty list has no batch query form)', async () => {
		sandbox.addTask({ id: '5', accomplices: ['2'], auditors: ['3'] });
		sandbox.addTask({ id: '6', accomplices: ['3'], auditors: ['2'] });

		const result = await runB24(
			baseUrl(),
			{ resource: 'task', operation: 'update', taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' }, updateFields: { accomplices: '', auditors: '' } },
			{ input: [{ id: 5 }, { id: 6 }] },
		);

		expect(result.error).toBeUndefined();
		expect([...sandbox.tasks.values()].map((task) => [task.accomplices, task.auditors])).toEqual([[[], []], [[], []]]);
		expect(jsonOf(result).map((task) => task.accomplices)).toEqual([[], []]);
		expect(sandbox.requests.map((request) => (request.body as { fields?: IDataObject }).fields)).toEqual([
			{ ACCOMPLICES: [], AUDITORS: [] },
			{ ACCOMPLICES: [], AUDITORS: [] },
		]);
	});
});

describe('datetimes go as YYYY-MM-DDThh:mm:ss±hh:mm: no milliseconds, no Z', () => {
	it('task fields and list filters, in a workflow running in UTC', async () => {
		const create = await runB24(
			baseUrl(),
			{ resource: 'task', operation: 'create', title: 'Call', responsibleId: '2', additionalFields: { deadline: '2026-03-01T15:30:00.250Z' } },
			{ timezone: 'UTC' },
		);
		const list = await runB24(
			baseUrl(),
			{ resource: 'task', operation: 'getAll', limit: 5, filters: { changedAfter: '2026-03-01T15:30:00.999Z', deadlineBefore: 1772379000123 } },
			{ timezone: 'UTC' },
		);

		expect([create.error, list.error]).toEqual([undefined, undefined]);
		expect((bodyOf(0).fields as IDataObject).DEADLINE).toBe('2026-03-01T15:30:00+00:00');
		expect(bodyOf(1).filter).toMatchObject({ '>=CHANGED_DATE': '2026-03-01T15:30:00+00:00', '<=DEADLINE': '2026-03-01T15:30:00+00:00' });
	});

	it('the trigger\'s window bounds, the first poll of a process included', async () => {
		const { poll } = pollSequence({ nodeTypes, credentialTypes, type: TRIGGER_TYPE }, () => webhookCredentials(baseUrl()), { event: 'taskUpdated' }, 'UTC');

		await poll();
		sandbox.addTask({});
		await poll();

		const bounds = sandbox.requests
			.filter((request) => request.path === hook('tasks.task.list'))
			.flatMap((request) => {
				const filter = (request.body as { filter: IDataObject }).filter;
				return [filter['>=CHANGED_DATE'], filter['<=CHANGED_DATE']].filter((bound) => bound !== undefined);
			});
		expect(bounds.length).toBeGreaterThanOrEqual(2);
		for (const bound of bounds) expect(bound).toMatch(DOCUMENTED_DATETIME);
	});
});

describe('member filter, built from documented filters (MEMBER is not in the tasks.task.list filter list)', () => {
	function seedMembers(): void {
		sandbox.addTask({ id: '1', createdBy: '3' });
		sandbox.addTask({ id: '2', responsibleId: '3' });
		sandbox.addTask({ id: '3', accomplices: ['3'] });
		sandbox.addTask({ id: '4', auditors: ['3'] });
		sandbox.addTask({ id: '5' });
		sandbox.addTask({ id: '6', createdBy: '3', auditors: ['3'], responsibleId: '3' });
		sandbox.addTask({ id: '7', auditors: ['2'] });
	}

	it.each(['error', 'ignore'] as const)('undocumented keys %s: every role of the user, each task once, sorted, limited', async (reading) => {
		sandbox.unknownFilterField = reading;
		seedMembers();

		const all = await runB24(baseUrl(), { resource: 'task', operation: 'getAll', returnAll: true, filters: { member: '3', statuses: ['2'] } });
		const newestTwo = await runB24(baseUrl(), { resource: 'task', operation: 'getAll', limit: 2, filters: { member: '3' }, options: { sortDirection: 'desc' } });
		sandbox.unknownFilterField = 'error';

		expect([all.error, newestTwo.error]).toEqual([undefined, undefined]);
		expect(jsonOf(all).map((task) => task.id)).toEqual(['1', '2', '3', '4', '6']);
		expect(jsonOf(newestTwo).map((task) => task.id)).toEqual(['6', '4']);
		const keys = sandbox.requests.flatMap((request) => {
			const body = request.body as { filter?: IDataObject; cmd?: Record<string, string> };
			return [...Object.keys(body.filter ?? {}), ...Object.values(body.cmd ?? {})];
		});
		expect(keys.join(' ')).not.toMatch(/MEMBER/);
	});
	// The merge sorted with a comparator that parsed both tasks' dates: about 2 × log2(n) parses
	// a task, seconds of CPU for a long list. Each task's sort value is read once.
	it('a merge of 1,500 tasks sorted by a date reads each task\'s date a bounded number of times, and sorts them', async () => {
		const start = Date.parse('2026-01-01T00:00:00Z');
		// Creation times in no order; ids not in time order.
		for (let n = 0; n < 1500; n++) sandbox.addTask({ id: String(n + 1), createdBy: '3', createdDate: sandbox.portalDate(start + ((n * 7919) % 1500) * 60_000) });
		const parse = jest.spyOn(DateTime, 'fromISO');
		let withMerge: RunWorkflowResult;
		let parsedWithMerge: number;
		try {
			withMerge = await runB24(baseUrl(), { resource: 'task', operation: 'getAll', returnAll: true, filters: { member: '3' }, options: { sortBy: 'CREATED_DATE', sortDirection: 'desc' }, simplify: false });
			parsedWithMerge = parse.mock.calls.length;
			parse.mockClear();
			// The same tasks and order without the merge: what reading and output parse.
			const plain = await runB24(baseUrl(), { resource: 'task', operation: 'getAll', returnAll: true, filters: { createdBy: ['3'] }, options: { sortBy: 'CREATED_DATE', sortDirection: 'desc' }, simplify: false });
			expect(plain.error).toBeUndefined();
			expect(jsonOf(withMerge).map((task) => task.id)).toEqual(jsonOf(plain).map((task) => task.id));
			// The merge adds one parse a task (its sort value), not one per comparison.
			expect(parsedWithMerge - parse.mock.calls.length).toBeLessThanOrEqual(1500);
		} finally {
			parse.mockRestore();
		}
		expect(withMerge.error).toBeUndefined();
		const times = jsonOf(withMerge).map((task) => Date.parse(String(task.createdDate)));
		expect(times).toHaveLength(1500);
		expect(times).toEqual([...times].sort((a, b) => b - a));
	});
});

describe('redirects of a renamed portal: only to a Bitrix24 portal domain or the same registrable domain', () => {
	const CREATE = { resource: 'task', operation: 'create', title: 'Call', responsibleId: '2' };
	const creds = (origin: string) => ({ credentials: webhookCredentials('', { webhookSecretUrl: `${origin}/rest/7/${SECRET}/` }) });
	const created = { result: { task: { id: '9', title: 'Call' } } };

	it.each([
		['a cloud portal renamed within Bitrix24', 'https://acme.bitrix24.com', 'https://acme-group.bitrix24.com'],
		['a cloud portal moving to another Bitrix24 zone', 'https://acme.bitrix24.ru', 'https://acme.bitrix24.com.br'],
		['a self-hosted portal moving within its own domain', 'https://crm.company.example', 'https://tasks.company.example'],
	])('%s: followed, the same POST and body sent to the new address', async (_name, from, to) => {
		const old = nock(from).post(`/rest/7/${SECRET}/tasks.task.add`).reply(302, '', { Location: `${to}/rest/7/${SECRET}/tasks.task.add` });
		const moved = nock(to).post(`/rest/7/${SECRET}/tasks.task.add`, { fields: { TITLE: 'Call', RESPONSIBLE_ID: 2 } }).reply(200, created);

		const result = await runB24('', CREATE, creds(from));

		expect(result.error).toBeUndefined();
		expect(old.isDone() && moved.isDone()).toBe(true);
		expect(result.items[0].json).toMatchObject({ id: '9' });
	});

	it.each([
		['another host', 'https://acme.bitrix24.com', 'https://evil.example'],
		['a look-alike under another domain', 'https://crm.company.example', 'https://company.example.attacker.net'],
		['a host that only ends like a Bitrix24 domain', 'https://acme.bitrix24.com', 'https://acme.bitrix24.com.attacker.net'],
	])('to %s: refused with a clear error, nothing sent there, the secret stays home', async (_name, from, to) => {
		const scope = nock(from).post(`/rest/7/${SECRET}/tasks.task.add`).reply(302, '', { Location: `${to}/rest/7/${SECRET}/tasks.task.add` });
		const elsewhere = nock(to).post(/.*/).reply(200, created);
		const log = recordRequests(scope, elsewhere);

		const result = await runB24('', CREATE, creds(from));

		log.stop();
		expect(log.requests.map((request) => request.url.split('/rest/')[0])).toEqual([from]);
		expect(elsewhere.isDone()).toBe(false);
		expect(result.error).toMatchObject({ name: 'NodeOperationError' });
		expect(result.error!.message).toBe(`Bitrix24: the portal redirected the request to ${new URL(to).host}, which is neither a Bitrix24 portal nor on the portal's own domain: not followed`);
		expect(stored(result)).not.toContain(SECRET);
		nock.cleanAll();
	});
});
