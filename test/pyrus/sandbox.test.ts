/**
 * The Pyrus node end to end against the loopback sandbox (real HTTP): a token that expires in
 * the middle of a run, the cloud's api_url, the sandbox's rate limit, and a task's life cycle.
 */
import type { IDataObject } from 'n8n-workflow';

import { REQUESTS_BEFORE_REAUTHENTICATION, type CredentialDataMap } from '../harness';
import { PyrusSandbox, seedDemo } from '../sandbox/pyrus';
import { byId, runPyrus, usePyrusEnvironment } from './fixtures';

usePyrusEnvironment({ allowLocalhost: true });

let sandbox: PyrusSandbox;
let baseUrl: string;

function sandboxCredentials(): CredentialDataMap {
	return { pyrusApi: { login: 'bot@sandbox', secretKey: 'sandbox-security-key', serverUrl: `${baseUrl}/api/v4` } };
}

beforeEach(async () => {
	sandbox = new PyrusSandbox({ timeScale: 1000 });
	baseUrl = await sandbox.start();
	seedDemo(sandbox, { tasks: 6 });
});

afterEach(async () => await sandbox.stop());

const paths = () => sandbox.requests.map((r) => `${r.method} ${r.path} ${r.status ?? ''}`.trim());

describe('Pyrus node against the sandbox', () => {
	it('a token expiring in the middle of a run is renewed once and the run goes on', async () => {
		const credentials = sandboxCredentials();
		// The first token serves one request, then expires.
		sandbox.expireAfterRequests = 1;

		const result = await runPyrus(
			{ resource: 'task', operation: 'get', taskId: byId('={{ $json.id }}') },
			{ input: [{ id: 1001 }, { id: 1002 }, { id: 1003 }], credentials },
		);

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.id, item.pairedItem])).toEqual([
			[1001, { item: 0 }],
			[1002, { item: 1 }],
			[1003, { item: 2 }],
		]);
		expect(paths()).toEqual([
			'POST /api/v4/auth 200',
			'GET /api/v4/tasks/1001 200',
			...Array(REQUESTS_BEFORE_REAUTHENTICATION).fill('GET /api/v4/tasks/1002 401'),
			'POST /api/v4/auth 200',
			'GET /api/v4/tasks/1002 200',
			'GET /api/v4/tasks/1003 200',
		]);
		expect(result.preAuthenticationCalls.map((call) => call.forced)).toEqual([false, true]);
	});

	it('follows the api_url the sandbox announces, as in the cloud', async () => {
		sandbox.announceApiUrl = true;
		const credentials = sandboxCredentials();

		const result = await runPyrus({ resource: 'list', operation: 'getAll' }, { credentials });

		expect(result.error).toBeUndefined();
		expect(paths()).toEqual(['POST /api/v4/auth 200', 'GET /v4/lists 200']);
		expect(credentials.pyrusApi.apiUrl).toBe(`${baseUrl}/v4/`);
		expect(result.items.map((item) => item.json.name)).toEqual(['Projects', 'Website', 'Personal']);
	});

	it('waits out a short 429 (X-RateLimit-Reset: 2) and gets the item', async () => {
		sandbox.faults.enqueue({
			status: 429,
			body: { error: 'Too many requests', error_code: 'too_many_requests' },
			headers: { 'X-RateLimit-Reset': '2' },
			match: { path: '/api/v4/tasks/1002' },
		});

		const result = await runPyrus({ resource: 'task', operation: 'get', taskId: byId('1002') }, { credentials: sandboxCredentials() });

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.id)).toEqual([1002]);
		expect(paths()).toEqual(['POST /api/v4/auth 200', 'GET /api/v4/tasks/1002 429', 'GET /api/v4/tasks/1002 200']);
	});

	it('an exhausted 10-minute budget fails the item at once, saying how long Pyrus asks to wait', async () => {
		await sandbox.stop();
		// Time scale 10: the 10-minute window lasts 60 s here, far longer than the run even on a
		// loaded machine (at 1000 it lasted 600 ms, and a slow run saw the window free again).
		sandbox = new PyrusSandbox({ timeScale: 10, rateLimit: 2 });
		baseUrl = await sandbox.start();
		seedDemo(sandbox, { tasks: 4 });

		const result = await runPyrus(
			{ resource: 'task', operation: 'get', taskId: byId('={{ $json.id }}') },
			{ input: [{ id: 1001 }, { id: 1002 }, { id: 1003 }], credentials: sandboxCredentials() },
		);

		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '429', context: { itemIndex: 2 } });
		expect(String(result.error?.description)).toMatch(/Pyrus asks to wait \d+ s before the next request/);
		expect(sandbox.stats.limitRejections).toBe(1);
	});

	it('creates, updates, completes, lists and deletes a form task', async () => {
		const credentials = sandboxCredentials();
		const created = await runPyrus(
			{ resource: 'task', operation: 'create', taskKind: 'form', formId: '321', fields: { field: [{ field: 'Purpose', value: 'Chairs' }] } },
			{ credentials },
		);
		expect(created.error).toBeUndefined();
		const id = String(created.items[0].json.id);

		const updated = await runPyrus(
			{ resource: 'task', operation: 'update', taskId: byId(id), updateFields: { text: 'More' }, fieldUpdates: { field: [{ field: 'Amount', value: '250' }] } },
			{ credentials },
		);
		expect(updated.error).toBeUndefined();
		const fields = Object.fromEntries(((updated.items[0].json.fields as IDataObject[]) ?? []).map((f) => [f.name, f.value]));
		expect(fields).toEqual({ Purpose: 'Chairs', Amount: 250 });

		const completed = await runPyrus({ resource: 'task', operation: 'complete', taskId: byId(id), simplify: true }, { credentials });
		expect(completed.items[0].json).toMatchObject({ id, status: 'completed', typeId: '321', url: `${new URL(baseUrl).origin}/t#id${id}` });

		const listed = await runPyrus(
			{ resource: 'task', operation: 'getAll', source: 'form', formId: '321', returnAll: true, fieldFilters: { field: [{ field: 'Amount', value: '250' }] } },
			{ credentials },
		);
		expect(listed.items.map((item) => String(item.json.id))).toEqual([id]);

		const deleted = await runPyrus({ resource: 'task', operation: 'delete', taskId: byId(id) }, { credentials });
		expect(deleted.items).toEqual([{ json: { deleted: true }, pairedItem: { item: 0 } }]);
		expect(sandbox.tasks.has(Number(id))).toBe(false);
	});
});
