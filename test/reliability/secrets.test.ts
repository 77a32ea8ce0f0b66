/**
 * Secrets sweep (issue 7): every error path of every vendor and credential kind is driven
 * once, with the server echoing every credential secret in every encoding it could write
 * (raw, URL-encoded, `Bearer x`, base64 of `login:password`), and everything the run keeps is
 * scanned for them: the error's message, description, `cause` and context (own properties,
 * enumerable or not), the whole run n8n-core returned, a trigger's poll result, everything
 * n8n's logger and the console received, and what a foreign host was sent after a redirect.
 * The expected number of secrets found is 0, and each path must have produced the error (or
 * output) that proves it was driven. The last test counts the paths per vendor, so a path
 * taken out of the table fails the suite.
 *
 * Credential test failures run the credential's own `test` request the way n8n's credential
 * tester does: as a declarative node through n8n-core's RoutingNode; what is scanned is what the
 * tester answers the editor (n8n's own code handles the raw error there, not the package's).
 *
 * The sweep found one leak, fixed in nodes/shared/transport/request.ts and tested at the end of
 * this file: n8n's HTTP client sent the Authorization header on to any host a redirect named.
 */
import { Container } from '@n8n/di';
import nock from 'nock';
import { createRequire } from 'node:module';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INodeCredentialTestResult,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';
import { LoggerProxy } from 'n8n-workflow';

import * as amo from '../amocrm/fixtures';
import * as b24 from '../bitrix24/fixtures';
import * as ms from '../moysklad/fixtures';
import * as pyrus from '../pyrus/fixtures';
import { AmoCrmTrigger } from '../../nodes/AmoCrm/AmoCrmTrigger.node';
import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import { engineHas, recordRequests, REQUESTS_FOR_A_REFUSED_OAUTH2_TOKEN, REQUESTS_FOR_A_REFUSED_TOKEN, runPoll, runWorkflow, setupNock } from '../harness';
import type { CredentialDataMap, RecordedRequest } from '../harness';

setupNock();
beforeAll(() => setTimeScale(1000));
afterAll(() => setTimeScale(1));
beforeEach(() => {
	resetProcessState();
});

// ---------------------------------------------------------------------------------------------
// What is scanned
// ---------------------------------------------------------------------------------------------

/** Every string reachable from a value: own properties, enumerable or not (message, stack, cause). */
function strings(value: unknown, out: string[] = [], seen = new Set<unknown>(), depth = 0): string[] {
	if (typeof value === 'string') {
		out.push(value);
		return out;
	}
	if (value === null || typeof value !== 'object' || seen.has(value) || depth > 40) return out;
	seen.add(value);
	if (value instanceof Map) {
		for (const [key, entry] of value) strings([key, entry], out, seen, depth + 1);
		return out;
	}
	for (const key of Object.getOwnPropertyNames(value)) {
		out.push(key);
		let entry: unknown;
		try {
			entry = (value as Record<string, unknown>)[key];
		} catch {
			continue;
		}
		strings(entry, out, seen, depth + 1);
	}
	return out;
}

/** Every form a secret could be written in. */
function encodings(secret: string): string[] {
	return [...new Set([secret, encodeURIComponent(secret), `Bearer ${secret}`])];
}

/** The forms of each secret found in the text (0 expected). */
function leaks(text: string, secrets: readonly string[]): string[] {
	return secrets.flatMap(encodings).filter((form) => text.includes(form));
}

type LogMethod = (message: string, meta?: object) => void;
interface N8nLogger {
	error: LogMethod;
	warn: LogMethod;
	info: LogMethod;
	debug: LogMethod;
}
// The Logger class n8n-core resolves (its dependency, not this package's).
const { Logger } = createRequire(require.resolve('n8n-core'))('@n8n/backend-common') as { Logger: new () => N8nLogger };

/** What n8n's logger (and, should a node misbehave, the console) received during a run. */
const logged: unknown[] = [];
beforeAll(() => {
	const logger = Container.get(Logger);
	for (const level of ['error', 'warn', 'info', 'debug'] as const) {
		const original = logger[level].bind(logger);
		jest.spyOn(logger, level).mockImplementation((...args: Parameters<LogMethod>) => {
			logged.push(...args);
			original(...args);
		});
	}
	LoggerProxy.init(logger as unknown as Parameters<typeof LoggerProxy.init>[0]);
	for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
		jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
			logged.push(...args);
		});
	}
});
afterAll(() => jest.restoreAllMocks());
beforeEach(() => {
	logged.length = 0;
});

