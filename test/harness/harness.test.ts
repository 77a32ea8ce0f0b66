/**
 * Proves the harness: test-only node, trigger and credential types run through n8n-core,
 * with every request checked through nock.
 */
import nock from 'nock';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes } from 'n8n-workflow';

import { itWhereEngineHas, itWhereEngineLacks, recordRequests, runPoll, runWorkflow, setupNock } from './index';

const API = 'https://api.example.test';
const AUTH = 'https://auth.example.test';

// ---------------------------------------------------------------- credential types

/** Generic declarative auth, resolved by n8n's expression engine. */
class HarnessTestApi implements ICredentialType {
	name = 'harnessTestApi';
	displayName = 'Harness Test API';
	properties = [
		{ displayName: 'Token', name: 'token', type: 'string' as const, default: '' },
		{ displayName: 'Region', name: 'region', type: 'string' as const, default: 'eu' },
	];
	authenticate = {
		type: 'generic' as const,
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.token}}' },
			qs: { region: '={{$credentials.region}}' },
		},
	};
}

/** A session token fetched by preAuthentication into a hidden `expirable` field. */
class HarnessSessionApi implements ICredentialType {
	name = 'harnessSessionApi';
	displayName = 'Harness Session API';
	properties = [
		{ displayName: 'Login', name: 'login', type: 'string' as const, default: '' },
		{ displayName: 'Secret', name: 'secret', type: 'string' as const, default: '' },
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden' as const,
			typeOptions: { expirable: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const { token } = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${AUTH}/session`,
			body: { login: credentials.login, secret: credentials.secret },
			json: true,
		})) as { token: string };
		return { sessionToken: token };
	}

	// Function form of authenticate.
	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: import('n8n-workflow').IHttpRequestOptions,
	) => {
		requestOptions.headers = { ...requestOptions.headers, 'X-Session': credentials.sessionToken as string };
		return requestOptions;
	};
}

/** An OAuth2 type as the package's own: `extends: ['oAuth2Api']`, endpoints hidden. */
class HarnessOAuth2Api implements ICredentialType {
	name = 'harnessOAuth2Api';
	displayName = 'Harness OAuth2 API';
	extends = ['oAuth2Api'];
	properties = [
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden' as const, default: 'authorizationCode' },
		{ displayName: 'Auth URL', name: 'authUrl', type: 'hidden' as const, default: `${AUTH}/authorize` },
		{ displayName: 'Token URL', name: 'accessTokenUrl', type: 'hidden' as const, default: `${AUTH}/token` },
		{ displayName: 'Scope', name: 'scope', type: 'hidden' as const, default: '' },
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden' as const, default: 'body' },
	];
}

const credentialTypes = {
	harnessTestApi: new HarnessTestApi(),
	harnessSessionApi: new HarnessSessionApi(),
	harnessOAuth2Api: new HarnessOAuth2Api(),
};

const CREDENTIAL_FOR: Record<string, string> = {
	token: 'harnessTestApi',
	session: 'harnessSessionApi',
	oAuth2: 'harnessOAuth2Api',
};

const authenticationProperty = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options' as const,
	options: [
		{ name: 'Token', value: 'token' },
		{ name: 'Session', value: 'session' },
		{ name: 'OAuth2', value: 'oAuth2' },
	],
	default: 'token',
};

const credentialsDescription = Object.entries(CREDENTIAL_FOR).map(([auth, name]) => ({
	name,
	required: true,
	displayOptions: { show: { authentication: [auth] } },
}));

// ---------------------------------------------------------------- node types

/** GET /things once per item, through the node's credential. */
class HarnessThings implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Things',
		name: 'harnessThings',
		group: ['transform'],
		version: 1,
		description: 'Test node',
		defaults: { name: 'Harness Things' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialsDescription,
		properties: [authenticationProperty],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentialType = CREDENTIAL_FOR[this.getNodeParameter('authentication', 0) as string];
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			try {
				const response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
					method: 'GET',
					url: `${API}/things`,
					qs: { a: 1, id: items[i].json.id as string },
				})) as IDataObject;
				out.push({ json: { ...response, tz: this.getTimezone() }, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [out];
	}
}

/** A polling trigger with a cursor in node static data; first activation emits no backlog. */
class HarnessThingsTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Things Trigger',
		name: 'harnessThingsTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Test trigger',
		defaults: { name: 'Harness Things Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialsDescription,
		properties: [authenticationProperty],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const state = this.getWorkflowStaticData('node');
		const credentialType = CREDENTIAL_FOR[this.getNodeParameter('authentication') as string];
		const manual = this.getMode() === 'manual';
		const { things } = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
			method: 'GET',
			url: `${API}/things`,
			qs: manual ? { limit: 1 } : { since: (state.cursor as number | undefined) ?? 0 },
		})) as { things: Array<{ id: number }> };

		if (manual) return things.length ? [this.helpers.returnJsonArray(things)] : null;
		const first = state.cursor === undefined;
		if (things.length) state.cursor = Math.max(...things.map((t) => t.id));
		else state.cursor ??= 0;
		if (first || !things.length) return null;
		return [
			this.helpers.returnJsonArray(things.map((t) => ({ ...t, tz: this.getTimezone() }))),
		];
	}
}

const nodeTypes = {
	'n8n-nodes-crm-tasks.harnessThings': new HarnessThings(),
	'n8n-nodes-crm-tasks.harnessThingsTrigger': new HarnessThingsTrigger(),
};
const THINGS = 'n8n-nodes-crm-tasks.harnessThings';
const TRIGGER = 'n8n-nodes-crm-tasks.harnessThingsTrigger';

setupNock();

// ---------------------------------------------------------------- runWorkflow

describe('runWorkflow', () => {
	it('sends each item through generic credential auth and pairs outputs with inputs', async () => {
		const scope = nock(API)
			.get('/things')
			.query(true)
			.times(2)
			.reply(200, function () {
				return { got: new URL(this.req.path, API).searchParams.get('id') };
			});
		const log = recordRequests(scope);

		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: { harnessTestApi: { token: 'tok-1' } },
			node: { type: THINGS, parameters: { authentication: 'token' } },
			input: [{ id: 'x' }, { id: 'y' }],
			timezone: 'Europe/Moscow',
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.items).toEqual([
			{ json: { got: 'x', tz: 'Europe/Moscow' }, pairedItem: { item: 0 } },
			{ json: { got: 'y', tz: 'Europe/Moscow' }, pairedItem: { item: 1 } },
		]);
		expect(log.requests).toHaveLength(2);
		expect(log.requests[0]).toMatchObject({
			method: 'GET',
			url: `${API}/things?a=1&id=x&region=eu`,
			path: '/things',
			// The credential's default `region` was filled in and added by generic auth.
			query: { a: '1', id: 'x', region: 'eu' },
			headers: { authorization: 'Bearer tok-1', 'user-agent': 'n8n' },
			body: undefined,
		});
		expect(scope.isDone()).toBe(true);
	});

	it('with continueOnFail, turns a failing item into { error } and goes on', async () => {
		nock(API).get('/things').query({ a: 1, id: 'ok1', region: 'eu' }).reply(200, { n: 1 });
		nock(API).get('/things').query({ a: 1, id: 'bad', region: 'eu' }).reply(500, { message: 'down' });
		nock(API).get('/things').query({ a: 1, id: 'ok2', region: 'eu' }).reply(200, { n: 3 });

		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: { harnessTestApi: { token: 't' } },
			node: { type: THINGS, parameters: { authentication: 'token' } },
			input: [{ id: 'ok1' }, { id: 'bad' }, { id: 'ok2' }],
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[0].json.n).toBe(1);
		expect(result.items[1].json.error).toEqual(expect.any(String));
		expect(result.items[2].json.n).toBe(3);
	});

	it('without continueOnFail, reports the NodeApiError in run data', async () => {
		nock(API).get('/things').query(true).reply(500, { message: 'down' });

		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: { harnessTestApi: { token: 't' } },
			node: { type: THINGS, parameters: { authentication: 'token' } },
			input: [{ id: 'a' }],
		});

		expect(result.status).toBe('error');
		expect(result.items).toEqual([]);
		// n8n-core stores node errors in run data as plain objects (no prototype): assert on
		// name / message / description / httpCode, never with toBeInstanceOf.
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '500',
			message: 'The service was not able to process your request',
			description: 'down',
			node: expect.objectContaining({ name: 'Node' }),
		});
		expect(result.executionError).toMatchObject({ name: 'NodeApiError', httpCode: '500' });
	});

	it('runs preAuthentication once when the expirable field is empty and reuses its result', async () => {
		const auth = nock(AUTH).post('/session', { login: 'me', secret: 's3cret' }).reply(200, { token: 'sess-1' });
		const api = nock(API).get('/things').query(true).times(2).reply(200, {});
		const log = recordRequests(auth, api);
		const credentials = { harnessSessionApi: { login: 'me', secret: 's3cret' } };

		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials,
			node: { type: THINGS, parameters: { authentication: 'session' } },
			input: [{ id: '1' }, { id: '2' }],
		});

		expect(result.error).toBeUndefined();
		expect(result.preAuthenticationCalls).toEqual([
			{ type: 'harnessSessionApi', forced: false, node: 'Node' },
		]);
		expect(log.requests.map((r) => [r.method, r.path, r.headers['x-session']])).toEqual([
			['POST', '/session', undefined],
			['GET', '/things', 'sess-1'],
			['GET', '/things', 'sess-1'],
		]);
		expect(log.requests[0].body).toEqual({ login: 'me', secret: 's3cret' });
		// Stored back as n8n stores it in the database.
		expect(credentials.harnessSessionApi).toMatchObject({ sessionToken: 'sess-1' });
		expect(result.credentialUpdates).toHaveLength(1);
	});

	it('on a 401, forces preAuthentication and retries once', async () => {
		const auth = nock(AUTH).post('/session').reply(200, { token: 'sess-new' });
		const api = nock(API)
			.get('/things')
			.query(true)
			.reply(401, { message: 'expired' })
			.get('/things')
			.query(true)
			.reply(200, { ok: true });
		const log = recordRequests(auth, api);

		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: { harnessSessionApi: { login: 'me', secret: 'x', sessionToken: 'sess-old' } },
			node: { type: THINGS, parameters: { authentication: 'session' } },
			input: [{ id: '1' }],
		});

		expect(result.error).toBeUndefined();
		expect(result.items[0].json.ok).toBe(true);
		expect(result.preAuthenticationCalls).toEqual([
			{ type: 'harnessSessionApi', forced: true, node: 'Node' },
		]);
		expect(log.requests.map((r) => `${r.method} ${r.path} ${r.headers['x-session'] ?? ''}`)).toEqual([
			'GET /things sess-old',
			'POST /session ',
			'GET /things sess-new',
		]);
		expect(result.credentials.harnessSessionApi.sessionToken).toBe('sess-new');
	});

	it('retries a 401 only once', async () => {
		nock(AUTH).post('/session').reply(200, { token: 'sess-new' });
		const api = nock(API).get('/things').query(true).times(2).reply(401, { message: 'nope' });
		const log = recordRequests(api);

		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: { harnessSessionApi: { login: 'me', secret: 'x', sessionToken: 'sess-old' } },
			node: { type: THINGS, parameters: { authentication: 'session' } },
		});

		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '401' });
		expect(log.requests).toHaveLength(2);
		expect(result.preAuthenticationCalls.map((c) => c.forced)).toEqual([true]);
	});

	it('lists requests that no interceptor matched', async () => {
		const log = recordRequests();

		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: { harnessTestApi: { token: 't' } },
			node: { type: THINGS, parameters: { authentication: 'token' } },
		});

		log.stop();
		expect(result.error).toBeDefined();
		expect(log.unmatched).toEqual([expect.stringContaining('api.example.test')]);
	});

	it('signs OAuth2 requests and stores a refreshed token after a 401', async () => {
		const api = nock(API)
			.get('/things')
			.query(true)
			.reply(401, {})
			.get('/things')
			.query(true)
			.reply(200, { ok: 1 });
		const auth = nock(AUTH)
			.post('/token')
			.reply(200, { access_token: 'at-2', refresh_token: 'rt-2', token_type: 'Bearer', expires_in: 3600 });
		const log = recordRequests(api, auth);

		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: {
				harnessOAuth2Api: {
					clientId: 'cid',
					clientSecret: 'csecret',
					oauthTokenData: { access_token: 'at-1', refresh_token: 'rt-1', token_type: 'Bearer' },
				},
			},
			node: { type: THINGS, parameters: { authentication: 'oAuth2' } },
		});

		expect(result.error).toBeUndefined();
		expect(log.requests.map((r) => `${r.method} ${r.path} ${r.headers.authorization ?? ''}`)).toEqual([
			'GET /things Bearer at-1',
			'POST /token ',
			'GET /things Bearer at-2',
		]);
		expect(log.requests[1].body).toMatchObject({
			grant_type: 'refresh_token',
			refresh_token: 'rt-1',
			client_id: 'cid',
			client_secret: 'csecret',
		});
		expect(result.credentialUpdates).toEqual([
			expect.objectContaining({ type: 'harnessOAuth2Api', kind: 'oauthTokenData' }),
		]);
		expect(result.credentials.harnessOAuth2Api.oauthTokenData).toMatchObject({
			access_token: 'at-2',
			refresh_token: 'rt-2',
		});
	});

	it('runs a workflow given as nodes and connections', async () => {
		nock(API).get('/things').query(true).reply(200, { ok: 1 });

		const result = await runWorkflow({
			nodeTypes,
			credentialTypes,
			credentials: { harnessTestApi: { token: 't' } },
			workflow: {
				nodes: [
					{
						id: '1',
						name: 'Start',
						type: 'n8n-nodes-base.manualTrigger',
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
					},
					{
						id: '2',
						name: 'Things',
						type: THINGS,
						typeVersion: 1,
						position: [200, 0],
						parameters: { authentication: 'token' },
						credentials: { harnessTestApi: { id: '1', name: 'Test' } },
					},
				],
				connections: { Start: { main: [[{ node: 'Things', type: 'main', index: 0 }]] } },
			},
		});

		expect(result.items).toEqual([{ json: { ok: 1, tz: 'UTC' }, pairedItem: { item: 0 } }]);
	});
});

// ---------------------------------------------------------------- runPoll

describe('runPoll', () => {
	const base = {
		nodeTypes,
		credentialTypes,
		credentials: { harnessTestApi: { token: 'poll-token' } },
		node: { type: TRIGGER, parameters: { authentication: 'token' } },
	};

	it('chains static data across trigger-mode polls', async () => {
		const scope = nock(API)
			.get('/things')
			.query({ since: 0, region: 'eu' })
			.reply(200, { things: [{ id: 5 }] })
			.get('/things')
			.query({ since: 5, region: 'eu' })
			.reply(200, { things: [{ id: 6 }, { id: 7 }] })
			.get('/things')
			.query({ since: 7, region: 'eu' })
			.reply(200, { things: [] });
		const log = recordRequests(scope);

		// First activation: cursor set, no backlog emitted.
		const first = await runPoll({ ...base });
		expect(first.items).toBeNull();
		expect(first.error).toBeUndefined();
		expect(first.staticData).toEqual({ 'node:Node': { cursor: 5 } });
		expect(first.committed).toBe(true); // a null poll commits its cursor alone

		const second = await runPoll({ ...base, staticData: first.staticData, timezone: 'Asia/Novosibirsk' });
		expect(second.items).toEqual([
			[
				{ json: { id: 6, tz: 'Asia/Novosibirsk' } },
				{ json: { id: 7, tz: 'Asia/Novosibirsk' } },
			],
		]);
		expect(second.staticData).toEqual({ 'node:Node': { cursor: 7 } });

		const third = await runPoll({ ...base, staticData: second.staticData });
		expect(third.items).toBeNull();
		expect(third.staticData).toEqual({ 'node:Node': { cursor: 7 } });
		expect(third.committed).toBe(false); // nothing changed, nothing to commit

		expect(log.requests.map((r) => r.headers.authorization)).toEqual(Array(3).fill('Bearer poll-token'));
		expect(scope.isDone()).toBe(true);
	});

	it('keeps the stored cursor when a trigger-mode poll fails', async () => {
		nock(API).get('/things').query(true).reply(503, { message: 'maintenance' });

		const result = await runPoll({ ...base, staticData: { 'node:Node': { cursor: 7 } } });

		expect(result.items).toBeNull();
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.committed).toBe(false);
		expect(result.staticData).toEqual({ 'node:Node': { cursor: 7 } });
	});

	itWhereEngineHas('stagedPollCursor')('keeps the stored cursor when the hand-off of emitted items fails', async () => {
		nock(API).get('/things').query(true).reply(200, { things: [{ id: 8 }] });

		const result = await runPoll({
			...base,
			staticData: { 'node:Node': { cursor: 7 } },
			failHandOff: true,
		});

		expect(result.items).toEqual([[{ json: { id: 8, tz: 'UTC' } }]]);
		expect(result.pollStaticData).toEqual({ 'node:Node': { cursor: 8 } });
		expect(result.staticData).toEqual({ 'node:Node': { cursor: 7 } });
	});

	itWhereEngineLacks('stagedPollCursor')(
		'n8n 1.x: the poll writes the stored static data itself; a failed hand-off keeps the new cursor',
		async () => {
			nock(API).get('/things').query(true).reply(200, { things: [{ id: 8 }] });

			const result = await runPoll({ ...base, staticData: { 'node:Node': { cursor: 7 } }, failHandOff: true });

			expect(result.items).toEqual([[{ json: { id: 8, tz: 'UTC' } }]]);
			expect(result.committed).toBe(true);
			expect(result.staticData).toEqual({ 'node:Node': { cursor: 8 } });
			// n8n 1.x has neither a staged activation poll nor a poll budget.
			await expect(runPoll({ ...base, activationPoll: 'discarded' })).rejects.toThrow(/keeps what the activation poll wrote/);
			await expect(runPoll({ ...base, pollBudgetMs: 1000 })).rejects.toThrow(/no time budget/);
		},
	);

	it('runs a manual poll that returns a sample and does not persist static data', async () => {
		const scope = nock(API).get('/things').query({ limit: 1, region: 'eu' }).reply(200, { things: [{ id: 9 }] });

		const result = await runPoll({ ...base, mode: 'manual', staticData: { 'node:Node': { cursor: 7 } } });

		expect(result.items).toEqual([[{ json: { id: 9 } }]]);
		expect(result.staticData).toEqual({ 'node:Node': { cursor: 7 } });
		expect(scope.isDone()).toBe(true);
	});

	it('throws a manual poll error to the caller', async () => {
		nock(API).get('/things').query(true).reply(500, {});

		await expect(runPoll({ ...base, mode: 'manual' })).rejects.toBeInstanceOf(NodeApiError);
	});

	it('runs preAuthentication from a poll context too', async () => {
		nock(AUTH).post('/session').reply(200, { token: 'sess-p' });
		const api = nock(API).get('/things').query(true).reply(200, { things: [] });
		const log = recordRequests(api);

		const result = await runPoll({
			...base,
			credentials: { harnessSessionApi: { login: 'me', secret: 'x' } },
			node: { type: TRIGGER, parameters: { authentication: 'session' } },
			staticData: { 'node:Node': { cursor: 1 } },
		});

		expect(result.error).toBeUndefined();
		expect(result.preAuthenticationCalls).toHaveLength(1);
		expect(log.requests[0].headers['x-session']).toBe('sess-p');
	});
});
