/**
 * nock 14 helpers. n8n-core sends requests through axios over node's http(s), which nock
 * intercepts; a request from n8n carries `user-agent: n8n`.
 *
 * nock 14 patches node's shared http module, and jest runs several test files in one
 * worker, so each file activates nock before its tests and restores it after them
 * (`setupNock()`), and never lets a request reach the network.
 */
import nock from 'nock';

export interface SetupNockOptions {
	/** Let requests to 127.0.0.1 / localhost through (for tests that start a local server). */
	allowLocalhost?: boolean;
}

/** Call at the top of a test file (or a `describe`). */
export function setupNock(options: SetupNockOptions = {}): void {
	beforeAll(() => {
		if (!nock.isActive()) nock.activate();
		nock.disableNetConnect();
		if (options.allowLocalhost) nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
	});
	// Interceptors a failing test left behind must not answer the next test's requests.
	afterEach(() => nock.cleanAll());
	afterAll(() => {
		nock.cleanAll();
		nock.emitter.removeAllListeners('no match');
		nock.enableNetConnect();
		nock.restore();
	});
}

/** One request that a nock interceptor answered. */
export interface RecordedRequest {
	method: string;
	/** Full URL, e.g. `https://api.example.test/things?a=1`. */
	url: string;
	/** Path without the query, e.g. `/things`. */
	path: string;
	/** Query parameters; a repeated key gives an array. */
	query: Record<string, string | string[]>;
	/** Lower-cased header names (`authorization`, `user-agent`, `content-type`...). */
	headers: Record<string, string>;
	/** JSON or form body parsed to an object; other bodies as text; `undefined` when empty. */
	body: unknown;
	rawBody: string;
}

export interface RequestLog {
	/** Requests the given scopes answered, in order. */
	requests: RecordedRequest[];
	/** Requests no interceptor matched (`METHOD url`): with net connect disabled they failed. */
	unmatched: string[];
	/** Stops recording. */
	stop(): void;
}

function parseQuery(search: URLSearchParams): Record<string, string | string[]> {
	const query: Record<string, string | string[]> = {};
	for (const [key, value] of search) {
		const existing = query[key];
		if (existing === undefined) query[key] = value;
		else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
	}
	return query;
}

function parseBody(raw: string, contentType: string): unknown {
	if (raw === '') return undefined;
	if (contentType.includes('application/x-www-form-urlencoded')) {
		return parseQuery(new URLSearchParams(raw));
	}
	try {
		return JSON.parse(raw) as unknown;
	} catch {
		return raw;
	}
}

function headerValues(headers: Record<string, unknown>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers ?? {})) {
		out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return out;
}

/**
 * Records every request the given scopes answer (attach before the run):
 *
 *     const scope = nock('https://api.example.test').get('/things').query(true).reply(200, {});
 *     const log = recordRequests(scope);
 *     await runWorkflow(...);
 *     expect(log.requests[0]).toMatchObject({ method: 'GET', path: '/things', query: { a: '1' } });
 */
export function recordRequests(...scopes: nock.Scope[]): RequestLog {
	const requests: RecordedRequest[] = [];
	const unmatched: string[] = [];

	const onRequest = (
		req: { method: string; path: string; headers: Record<string, unknown> },
		interceptor: { basePath: string },
		body: string,
	) => {
		const url = new URL(req.path, interceptor.basePath);
		const headers = headerValues(req.headers);
		// Drop the default port nock's basePath carries (`https://host:443`).
		const origin = `${url.protocol}//${url.host}`;
		requests.push({
			method: req.method.toUpperCase(),
			url: `${origin}${url.pathname}${url.search}`,
			path: url.pathname,
			query: parseQuery(url.searchParams),
			headers,
			body: parseBody(body ?? '', headers['content-type'] ?? ''),
			rawBody: body ?? '',
		});
	};
	const onNoMatch = (req: { method?: string; href?: string; host?: string; path?: string; proto?: string }) => {
		const where = req.href ?? `${req.proto ?? 'http'}://${req.host ?? '?'}${req.path ?? ''}`;
		unmatched.push(`${(req.method ?? 'GET').toUpperCase()} ${where}`);
	};

	for (const scope of scopes) scope.on('request', onRequest);
	nock.emitter.on('no match', onNoMatch);
	return {
		requests,
		unmatched,
		stop() {
			for (const scope of scopes) scope.removeListener('request', onRequest);
			nock.emitter.removeListener('no match', onNoMatch);
		},
	};
}