// ---------------------------------------------------------------------------------------------
// Vendors and credential kinds
// ---------------------------------------------------------------------------------------------

type Method = 'get' | 'post';

interface Endpoint {
	method: Method;
	path: string;
}

interface Variant {
	vendor: 'amoCRM' | 'MoySklad' | 'Pyrus' | 'Bitrix24';
	/** The credential kind, e.g. "long-lived token". */
	kind: string;
	host: string;
	nodeTypes: Record<string, INodeType>;
	credentialTypes: Record<string, ICredentialType>;
	nodeType: string;
	triggerType: string;
	credentials(): CredentialDataMap;
	/** Every secret the credential holds when the run starts. */
	secrets: string[];
	/** Secrets n8n fetches for it during a run (a renewed token): echoed only once issued. */
	issued?: string[];
	/** Node parameters shared by every run (the authentication choice). */
	auth: INodeParameters;
	read: Endpoint & { parameters: INodeParameters };
	write: Endpoint & { parameters: INodeParameters };
	trigger: INodeParameters;
	/** The vendor's error body carrying `text`. */
	errorBody(text: string): IDataObject;
	/** The vendor's own limit answer. */
	limit(text: string): { status: number; body: IDataObject | string; headers?: Record<string, string> };
	/** The vendor's answer for a successful read (for the Continue On Fail path). */
	readOk: IDataObject;
	/** What n8n does on a 401 before its one retry (a token request, an OAuth2 refresh). */
	onUnauthorized?(text: string): void;
	/** The credential's own `test` request, or the request of the node's test function. */
	credentialTest: Endpoint;
	/** The node's credential test function (`testedBy`), when the credential type has no `test`. */
	testedByNode?(data: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult>;
	/** A credential-specific path: a refused token request or OAuth2 refresh. */
	tokenRefused?: {
		credentials(): CredentialDataMap;
		/** The secrets that credential holds, when not the variant's. */
		secrets?: string[];
		arrange(text: string): void;
	};
}

const AMO_OAUTH = {
	access: 'amo-oauth-access-3f9d21c7e8',
	refresh: 'amo-oauth-refresh-b72e90d4a1',
	clientSecret: 'amo-client-secret-5c1e7f0a',
	renewedAccess: 'amo-oauth-access-renewed-44ab19',
	renewedRefresh: 'amo-oauth-refresh-renewed-8d02ce',
};
const B24_REMOTE = 'https://acme.bitrix24.com';
const B24_SECRET = 'x9k2m4p6q8r0t1v3';
const B24_OAUTH = {
	access: 'b24-oauth-access-6e3a90f1c2',
	refresh: 'b24-oauth-refresh-71d4b8e0aa',
	clientSecret: 'b24-client-secret-0f5c2d9e',
	renewedAccess: 'b24-oauth-access-renewed-2c71',
	renewedRefresh: 'b24-oauth-refresh-renewed-9e13',
};
const PYRUS_RENEWED = 'pyrus-renewed-token-0d6b3e9f';

const amoTypes = { ...amo.nodeTypes, 'n8n-nodes-crm-tasks.amoCrmTrigger': new AmoCrmTrigger() };
const amoProblem = (text: string) => ({ title: 'Error', type: 'https://httpstatus.es/400', status: 400, detail: text });
const amoBase = {
	vendor: 'amoCRM' as const,
	host: amo.HOST,
	nodeTypes: amoTypes,
	credentialTypes: amo.credentialTypes,
	nodeType: amo.NODE_TYPE,
	triggerType: 'n8n-nodes-crm-tasks.amoCrmTrigger',
	read: { method: 'get' as const, path: `${amo.API}/tasks/5`, parameters: { resource: 'task', operation: 'get', taskId: { __rl: true, mode: 'id', value: '5' } } },
	write: {
		method: 'post' as const,
		path: `${amo.API}/tasks`,
		parameters: { resource: 'task', operation: 'create', text: 'Call the client', completeTill: '2026-03-01T15:30:00Z' },
	},
	trigger: { event: 'taskCreated' },
	errorBody: amoProblem,
	limit: (text: string) => ({ status: 429, body: text, headers: { 'Retry-After': '1', 'Content-Type': 'text/plain' } }),
	readOk: amo.amoTask(5),
	credentialTest: { method: 'get' as const, path: `${amo.API}/account` },
};

const msBase = {
	vendor: 'MoySklad' as const,
	host: ms.HOST,
	nodeTypes: ms.nodeTypes,
	credentialTypes: ms.credentialTypes,
	nodeType: ms.NODE_TYPE,
	triggerType: ms.TRIGGER_TYPE,
	auth: {},
	read: { method: 'get' as const, path: `${ms.API}/entity/task/${ms.IDS.task}`, parameters: { resource: 'task', operation: 'get', taskId: ms.byId(ms.IDS.task) } },
	write: {
		method: 'post' as const,
		path: `${ms.API}/entity/task`,
		parameters: { resource: 'task', operation: 'create', description: 'x', assignee: ms.IDS.employee },
	},
	trigger: { event: 'taskCreated' },
	errorBody: (text: string) => ms.msError(text, 1062),
	limit: (text: string) => ({ status: 429, body: ms.msError(text, 1049), headers: { 'X-Lognex-Retry-After': '100' } }),
	readOk: ms.msTask(),
	credentialTest: { method: 'get' as const, path: `${ms.API}/context/employee` },
};

const b24Base = {
	vendor: 'Bitrix24' as const,
	host: B24_REMOTE,
	nodeTypes: b24.nodeTypes,
	credentialTypes: b24.credentialTypes,
	nodeType: b24.NODE_TYPE,
	triggerType: b24.TRIGGER_TYPE,
	trigger: { event: 'taskCreated' },
	errorBody: (text: string) => ({ error: 'ERROR_CORE', error_description: text }),
	limit: (text: string) => ({ status: 503, body: { error: 'QUERY_LIMIT_EXCEEDED', error_description: text } }),
	readOk: { result: { task: { id: '5', title: 'Call' } } },
};

/** The OAuth2 token endpoint answering a refresh: a new pair, or a refusal carrying `text`. */
function oauthRefresh(host: string, path: string, answer: { renewed: [string, string] } | { refused: string }): void {
	const scope = nock(host).post(path);
	if ('refused' in answer) scope.reply(400, { error: 'invalid_grant', error_description: answer.refused });
	else scope.reply(200, { access_token: answer.renewed[0], refresh_token: answer.renewed[1], token_type: 'Bearer', expires_in: 3600 });
}

function b24Oauth(): CredentialDataMap {
	return {
		bitrix24OAuth2Api: {
			portalUrl: B24_REMOTE,
			clientId: 'local.app.1',
			clientSecret: B24_OAUTH.clientSecret,
			accessTokenUrl: `${B24_REMOTE}/oauth/token/`,
			oauthTokenData: { access_token: B24_OAUTH.access, refresh_token: B24_OAUTH.refresh, token_type: 'Bearer' },
		},
	};
}

function amoOauth(): CredentialDataMap {
	return {
		amoCrmOAuth2Api: {
			domain: 'amocrm.ru',
			subdomain: 'acme',
			clientId: 'client-id-1',
			clientSecret: AMO_OAUTH.clientSecret,
			oauthTokenData: { access_token: AMO_OAUTH.access, refresh_token: AMO_OAUTH.refresh, token_type: 'Bearer' },
		},
	};
}

const VARIANTS: Variant[] = [
	{
		...amoBase,
		kind: 'long-lived token',
		credentials: () => amo.tokenCredentials(),
		secrets: [amo.TOKEN],
		auth: {},
	},
	{
		...amoBase,
		kind: 'OAuth2',
		credentials: amoOauth,
		secrets: [AMO_OAUTH.access, AMO_OAUTH.refresh, AMO_OAUTH.clientSecret],
		issued: [AMO_OAUTH.renewedAccess, AMO_OAUTH.renewedRefresh],
		auth: { authentication: 'oAuth2' },
		onUnauthorized: () => oauthRefresh(amo.HOST, '/oauth2/access_token', { renewed: [AMO_OAUTH.renewedAccess, AMO_OAUTH.renewedRefresh] }),
		tokenRefused: {
			credentials: amoOauth,
			arrange: (text) => {
				nock(amo.HOST).get(`${amo.API}/tasks/5`).reply(401, amoProblem(text));
				oauthRefresh(amo.HOST, '/oauth2/access_token', { refused: text });
			},
		},
	},
	{
		...msBase,
		kind: 'access token',
		credentials: () => ms.tokenCredentials(),
		secrets: [ms.TOKEN],
	},
	{
		...msBase,
		kind: 'login and password',
		credentials: () => ms.basicCredentials(),
		// The password alone, and the Basic pair as it travels.
		secrets: [ms.PASSWORD, ms.BASIC.slice('Basic '.length)],
	},
	{
		vendor: 'Pyrus',
		kind: 'login, security key and issued token',
		host: pyrus.API_HOST,
		nodeTypes: pyrus.nodeTypes,
		credentialTypes: pyrus.credentialTypes,
		nodeType: pyrus.NODE_TYPE,
		triggerType: pyrus.TRIGGER_TYPE,
		credentials: () => pyrus.pyrusCredentials(),
		secrets: [pyrus.SECRET_KEY, pyrus.TOKEN],
		issued: [PYRUS_RENEWED],
		auth: {},
		read: { method: 'get', path: `${pyrus.API}/tasks/1`, parameters: { resource: 'task', operation: 'get', taskId: pyrus.byId('1') } },
		write: { method: 'post', path: `${pyrus.API}/tasks`, parameters: { resource: 'task', operation: 'create', taskKind: 'simple', text: 'x' } },
		trigger: { event: 'taskCreated', source: 'form', formId: '321' },
		errorBody: (text) => pyrus.pyrusError('invalid_value_format', text),
		limit: (text) => ({ status: 429, body: pyrus.pyrusError('too_many_requests', text), headers: { 'X-RateLimit-Reset': '1' } }),
		readOk: { task: pyrus.simpleTask(1) },
		onUnauthorized: () => {
			nock(pyrus.AUTH_HOST).post('/api/v4/auth').reply(200, { access_token: PYRUS_RENEWED, api_url: 'https://api.pyrus.com/v4/' });
		},
		credentialTest: { method: 'get', path: `${pyrus.API}/profile` },
		tokenRefused: {
			credentials: () => pyrus.pyrusCredentials({ accessToken: '', apiUrl: '' }),
			secrets: [pyrus.SECRET_KEY],
			arrange: (text) => {
				nock(pyrus.AUTH_HOST).post('/api/v4/auth').reply(401, pyrus.pyrusError('invalid_credentials', text));
			},
		},
	},
	{
		...b24Base,
		kind: 'webhook secret',
		credentials: () => b24.webhookCredentials('', { webhookSecretUrl: `${B24_REMOTE}/rest/7/${B24_SECRET}/` }),
		secrets: [B24_SECRET],
		auth: {},
		read: { method: 'post', path: `/rest/7/${B24_SECRET}/tasks.task.get`, parameters: { resource: 'task', operation: 'get', taskId: b24.byId('5') } },
		write: { method: 'post', path: `/rest/7/${B24_SECRET}/tasks.task.add`, parameters: { resource: 'task', operation: 'create', title: 'Call', responsibleId: '2' } },
		credentialTest: { method: 'post', path: `/rest/7/${B24_SECRET}/scope` },
		testedByNode: async (data) => await b24.testCredential('bitrix24WebhookApi', data),
	},
	{
		...b24Base,
		kind: 'OAuth2',
		credentials: b24Oauth,
		secrets: [B24_OAUTH.access, B24_OAUTH.refresh, B24_OAUTH.clientSecret],
		issued: [B24_OAUTH.renewedAccess, B24_OAUTH.renewedRefresh],
		auth: { authentication: 'oAuth2' },
		read: { method: 'post', path: '/rest/tasks.task.get', parameters: { resource: 'task', operation: 'get', taskId: b24.byId('5') } },
		write: { method: 'post', path: '/rest/tasks.task.add', parameters: { resource: 'task', operation: 'create', title: 'Call', responsibleId: '2' } },
		onUnauthorized: () => oauthRefresh(B24_REMOTE, '/oauth/token/', { renewed: [B24_OAUTH.renewedAccess, B24_OAUTH.renewedRefresh] }),
		credentialTest: { method: 'post', path: '/rest/scope' },
		tokenRefused: {
			credentials: b24Oauth,
			arrange: (text) => {
				nock(B24_REMOTE).post('/rest/tasks.task.get').reply(401, { error: 'expired_token', error_description: text });
				oauthRefresh(B24_REMOTE, '/oauth/token/', { refused: text });
			},
		},
	},
];

/**
 * What a server that echoes everything would write: every secret in every encoding, and the
 * URL; `issued`: also the secrets n8n fetched during the run (after a re-authentication).
 */
function echo(variant: Variant, path = variant.read.path, issued = false): string {
	const secrets = [...variant.secrets, ...(issued ? variant.issued ?? [] : [])];
	return [...secrets.flatMap(encodings), `${variant.host}${path}`].join(' | ');
}

/** Every secret to look for: held and issued. */
const allSecrets = (variant: Variant) => [...variant.secrets, ...(variant.issued ?? [])];

/** Answers every GET and POST to a host (`times` each). */
function anyRequest(host: string, times: number, status: number, body: IDataObject): nock.Scope {
	const scope = nock(host);
	scope.get(/.*/).query(true).times(times).reply(status, body);
	scope.post(/.*/).query(true).times(times).reply(status, body);
	return scope;
}

// ---------------------------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------------------------

interface Outcome {
	/** The error the run reported, if any (a node error, a poll error, a credential test error). */
	error?: IDataObject & { name?: string; message?: string; httpCode?: string; description?: string | null };
	items: IDataObject[];
	/** Everything the run kept, for the scan. */
	kept: unknown;
	/** Requests a foreign host received (after a redirect). */
	foreign: RecordedRequest[];
	/** false: n8n's own code logs this path's raw error (the credential tester), not the package's. */
	scanLogs?: false;
}

async function runNode(variant: Variant, parameters: INodeParameters, options: { input?: IDataObject[]; continueOnFail?: boolean } = {}): Promise<Outcome> {
	const result = await runWorkflow({
		nodeTypes: variant.nodeTypes,
		credentialTypes: variant.credentialTypes,
		credentials: variant.credentials(),
		node: { type: variant.nodeType, parameters: { ...variant.auth, ...parameters } },
		input: options.input ?? [{}],
		continueOnFail: options.continueOnFail,
	});
	// The credential store (`credentials`, `credentialUpdates`) is n8n's database, not the run.
	const { credentials: _store, credentialUpdates: _writes, ...kept } = result;
	return {
		error: result.error as Outcome['error'],
		items: result.items.map((item) => item.json),
		kept,
		foreign: [],
	};
}

const reply = (variant: Variant, endpoint: Endpoint) => {
	const scope = nock(variant.host);
	return endpoint.method === 'get' ? scope.get(endpoint.path) : scope.post(endpoint.path);
};

const networkError = (text: string) => Object.assign(new Error(`socket hang up: ${text}`), { code: 'ECONNRESET' });

interface Path {
	name: string;
	/** Only for variants that have this path. */
	applies?(variant: Variant): boolean;
	drive(variant: Variant): Promise<Outcome>;
	/** What proves the path was driven. */
	check(outcome: Outcome, variant: Variant): void;
}

const apiError = (httpCode: string) => (outcome: Outcome) => {
	expect(outcome.error).toMatchObject({ name: 'NodeApiError', httpCode });
};

const PATHS: Path[] = [
	{
		name: '400 validation error',
		drive: async (v) => {
			reply(v, v.write).reply(400, v.errorBody(echo(v, v.write.path)));
			return await runNode(v, v.write.parameters);
		},
		check: apiError('400'),
	},
	{
		name: '401 invalid credential (after n8n\'s one re-authentication)',
		drive: async (v) => {
			const requests = v.kind === 'OAuth2' ? REQUESTS_FOR_A_REFUSED_OAUTH2_TOKEN : REQUESTS_FOR_A_REFUSED_TOKEN;
			reply(v, v.read).times(requests - 1).reply(401, v.errorBody(echo(v)));
			reply(v, v.read).reply(401, v.errorBody(echo(v, v.read.path, true)));
			v.onUnauthorized?.(echo(v));
			return await runNode(v, v.read.parameters);
		},
		check: apiError('401'),
	},
	{
		name: '403 forbidden',
		drive: async (v) => {
			reply(v, v.read).reply(403, v.errorBody(echo(v)));
			return await runNode(v, v.read.parameters);
		},
		check: apiError('403'),
	},
	{
		name: '404 not found',
		drive: async (v) => {
			reply(v, v.read).reply(404, v.errorBody(echo(v)));
			return await runNode(v, v.read.parameters);
		},
		check: apiError('404'),
	},
	{
		name: 'vendor limit exhausted (retries run out or the circuit opens)',
		drive: async (v) => {
			const answer = v.limit(echo(v));
			reply(v, v.read).times(5).reply(answer.status, answer.body as never, answer.headers);
			return await runNode(v, v.read.parameters);
		},
		check: (outcome, v) => expect(outcome.error).toMatchObject({ name: 'NodeApiError', httpCode: String(v.limit('').status) }),
	},
	{
		name: '5xx on a read, after the retries',
		drive: async (v) => {
			reply(v, v.read).times(5).reply(500, v.errorBody(echo(v)));
			return await runNode(v, v.read.parameters);
		},
		check: (outcome) => {
			apiError('500')(outcome);
			expect(outcome.error!.description).toContain('failed 5 times');
		},
	},
	{
		name: '5xx on a write (outcome unknown)',
		drive: async (v) => {
			reply(v, v.write).reply(500, v.errorBody(echo(v, v.write.path)));
			return await runNode(v, v.write.parameters);
		},
		check: (outcome) => {
			apiError('500')(outcome);
			expect(outcome.error!.description).toContain('not sent again');
		},
	},
	{
		name: 'dropped connection on a read, after the retries',
		drive: async (v) => {
			reply(v, v.read).times(5).replyWithError(networkError(echo(v)));
			return await runNode(v, v.read.parameters);
		},
		check: (outcome, v) => expect(outcome.error).toMatchObject({ name: 'NodeApiError', message: `${v.vendor}: the service could not be reached` }),
	},
	{
		name: 'dropped connection on a write (outcome unknown)',
		drive: async (v) => {
			reply(v, v.write).replyWithError(networkError(echo(v, v.write.path)));
			return await runNode(v, v.write.parameters);
		},
		check: (outcome, v) => expect(outcome.error).toMatchObject({ name: 'NodeApiError', message: `${v.vendor}: the outcome of this write is unknown` }),
	},
	{
		name: 'HTML error page',
		drive: async (v) => {
			reply(v, v.read).reply(400, `<html><body><h1>Bad Request</h1><pre>${echo(v)}</pre></body></html>`, { 'Content-Type': 'text/html' });
			return await runNode(v, v.read.parameters);
		},
		check: apiError('400'),
	},
	{
		name: 'malformed JSON body',
		drive: async (v) => {
			reply(v, v.read).reply(400, `{"error": "${echo(v)}", `, { 'Content-Type': 'application/json' });
			return await runNode(v, v.read.parameters);
		},
		check: apiError('400'),
	},
	{
		name: 'redirect to another host',
		drive: async (v) => {
			// Plain HTTP: Bitrix24 follows a renamed portal's redirect only over HTTPS.
			const elsewhere = v.vendor === 'Bitrix24' ? 'http://elsewhere.example' : 'https://elsewhere.example';
			reply(v, v.read).reply(302, '', { Location: `${elsewhere}/landing` });
			const foreign = anyRequest(elsewhere, 1, 404, v.errorBody(echo(v)));
			const log = recordRequests(foreign);
			const outcome = await runNode(v, v.read.parameters);
			log.stop();
			return { ...outcome, foreign: log.requests };
		},
		check: (outcome) => expect(outcome.error?.name).toMatch(/^Node(Api|Operation)Error$/),
	},
	{
		name: 'Continue On Fail: error items',
		drive: async (v) => {
			reply(v, v.read).reply(404, v.errorBody(echo(v)));
			reply(v, v.read).reply(200, v.readOk);
			return await runNode(v, v.read.parameters, { input: [{}, {}], continueOnFail: true });
		},
		check: (outcome, v) => {
			expect(outcome.error).toBeUndefined();
			expect(outcome.items).toHaveLength(2);
			expect(outcome.items[0]).toMatchObject({ error: expect.stringContaining(`${v.vendor}:`) });
			expect(outcome.items[1].error).toBeUndefined();
		},
	},
	{
		name: 'trigger poll error',
		drive: async (v) => {
			anyRequest(v.host, 50, 500, v.errorBody(echo(v)));
			const result = await runPoll({
				nodeTypes: v.nodeTypes,
				credentialTypes: v.credentialTypes,
				credentials: v.credentials(),
				node: { type: v.triggerType, parameters: { ...v.auth, ...v.trigger } },
			});
			const { credentials: _store, credentialUpdates: _writes, ...kept } = result;
			return { error: result.error as unknown as Outcome['error'], items: [], kept, foreign: [] };
		},
		check: (outcome, v) => {
			expect(outcome.error).toMatchObject({ httpCode: '500' });
			expect(outcome.error!.message).toContain(`${v.vendor}:`);
		},
	},
	{
		name: 'credential test failure',
		drive: async (v) => {
			const scope = nock(v.host);
			(v.credentialTest.method === 'get' ? scope.get(v.credentialTest.path) : scope.post(v.credentialTest.path))
				.query(true)
				// n8n 1.x resends a refused OAuth2 test once more after the refresh.
				.times(v.kind === 'OAuth2' && !engineHas('reauthenticatesIgnoringStatuses') ? 3 : 2)
				.reply(401, v.errorBody(echo(v, v.credentialTest.path)));
			v.onUnauthorized?.(echo(v));
			return await testCredential(v);
		},
		check: (outcome) => expect(outcome.kept).toEqual({ status: 'Error', message: expect.stringMatching(/401|Unauthorized|Authorization failed/) }),
	},
	{
		name: 'refused token request / OAuth2 refresh',
		applies: (v) => v.tokenRefused !== undefined,
		drive: async (v) => {
			const refused = { ...v, credentials: v.tokenRefused!.credentials, secrets: v.tokenRefused!.secrets ?? v.secrets };
			v.tokenRefused!.arrange(echo(refused));
			return await runNode(refused, v.read.parameters);
		},
		check: (outcome) => expect(outcome.error?.name).toMatch(/^Node(Api|Operation)Error$/),
	},
];

/**
 * n8n's credential tester runs a declarative `test` request through n8n-core's RoutingNode
 * with the credential applied: the same here, as a one-property declarative node.
 */
async function testCredential(v: Variant): Promise<Outcome> {
	const credentialName = Object.keys(v.credentials())[0];
	if (v.testedByNode) {
		// The CLI runs a node's test function in n8n-core's CredentialTestContext and answers with its result.
		return { error: undefined, items: [], kept: await v.testedByNode(v.credentials()[credentialName]), foreign: [] };
	}
	const type = v.credentialTypes[credentialName] as ICredentialType;
	const request = type.test && 'request' in type.test ? type.test.request : undefined;
	if (!request) throw new Error(`${credentialName} has no credential test request`);
	const tester: INodeType = {
		description: {
			displayName: 'Credential test',
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: 'Credential test' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credentialName, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request } }],
		},
	};
	const run = await runNode({ ...v, nodeType: 'test.credentialTest', nodeTypes: { 'test.credentialTest': tester }, auth: {} }, {});
	// What n8n's CredentialsTester answers the editor for a failed request: the status text or
	// code of the answer, else the error's message (cli/src/services/credentials-tester.service.ts).
	const error = run.error as (IDataObject & { cause?: { response?: { status?: number; statusText?: string }; code?: string } }) | undefined;
	const response = error?.cause?.response;
	let message = String(error?.message ?? '');
	if (response) message = response.statusText || `Received HTTP status code: ${response.status}`;
	else if (error?.cause?.code) message = error.cause.code;
	return { error: undefined, items: [], kept: { status: 'Error', message }, foreign: [], scanLogs: false };
}

