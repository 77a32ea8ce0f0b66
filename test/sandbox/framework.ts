/**
 * A small vendor-neutral loopback server for emulating vendor APIs in tests.
 *
 * Built on node's `http` module only. Vendor sandboxes (amocrm.ts, ...) extend
 * `SandboxServer`, register routes and middleware, and override a few hooks to give
 * responses their vendor's look (headers, error bodies). Tests get a request log, counters,
 * a skewable clock and run-time fault injection (scripted or seeded-random) on top.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

// ---------------------------------------------------------------------------------------------
// Query strings with PHP bracket notation
// ---------------------------------------------------------------------------------------------

export type QueryValue = string | QueryValue[] | QueryObject;
export interface QueryObject {
	[key: string]: QueryValue;
}

/** Splits `filter[updated_at][from]` into `['filter', 'updated_at', 'from']` (`[]` gives ''). */
function splitBracketKey(key: string): string[] {
	const match = /^([^[\]]+)((?:\[[^\]]*\])+)$/.exec(key);
	if (!match) return [key];
	const segments = [match[1]];
	for (const part of match[2].matchAll(/\[([^\]]*)\]/g)) segments.push(part[1]);
	return segments;
}

function isQueryObject(value: QueryValue | undefined): value is QueryObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An array met by a named key becomes an object keyed by index, as PHP arrays would. */
function arrayToObject(list: QueryValue[]): QueryObject {
	const out: QueryObject = {};
	list.forEach((v, i) => (out[String(i)] = v));
	return out;
}

/**
 * Parses a query string (with or without the leading `?`) the way PHP fills `$_GET`:
 * `a[]=1&a[]=2` -> `{ a: ['1','2'] }`, `f[x][from]=1` -> `{ f: { x: { from: '1' } } }`.
 * A later plain value for the same key wins, as in PHP.
 */
export function parseQuery(search: string): QueryObject {
	const root: QueryObject = {};
	const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
	for (const [rawKey, value] of params) {
		const segments = splitBracketKey(rawKey);
		// `container` is where segments[i] gets stored.
		let container: QueryObject | QueryValue[] = root;
		for (let i = 0; i < segments.length; i++) {
			const segment = segments[i];
			const last = i === segments.length - 1;
			if (Array.isArray(container)) {
				// Inside `a[]`: every further segment belongs to a new element of `a`.
				if (segment === '') {
					const nested: QueryValue[] = [];
					container.push(nested);
					if (last) {
						nested.push(value);
						break;
					}
					container = nested;
					continue;
				}
				const element: QueryObject = {};
				container.push(element);
				container = element;
			}
			if (last) {
				container[segment] = value;
				break;
			}
			const nextSegment = segments[i + 1];
			let child: QueryValue | undefined = container[segment];
			if (nextSegment === '') {
				if (!Array.isArray(child)) child = container[segment] = [];
				if (i + 1 === segments.length - 1) {
					child.push(value);
					break;
				}
				container = child;
				i++; // the `[]` segment is the array itself
				continue;
			}
			if (Array.isArray(child)) child = container[segment] = arrayToObject(child);
			else if (!isQueryObject(child)) child = container[segment] = {};
			container = child;
		}
	}
	return root;
}

// ---------------------------------------------------------------------------------------------
// Time: scale, clock, sliding windows, seeded randomness
// ---------------------------------------------------------------------------------------------

/** Vendor windows in real ms divided by the sandbox's time scale (scale 10: 1 s -> 100 ms). */
export function scaleMs(ms: number, timeScale: number): number {
	return ms / timeScale;
}

/** The sandbox's wall clock: real time plus an adjustable skew, or a frozen instant. */
export class SandboxClock {
	/** Added to the real time; negative = the sandbox lags behind the test's clock. */
	skewMs = 0;
	private frozenAt: number | undefined;

	now(): number {
		return this.frozenAt ?? Date.now() + this.skewMs;
	}