// ---------------------------------------------------------------------------------------------
// The sweep
// ---------------------------------------------------------------------------------------------

const driven = new Map<string, number>();
/** Log calls seen over the sweep: the logger capture is live, so "nothing logged" means something. */
let loggedEntries = 0;

const CASES = VARIANTS.flatMap((variant) =>
	PATHS.filter((path) => path.applies?.(variant) ?? true).map((path) => [`${variant.vendor} (${variant.kind})`, path.name, variant, path] as const),
);

describe('no credential secret in anything a failed run keeps', () => {
	it.each(CASES)('%s: %s', async (_label, _name, variant, path) => {
		const outcome = await path.drive(variant);

		path.check(outcome, variant);
		const kept = strings([outcome.error, outcome.items, outcome.kept]).join('\n');
		const log = outcome.scanLogs === false ? '' : strings(logged).join('\n');
		const sentElsewhere = strings(outcome.foreign.map((request) => ({ url: request.url, headers: request.headers, body: request.rawBody }))).join('\n');
		const secrets = allSecrets(variant);
		expect({ kept: leaks(kept, secrets), logged: leaks(log, secrets), sentElsewhere: leaks(sentElsewhere, secrets) }).toEqual({
			kept: [],
			logged: [],
			sentElsewhere: [],
		});
		driven.set(variant.vendor, (driven.get(variant.vendor) ?? 0) + 1);
		loggedEntries += logged.length;
	});

	it('drove every path of every vendor (a path removed from the table fails here)', () => {
		expect(Object.fromEntries(driven)).toEqual({ amoCRM: 31, MoySklad: 30, Pyrus: 16, Bitrix24: 31 });
		expect(loggedEntries).toBeGreaterThan(108);
	});
});

// The sweep can fail: what the server echoes reaches the scanned text, so an unredacted value is found.
it('a value the server echoes that no credential holds is found by the same scan', async () => {
	const [variant] = VARIANTS;
	const stranger = 'not-a-credential-value-5d2e8a';
	reply(variant, variant.read).reply(404, variant.errorBody(`unknown value ${stranger}`));

	const outcome = await runNode(variant, variant.read.parameters);

	expect(outcome.error).toMatchObject({ name: 'NodeApiError', httpCode: '404' });
	expect(leaks(strings([outcome.error, outcome.items, outcome.kept]).join('\n'), [stranger])).toEqual([stranger]);
	// n8n-core logs the failed node's error: the log capture sees error texts.
	expect(leaks(strings(logged).join('\n'), [stranger])).toContain(stranger);
});

// The scan itself can fail: a secret in the text is found in each of its forms.
it('the scan finds a secret in each encoding', () => {
	const secret = ms.PASSWORD;
	expect(leaks(`a ${secret} b`, [secret])).toEqual([secret]);
	expect(leaks(`a ${encodeURIComponent(secret)} b`, [secret])).toEqual([encodeURIComponent(secret)]);
	expect(leaks(strings(new Error('x', { cause: { deep: [`Bearer ${secret}`] } })).join('\n'), [secret])).toEqual([secret, `Bearer ${secret}`]);
	expect(leaks(JSON.stringify({ secret } as ICredentialDataDecryptedObject), [secret])).toEqual([secret]);
});