	nowSeconds(): number {
		return Math.floor(this.now() / 1000);
	}

	/** Stops the clock at `atMs` (epoch ms) until `unfreeze()`. */
	freeze(atMs: number = this.now()): void {
		this.frozenAt = atMs;
	}

	unfreeze(): void {
		this.frozenAt = undefined;
	}

	/** Value for an HTTP `Date` header. */
	httpDate(): string {
		return new Date(this.now()).toUTCString();
	}
}

/**
 * "At most `limit` events in any window of `windowMs`", kept as a log of event times.
 * Uses a monotonic clock (not the skewable wall clock) so clock tests cannot disturb limits.
 */
export class SlidingWindow {
	private readonly times: number[] = [];

	constructor(
		readonly limit: number,
		readonly windowMs: number,
		private readonly nowFn: () => number = () => performance.now(),
	) {}

	private prune(now: number): void {
		while (this.times.length > 0 && this.times[0] <= now - this.windowMs) this.times.shift();
	}

	/** Records an event if the window has room; a refused event is not recorded. */
	tryAcquire(): boolean {
		const now = this.nowFn();
		this.prune(now);
		if (this.times.length >= this.limit) return false;
		this.times.push(now);
		return true;
	}

	/** Records an event unconditionally and returns how many are now in the window. */
	record(): number {
		const now = this.nowFn();
		this.prune(now);
		this.times.push(now);
		return this.times.length;
	}

	count(): number {
		this.prune(this.nowFn());
		return this.times.length;
	}

	/** Milliseconds until one more event would be accepted (0 if it would be now). */
	msUntilFree(): number {
		const now = this.nowFn();
		this.prune(now);
		if (this.times.length < this.limit) return 0;
		return Math.max(0, this.times[this.times.length - this.limit] + this.windowMs - now);
	}

	reset(): void {
		this.times.length = 0;
	}
}

/** mulberry32: tiny, fast, good enough for reproducible fault schedules. */
export class SeededRandom {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	/** Uniform in [0, 1). */
	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}
}

// ---------------------------------------------------------------------------------------------
// Requests, responses, routing
// ---------------------------------------------------------------------------------------------

export interface SandboxRequest {
	/** Unique per request; vendors may echo it as a request-id header. */
	readonly id: string;
	readonly method: string;
	/** Decoded path without query string, no trailing slash. */
	readonly path: string;
	readonly query: QueryObject;
	/** The raw query string without `?` (for building paging links). */
	readonly rawQuery: string;
	/** Parsed JSON; the raw text when the body is not JSON; undefined when empty. */
	readonly body: unknown;
	readonly rawBody: string;
	/** True when a non-empty body failed to parse as JSON. */
	readonly bodyError: boolean;
	readonly headers: http.IncomingHttpHeaders;
	/** Sandbox clock time (epoch ms) when the request arrived. */
	readonly at: number;
	/** Route `:params`, filled in by the router. */
	params: Record<string, string>;
}

export interface SandboxResponse {
	status: number;
	headers?: Record<string, string>;
	/** string/Buffer are sent as is; undefined sends no body; anything else is JSON-encoded. */
	body?: unknown;
}

/** Throw from a handler or middleware to answer with `response` right away. */
export class HttpError extends Error {
	constructor(readonly response: SandboxResponse) {
		super(`HTTP ${response.status}`);
	}
}

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;
/** Returns a response to stop the pipeline, or undefined to pass the request on. */
export type Middleware = (
	req: SandboxRequest,
) => SandboxResponse | undefined | Promise<SandboxResponse | undefined>;

interface Route {
	method: string;
	segments: string[];
	handler: Handler;
}

export type RouteMatch =
	| { kind: 'found'; handler: Handler; params: Record<string, string> }
	| { kind: 'wrongMethod'; allowed: string[] }
	| { kind: 'none' };

function splitPath(path: string): string[] {
	return path.split('/').filter((s) => s !== '');
}

/** Method + pattern (`/api/v4/tasks/:id`) router; the first registered match wins. */
export class Router {
	private readonly routes: Route[] = [];

	add(method: string, pattern: string, handler: Handler): void {
		this.routes.push({ method: method.toUpperCase(), segments: splitPath(pattern), handler });
	}

	match(method: string, path: string): RouteMatch {
		const parts = splitPath(path);
		const allowed: string[] = [];
		for (const route of this.routes) {
			const params = Router.matchSegments(route.segments, parts);
			if (!params) continue;
			if (route.method === method) return { kind: 'found', handler: route.handler, params };
			allowed.push(route.method);
		}
		return allowed.length > 0 ? { kind: 'wrongMethod', allowed } : { kind: 'none' };
	}

	private static matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
		if (pattern.length !== parts.length) return null;
		const params: Record<string, string> = {};
		for (let i = 0; i < pattern.length; i++) {
			if (pattern[i].startsWith(':')) params[pattern[i].slice(1)] = parts[i];
			else if (pattern[i] !== parts[i]) return null;
		}
		return params;
	}
}

// ---------------------------------------------------------------------------------------------
// Fault injection
// ---------------------------------------------------------------------------------------------

export interface FaultSettings {
	/** Every Nth request (counted since `set`) is answered as rate limited (429). */
	rateLimitEvery?: number;
	/** Probability (0..1) of a 429. */
	limitRate?: number;
	/** Probability of a server error (status `errorStatus`, default 500). */
	errorRate?: number;
	errorStatus?: number;
	/** Probability of destroying the socket without an answer. */
	dropRate?: number;
	/** Extra latency per request, uniform in [min, max] ms (not scaled). */
	latencyMs?: [number, number];
}

export interface FaultMatch {
	method?: string;
	/** Exact path, or a RegExp tested against the path. */
	path?: string | RegExp;
	/** A RegExp tested against the raw request body (e.g. one item's marker in a bulk write). */
	body?: RegExp;
}

export interface ScriptedFault {
	/** Status to answer with; default 500 unless `drop`. */
	status?: number;
	/** Body to answer with; default: the vendor's body for that status. */
	body?: unknown;
	headers?: Record<string, string>;
	/** Wait this long (ms, not scaled) before answering/dropping. */
	delayMs?: number;
	/** Destroy the socket instead of answering. */
	drop?: boolean;
	/**
	 * Run the real handler first (the write happens), then replace or drop its response:
	 * the client cannot know the outcome.
	 */
	afterHandler?: boolean;
	/** Only a request that matches consumes this fault; default: the next request. */
	match?: FaultMatch;
}

export type FaultDecision =
	| { kind: 'pass'; delayMs: number }
	| { kind: 'scripted'; fault: ScriptedFault; delayMs: number }
	| { kind: 'drop'; delayMs: number }
	| { kind: 'status'; status: number; delayMs: number };

function faultMatches(match: FaultMatch | undefined, req: SandboxRequest): boolean {
	if (!match) return true;
	if (match.method && match.method.toUpperCase() !== req.method) return false;
	if (match.body && !match.body.test(req.rawBody)) return false;
	if (match.path instanceof RegExp) return match.path.test(req.path);
	if (match.path !== undefined) return match.path === req.path;
	return true;
}

/** Run-time switchable faults: a queue of scripted answers plus seeded random ones. */
export class FaultInjector {
	private settingsValue: FaultSettings = {};
	private readonly queue: ScriptedFault[] = [];
	private random: SeededRandom;
	private counted = 0;

	constructor(seed: number) {
		this.random = new SeededRandom(seed);
	}

	/** Replaces the random-fault settings and restarts the `rateLimitEvery` count. */
	set(settings: FaultSettings): void {
		this.settingsValue = { ...settings };
		this.counted = 0;
	}

	get settings(): Readonly<FaultSettings> {
		return this.settingsValue;
	}

	/** Queues scripted answers; each is used once, by the first request it matches. */
	enqueue(...faults: ScriptedFault[]): void {
		this.queue.push(...faults);
	}