/**
 * The root-cause fix this sweep led to: n8n's HTTP client re-adds the Authorization header on
 * every redirect, whatever the host, so the shared request helper follows redirects itself,
 * on the account's own host only.
 */
describe('redirects keep the credential on the account\'s host', () => {
	const GET_5 = { resource: 'task', operation: 'get', taskId: { __rl: true, mode: 'id', value: '5' } };

	it('a redirect to another host is refused: nothing is sent there', async () => {
		const home = amo.amo().get(`${amo.API}/tasks/5`).reply(302, '', { Location: 'https://elsewhere.example/api/v4/tasks/5' });
		const foreign = anyRequest('https://elsewhere.example', 1, 200, amo.amoTask(5));
		const log = recordRequests(home, foreign);

		const result = await amo.runAmo(GET_5);

		log.stop();
		expect(log.requests.map((request) => request.url)).toEqual([`${amo.HOST}${amo.API}/tasks/5`]);
		expect(log.unmatched).toEqual([]);
		expect(result.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '302',
			message: 'amoCRM: the server redirected the request to another host',
		});
		expect(result.error!.description).toContain('https://elsewhere.example');
	});

	it('a redirect on the same host is followed, signed, to its answer', async () => {
		const scope = amo
			.amo()
			.get(`${amo.API}/tasks/5`)
			.reply(301, '', { Location: `${amo.HOST}${amo.API}/tasks/5?moved=1` })
			.get(`${amo.API}/tasks/5`)
			.query({ moved: '1' })
			.reply(200, amo.amoTask(5));
		const log = recordRequests(scope);

		const result = await amo.runAmo(GET_5);

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests.map((request) => [request.url, request.headers.authorization])).toEqual([
			[`${amo.HOST}${amo.API}/tasks/5`, amo.BEARER],
			[`${amo.HOST}${amo.API}/tasks/5?moved=1`, amo.BEARER],
		]);
		expect(result.items).toEqual([{ json: amo.amoTask(5), pairedItem: { item: 0 } }]);
	});

	it('a write redirected with 307 on the same host keeps its method and body', async () => {
		const scope = amo
			.amo()
			.post(`${amo.API}/tasks`)
			.reply(307, '', { Location: `${amo.API}/tasks?v=2` })
			.post(`${amo.API}/tasks`)
			.query({ v: '2' })
			.reply(200, { _embedded: { tasks: [{ id: 77, request_id: '1' }] } })
			.get(`${amo.API}/tasks`)
			.query(true)
			.reply(200, amo.halList('tasks', [amo.amoTask(77)]));
		const log = recordRequests(scope);

		const result = await amo.runAmo({ resource: 'task', operation: 'create', text: 'Call the client', completeTill: '2026-03-01T15:30:00Z' });

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
			`POST ${amo.API}/tasks`,
			`POST ${amo.API}/tasks`,
			`GET ${amo.API}/tasks`,
		]);
		expect(log.requests[1].body).toEqual(log.requests[0].body);
		expect(result.items[0].json).toEqual(amo.amoTask(77));
	});
});