	/** Scripted faults not yet consumed. */
	get pending(): number {
		return this.queue.length;
	}

	/** Restarts the random sequence, so the same traffic sees the same faults again. */
	reseed(seed: number): void {
		this.random = new SeededRandom(seed);
	}

	/** No settings, empty queue. */
	reset(): void {
		this.set({});
		this.queue.length = 0;
	}

	/** Decides the fate of one request. Called by the server once per request, in arrival order. */
	decide(req: SandboxRequest): FaultDecision {
		const index = this.queue.findIndex((f) => faultMatches(f.match, req));
		if (index >= 0) {
			const [fault] = this.queue.splice(index, 1);
			return { kind: 'scripted', fault, delayMs: fault.delayMs ?? 0 };
		}
		const s = this.settingsValue;
		// Always draw the same number of values so one setting does not shift another's schedule.
		const [dropDraw, limitDraw, errorDraw, latencyDraw] = [
			this.random.next(),
			this.random.next(),
			this.random.next(),
			this.random.next(),
		];
		this.counted++;
		const delayMs = s.latencyMs
			? s.latencyMs[0] + Math.round(latencyDraw * (s.latencyMs[1] - s.latencyMs[0]))
			: 0;
		if (s.dropRate && dropDraw < s.dropRate) return { kind: 'drop', delayMs };
		if (s.rateLimitEvery && this.counted % s.rateLimitEvery === 0) {
			return { kind: 'status', status: 429, delayMs };
		}
		if (s.limitRate && limitDraw < s.limitRate) return { kind: 'status', status: 429, delayMs };
		if (s.errorRate && errorDraw < s.errorRate) {
			return { kind: 'status', status: s.errorStatus ?? 500, delayMs };
		}
		return { kind: 'pass', delayMs };
	}
}

// ---------------------------------------------------------------------------------------------
// Saved state: a sandbox's data as JSON, so a long-running sandbox (npm start) keeps its account
// across restarts as a real one would
// ---------------------------------------------------------------------------------------------

type Container = Map<unknown, unknown> | Set<unknown> | unknown[] | Record<string, unknown>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
	if (typeof value !== 'object' || value === null) return false;
	const proto = Object.getPrototypeOf(value) as unknown;
	return proto === Object.prototype || proto === null;
}

/**
 * JSON of plain data: primitives, arrays, plain objects, Maps and Sets (tagged `$map` / `$set`);
 * a property holding undefined is left out, as JSON does. Anything else (a Date, a class
 * instance, a function) is not data: it throws, naming where it was met.
 */
export function encodeState(value: unknown): string {
	return JSON.stringify(value, function replacer(this: unknown, key: string, encoded: unknown) {
		const raw = key === '' ? value : (this as Record<string, unknown>)[key];
		if (raw instanceof Map) return { $map: [...raw.entries()] };
		if (raw instanceof Set) return { $set: [...raw.values()] };
		if (typeof raw === 'function' || (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && !isPlainObject(raw))) {
			throw new Error(`sandbox state: "${key}" holds a ${raw.constructor?.name ?? typeof raw}, which is not plain data`);
		}
		return encoded;
	});
}

export function decodeState(text: string): unknown {
	return JSON.parse(text, (_key, value: unknown) => {
		if (!isPlainObject(value)) return value;
		if (Array.isArray(value.$map) && Object.keys(value).length === 1) return new Map(value.$map as Array<[unknown, unknown]>);
		if (Array.isArray(value.$set) && Object.keys(value).length === 1) return new Set(value.$set as unknown[]);
		return value;
	});
}

function sameKind(a: unknown, b: unknown): a is Container {
	if (a instanceof Map) return b instanceof Map;
	if (a instanceof Set) return b instanceof Set;
	if (Array.isArray(a)) return Array.isArray(b);
	return isPlainObject(a) && isPlainObject(b);
}

/** Puts `source`'s content into `target` in place (code may hold references to the target). */
function restoreInto(target: Container, source: Container): void {
	if (target instanceof Map && source instanceof Map) {
		target.clear();
		for (const [k, v] of source) target.set(k, v);
	} else if (target instanceof Set && source instanceof Set) {
		target.clear();
		for (const v of source) target.add(v);
	} else if (Array.isArray(target) && Array.isArray(source)) {
		target.splice(0, target.length, ...source);
	} else {
		const t = target as Record<string, unknown>;
		const s = source as Record<string, unknown>;
		for (const key of Object.keys(t)) if (!(key in s)) delete t[key];
		for (const [key, value] of Object.entries(s)) {
			if (sameKind(t[key], value)) restoreInto(t[key] as Container, value as Container);
			else t[key] = value;
		}
	}
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

export interface RequestLogEntry {
	id: string;
	method: string;
	path: string;
	query: QueryObject;
	body: unknown;
	headers: http.IncomingHttpHeaders;
	/** Sandbox clock time (epoch ms) of arrival. */
	at: number;
	/** Status sent, once answered; undefined while pending or when dropped. */
	status?: number;
	dropped?: boolean;
}

export interface SandboxStats {
	total: number;
	/** Every 429 sent, from the vendor's limiter or from injected faults. */
	limitRejections: number;
	dropped: number;
	byStatus: Record<number, number>;
}

export interface SandboxOptions {
	/** Rate-limit windows are divided by this (10: "7 per second" = 7 per 100 ms). Default 1. */
	timeScale?: number;
	/** Seed of the fault-injection PRNG. Default 1. */
	seed?: number;
}

function emptyStats(): SandboxStats {
	return { total: 0, limitRejections: 0, dropped: 0, byStatus: {} };
}

export class SandboxServer {
	readonly timeScale: number;
	readonly clock = new SandboxClock();
	readonly faults: FaultInjector;
	readonly stats: SandboxStats = emptyStats();
	/** Exceptions thrown by handlers (answered with 500), for debugging tests. */
	readonly errors: unknown[] = [];

	protected readonly router = new Router();
	private readonly middleware: Middleware[] = [];
	private readonly log: RequestLogEntry[] = [];
	private readonly sockets = new Set<Socket>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private server: http.Server | undefined;
	private base: string | undefined;

	constructor(options: SandboxOptions = {}) {
		this.timeScale = options.timeScale ?? 1;
		if (!(this.timeScale > 0)) throw new Error('timeScale must be positive');
		this.faults = new FaultInjector(options.seed ?? 1);
	}

	/** Listens on 127.0.0.1 on `listenPort` (default: a free one); resolves to the base URL. */
	async start(listenPort = 0): Promise<string> {
		if (this.base) return this.base;
		const server = http.createServer((req, res) => {
			// A client that vanishes mid-request must not become an unhandled rejection.
			this.handle(req, res).catch((error: unknown) => {
				this.errors.push(error);
				req.socket.destroy();
			});
		});
		server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(listenPort, '127.0.0.1', () => resolve());
		});
		this.server = server;
		const { port } = server.address() as AddressInfo;
		this.base = `http://127.0.0.1:${port}`;
		return this.base;
	}

	/** Closes the listener and every socket, keep-alive ones included, so jest can exit. */
	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		this.base = undefined;
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		const closed = new Promise<void>((resolve) => server.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		this.sockets.clear();
		await closed;
	}

	get baseUrl(): string {
		if (!this.base) throw new Error('sandbox is not started');
		return this.base;
	}

	get started(): boolean {
		return this.base !== undefined;
	}

	/** Every request received, oldest first. */
	get requests(): readonly RequestLogEntry[] {
		return this.log;
	}

	clearLog(): void {
		this.log.length = 0;
	}

	/**
	 * The sandbox's data under the named properties (the vendor's store: tasks, users, id
	 * counters...), as JSON. Limits, tokens, logs and faults are not data of the account.
	 */
	exportState(keys: readonly string[]): string {
		const self = this as unknown as Record<string, unknown>;
		const state: Record<string, unknown> = {};
		for (const key of keys) {
			if (!(key in self)) throw new Error(`sandbox state: ${this.constructor.name} has no property "${key}"`);
			state[key] = self[key];
		}
		return encodeState(state);
	}

	/** Replaces the data under the named properties with what `exportState` gave. */
	importState(text: string, keys: readonly string[]): void {
		const state = decodeState(text) as Record<string, unknown>;
		const self = this as unknown as Record<string, unknown>;
		for (const key of keys) {
			if (!(key in self)) throw new Error(`sandbox state: ${this.constructor.name} has no property "${key}"`);
			if (!(key in state)) throw new Error(`sandbox state: the saved state has no "${key}"`);
			if (sameKind(self[key], state[key])) restoreInto(self[key] as Container, state[key] as Container);
			else self[key] = state[key];
		}
	}

	resetStats(): void {
		Object.assign(this.stats, emptyStats());
	}

	route(method: string, pattern: string, handler: Handler): void {
		this.router.add(method, pattern, handler);
	}

	/**
	 * Middleware runs in registration order before routing. `first` puts it ahead of what is
	 * registered already (a test's observer ahead of a vendor middleware that answers everything).
	 */
	use(mw: Middleware, position: 'last' | 'first' = 'last'): void {
		if (position === 'first') this.middleware.unshift(mw);
		else this.middleware.push(mw);
	}

	/** A vendor window (real ms) as enforced at this sandbox's time scale. */
	scaleMs(ms: number): number {
		return scaleMs(ms, this.timeScale);
	}

	/** "At most `limit` per `windowMs`" with the window scaled by the time scale. */
	createLimiter(limit: number, windowMs: number): SlidingWindow {
		return new SlidingWindow(limit, this.scaleMs(windowMs));
	}

	// --- hooks for vendors -----------------------------------------------------------------

	/** Headers added to every answer (before the response's own headers). */
	protected extraHeaders(_req: SandboxRequest): Record<string, string> {
		return {};
	}

	protected notFound(_req: SandboxRequest): SandboxResponse {
		return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not Found' };
	}

	protected methodNotAllowed(_req: SandboxRequest, allowed: string[]): SandboxResponse {
		return {
			status: 405,
			headers: { 'Content-Type': 'text/plain', Allow: allowed.join(', ') },
			body: 'Method Not Allowed',
		};
	}

	/** The body of an injected 429/5xx when the fault does not script one. */
	protected faultResponse(status: number, _req: SandboxRequest): SandboxResponse {
		return { status, headers: { 'Content-Type': 'text/plain' }, body: http.STATUS_CODES[status] ?? '' };
	}

	protected internalError(_req: SandboxRequest, _error: unknown): SandboxResponse {
		return { status: 500, headers: { 'Content-Type': 'text/plain' }, body: 'Internal Server Error' };
	}

	// --- pipeline ----------------------------------------------------------------------------

	private sleep(ms: number): Promise<void> {
		if (ms <= 0) return Promise.resolve();
		// Timers are tracked so stop() can cancel them; a cancelled request is never answered.
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve();
			}, ms);
			this.timers.add(timer);
		});
	}

	private async readBody(req: http.IncomingMessage): Promise<string> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		return Buffer.concat(chunks).toString('utf8');
	}

	private async handle(raw: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const rawBody = await this.readBody(raw);
		const url = new URL(raw.url ?? '/', 'http://sandbox.invalid');
		let body: unknown;
		let bodyError = false;
		if (rawBody.trim() !== '') {
			try {
				body = JSON.parse(rawBody) as unknown;
			} catch {
				body = rawBody;
				bodyError = true;
			}
		}
		let path = url.pathname;
		try {
			path = decodeURIComponent(path);
		} catch {
			// Malformed escapes stay as sent; the router will answer 404.
		}
		if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
		const req: SandboxRequest = {
			id: randomBytes(8).toString('hex'),
			method: (raw.method ?? 'GET').toUpperCase(),
			path,
			query: parseQuery(url.search),
			rawQuery: url.search.replace(/^\?/, ''),
			body,
			rawBody,
			bodyError,
			headers: raw.headers,
			at: this.clock.now(),
			params: {},
		};
		const entry: RequestLogEntry = {
			id: req.id,
			method: req.method,
			path: req.path,
			query: req.query,
			body: req.body,
			headers: req.headers,
			at: req.at,
		};
		this.log.push(entry);
		this.stats.total++;

		const decision = this.faults.decide(req);
		await this.sleep(decision.delayMs);
		if (!this.started) return;

		if (decision.kind === 'drop') return this.drop(raw, entry);
		if (decision.kind === 'status') {
			return this.send(res, req, entry, this.faultResponse(decision.status, req));
		}
		if (decision.kind === 'scripted' && !decision.fault.afterHandler) {
			return this.applyScripted(raw, res, req, entry, decision.fault);
		}

		const response = await this.dispatch(req);
		if (decision.kind === 'scripted') {
			// afterHandler: the handler's effects stay, its answer is lost or replaced.
			return this.applyScripted(raw, res, req, entry, decision.fault);
		}
		this.send(res, req, entry, response);
	}

	private applyScripted(
		raw: http.IncomingMessage,
		res: http.ServerResponse,
		req: SandboxRequest,
		entry: RequestLogEntry,
		fault: ScriptedFault,
	): void {
		if (fault.drop) return this.drop(raw, entry);
		const status = fault.status ?? 500;
		const response =
			fault.body === undefined ? this.faultResponse(status, req) : { status, body: fault.body };
		this.send(res, req, entry, {
			status,
			body: response.body,
			headers: { ...response.headers, ...fault.headers },
		});
	}

	/** Runs middleware, then the matching route; always resolves to a response. */
	private async dispatch(req: SandboxRequest): Promise<SandboxResponse> {
		try {
			for (const mw of this.middleware) {
				const early = await mw(req);
				if (early) return early;
			}
			const match = this.router.match(req.method, req.path);
			if (match.kind === 'none') return this.notFound(req);
			if (match.kind === 'wrongMethod') return this.methodNotAllowed(req, match.allowed);
			req.params = match.params;
			return await match.handler(req);
		} catch (error) {
			if (error instanceof HttpError) return error.response;
			this.errors.push(error);
			return this.internalError(req, error);
		}
	}

	private drop(raw: http.IncomingMessage, entry: RequestLogEntry): void {
		entry.dropped = true;
		this.stats.dropped++;
		raw.socket.destroy();
	}

	private send(
		res: http.ServerResponse,
		req: SandboxRequest,
		entry: RequestLogEntry,
		response: SandboxResponse,
	): void {
		if (res.destroyed || res.writableEnded) return;
		const { status } = response;
		let payload: Buffer | undefined;
		const headers: Record<string, string> = { ...this.extraHeaders(req), ...response.headers };
		if (status !== 204 && status !== 304 && response.body !== undefined) {
			if (Buffer.isBuffer(response.body)) payload = response.body;
			else if (typeof response.body === 'string') payload = Buffer.from(response.body, 'utf8');
			else {
				payload = Buffer.from(JSON.stringify(response.body), 'utf8');
				if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
					headers['Content-Type'] = 'application/json';
				}
			}
		}
		// The Date header comes from the sandbox clock so tests can skew it.
		res.sendDate = false;
		res.setHeader('Date', this.clock.httpDate());
		for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
		res.setHeader('Content-Length', String(payload?.length ?? 0));
		res.statusCode = status;
		entry.status = status;
		this.stats.byStatus[status] = (this.stats.byStatus[status] ?? 0) + 1;
		if (status === 429) this.stats.limitRejections++;
		res.end(payload);
	}
}
