/**
 * Pyrus API v4 sandbox: auth with token exchange, tasks, comments, forms with fields and steps,
 * the form register with its filters and cap, lists, inbox, members, Pyrus's error format and
 * its `X-RateLimit-*` headers with 429. In memory, on loopback.
 * Sources: Pyrus's tasks API page (https://pyrus.com/ru/help/api/tasks) and the help pages named
 * beside a behaviour. Where they are silent the behaviour is marked "unconfirmed" and,
 * when the node must work under every reading, has a switch ({@link PyrusSandboxSwitches}).
 * The documented request/answer pairs the sandbox must answer as documented: test/contract/pyrus.
 *
 * Credential values that work against it (`pyrusApi`):
 *   login `bot@sandbox`, secretKey (Security Key) `sandbox-security-key`, personId empty,
 *   serverUrl `<baseUrl>/api/v4` (e.g. http://127.0.0.1:4321/api/v4).
 * The API answers under both `/api/v4` (the on-premise layout, where `/auth` lives) and `/v4`;
 * with `announceApiUrl` the token answer carries `api_url` = `<baseUrl>/v4/`, as the cloud does.
 */
import { randomUUID } from 'node:crypto';

import {
	HttpError,
	SandboxServer,
	type SandboxOptions,
	type SandboxRequest,
	type SandboxResponse,
	type SlidingWindow,
} from './framework';

type Json = Record<string, unknown>;

export interface PyrusPerson {
	id: number;
	first_name: string;
	last_name: string;
	email: string;
	type: 'user' | 'bot' | 'role';
	banned?: boolean;
	fired?: boolean;
}

export interface PyrusFieldSchema {
	id: number;
	name: string;
	type: string;
	code?: string;
	info?: Json;
}

export interface PyrusForm {
	id: number;
	name: string;
	steps: Record<string, string>;
	fields: PyrusFieldSchema[];
	deleted_or_closed?: boolean;
}

export interface PyrusList {
	id: number;
	name: string;
	children: PyrusList[];
	list_type: 'private' | 'org_wide';
}

export interface PyrusComment extends Json {
	id: number;
	create_date: string;
	author: PyrusPerson;
}

export interface PyrusTask extends Json {
	id: number;
	create_date: string;
	last_modified_date: string;
	author: PyrusPerson;
	comments: PyrusComment[];
	list_ids: number[];
	archived?: boolean;
}

export interface PyrusAccount {
	login: string;
	securityKey: string;
	personId?: number;
	/** The person the token acts as. */
	person: PyrusPerson;
}

/** Order of a list's tasks (`GET /lists/{id}/tasks`): not documented. */
export type PyrusListOrder = 'newestFirst' | 'oldestFirst' | 'byId';

/**
 * Behaviours the documentation leaves open, one switch each; tests run the node under every
 * reading. Each switch's comment names what is and is not documented.
 */
export interface PyrusSandboxSwitches {
	/**
	 * Order of a list's tasks when a page is cut (`has_more`). Unconfirmed: the lists page
	 * (https://pyrus.com/en/help/api/lists) documents `item_count` and `has_more`, not the order.
	 * Its example shows tasks 7991 then 7992, which fits newest-modified first and id order alike.
	 */
	listOrder: PyrusListOrder;
	/**
	 * Whether `modified_after` / `created_after` / `closed_after` include the given second.
	 * Unconfirmed; the lists page documents `modified_before` as inclusive (that bound has no switch).
	 */
	afterBoundInclusive: boolean;
	/**
	 * The answer for a task that does not exist (never did, or was deleted). Unconfirmed (the
	 * help pages do not say): 403 `access_denied_task`, 400 `unrecognized_task_id` (both codes of
	 * the official SDKs, https://github.com/simplygoodsoftware/pyrusapi-typescript,
	 * src/enums/errorCodeType.ts), or a plain 404.
	 */
	missingTask: 'access_denied_task' | 'unrecognized_task_id' | 'not_found';
	/**
	 * What a comment on a form task does with `subject`, `participants_added` and
	 * `participants_removed`, which the tasks page marks «Применимо только для простой задачи».
	 * Unconfirmed: refused with 400 (`reject`) or silently dropped (`ignore`).
	 */
	simpleOnlyOnFormTask: 'reject' | 'ignore';
	/**
	 * The separate quota of task deletions: 429 `task_delete_limit_exceeded` (official SDKs'
	 * error codes, April 2026: https://github.com/simplygoodsoftware/pyrusapi-typescript,
	 * src/enums/errorCodeType.ts, «Too many Requests (429)»). The quota itself is unconfirmed:
	 * `undefined` = no separate quota; tests set one.
	 */
	deleteLimit: { limit: number; windowMs: number } | undefined;
	/** Whether that 429 names its own wait in `Retry-After` (seconds). Unconfirmed. */
	deleteLimitRetryAfter: boolean;
	/**
	 * Whether a table row id that was deleted can be written again (as a new row). Unconfirmed;
	 * the TS SDK names `invalid_table_row` "UncreatedOrDeletedTableRows", so `refused` answers
	 * that error for a deleted row's id.
	 */
	deletedRowIds: 'refused' | 'reusable';
}

export const DEFAULT_PYRUS_SWITCHES: PyrusSandboxSwitches = {
	listOrder: 'newestFirst',
	afterBoundInclusive: true,
	missingTask: 'access_denied_task',
	simpleOnlyOnFormTask: 'reject',
	deleteLimit: undefined,
	deleteLimitRetryAfter: false,
	deletedRowIds: 'refused',
};

export interface PyrusSandboxOptions extends SandboxOptions, Partial<PyrusSandboxSwitches> {
	/** Accounts that may log in. Default: one bot `bot@sandbox` / `sandbox-security-key`. */
	accounts?: Array<Omit<PyrusAccount, 'person'> & { person?: PyrusPerson }>;
	/** The token answer carries `api_url` = `<baseUrl>/v4/` (cloud behaviour). Default false. */
	announceApiUrl?: boolean;
	/** Requests per (scaled) 10 minutes and user; 0 = no limit. Default 5000. */
	rateLimit?: number;
	/** Largest `item_count` of the register. Default 20000. */
	registerCap?: number;
}

const PREFIXES = ['/api/v4', '/v4'];
/** Source: https://pyrus.com/en/help/api/errors-and-limits, «Rate Limits». */
const TOO_MANY_REQUESTS = 'You have reached the limit of requests per 10 minutes.';
const DEMO_PASSWORD = 'sandbox-security-key';

function pyrusError(status: number, code: string, message: string): HttpError {
	return new HttpError({ status, body: { error: message, error_code: code } });
}

function bad(code: string, message: string): HttpError {
	return pyrusError(400, code, message);
}

function ok(body: unknown): SandboxResponse {
	return { status: 200, body };
}

/** Sandbox clock time in Pyrus's format (whole seconds, UTC, `Z`). */
function pyrusTime(ms: number): string {
	return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function asObject(value: unknown): Json | undefined {
	return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

/** Every field of a form, nested ones (sections, choice options) included; table columns not. */
function flattenFields(fields: PyrusFieldSchema[]): PyrusFieldSchema[] {
	const out: PyrusFieldSchema[] = [];
	for (const field of fields) {
		out.push(field);
		const info = field.info ?? {};
		if (Array.isArray(info.fields)) out.push(...flattenFields(info.fields as PyrusFieldSchema[]));
		for (const option of (info.options as Json[] | undefined) ?? []) {
			if (Array.isArray(option.fields)) out.push(...flattenFields(option.fields as PyrusFieldSchema[]));
		}
	}
	return out;
}

function parseIdList(value: unknown): number[] {
	if (value === undefined || value === null || value === '') return [];
	const parts = Array.isArray(value) ? value : String(value).split(',');
	return parts.map((part) => Number(part)).filter((n) => Number.isInteger(n));
}

export class PyrusSandbox extends SandboxServer {
	readonly accounts: PyrusAccount[];
	readonly members = new Map<number, PyrusPerson>();
	readonly forms = new Map<number, PyrusForm>();
	readonly lists: PyrusList[] = [];
	readonly tasks = new Map<number, PyrusTask>();
	/** Issued tokens: the account they act for and whether they expired. */
	readonly tokens = new Map<string, { account: PyrusAccount; expired?: 'expired_token' | 'revoked_token' }>();
	/** Successful and failed calls of `/auth`. */
	authCalls = 0;
	/** When set: after this many more authorized requests, every token issued so far expires. */
	expireAfterRequests: number | undefined;
	announceApiUrl: boolean;
	registerCap: number;
	/** Catalogs known to the account: `catalog_id` → headers and item id → texts. */
	readonly catalogs = new Map<number, { headers: string[]; items: Map<number, string[]> }>();
	/** GUIDs of uploaded files not attached yet (the sandbox has no upload endpoint: tests add them). */
	readonly uploads = new Set<string>();
	/** The switches in force ({@link PyrusSandboxSwitches}); tests may change them at any time. */
	switches: PyrusSandboxSwitches;

	private readonly limiters = new Map<string, SlidingWindow>();
	private readonly deleteLimiters = new Map<string, SlidingWindow>();
	private rateLimit: number;
	private nextTaskId = 1001;
	private nextCommentId = 50001;
	private nextAttachmentId = 900001;
	private tokenCounter = 0;

	constructor(options: PyrusSandboxOptions = {}) {
		super(options);
		this.announceApiUrl = options.announceApiUrl ?? false;
		this.registerCap = options.registerCap ?? 20_000;
		this.rateLimit = options.rateLimit ?? 5000;
		this.switches = { ...DEFAULT_PYRUS_SWITCHES };
		for (const key of Object.keys(DEFAULT_PYRUS_SWITCHES) as Array<keyof PyrusSandboxSwitches>) {
			if (options[key] !== undefined) this.setSwitches({ [key]: options[key] });
		}
		const bot: PyrusPerson = { id: 1000, first_name: 'Sandbox', last_name: 'Bot', email: 'bot@sandbox', type: 'bot' };
		this.accounts = (options.accounts ?? [{ login: 'bot@sandbox', securityKey: DEMO_PASSWORD }]).map((account) => ({
			...account,
			person: account.person ?? bot,
		}));
		for (const account of this.accounts) this.members.set(account.person.id, account.person);
		this.use((req) => this.guard(req));
		for (const prefix of PREFIXES) this.registerRoutes(prefix);
	}

	// --- state helpers for tests ------------------------------------------------------------

	/** Every token issued so far answers 401 `expired_token` from now on. */
	expireTokens(): void {
		for (const entry of this.tokens.values()) entry.expired = 'expired_token';
	}

	/**
	 * Every token issued so far answers 401 `revoked_token` from now on (what a new security key
	 * does; https://pyrus.com/en/help/api/authorization, «Revoking tokens»).
	 */
	revokeTokens(): void {
		for (const entry of this.tokens.values()) entry.expired = 'revoked_token';
	}

	/** Changes switches; the delete quota's window starts afresh. */
	setSwitches(switches: Partial<PyrusSandboxSwitches>): void {
		this.switches = { ...this.switches, ...switches };
		if ('deleteLimit' in switches) this.deleteLimiters.clear();
	}

	/** Requests per (scaled) 10 minutes and user from now on, windows emptied; 0 = no limit. */
	setRateLimit(limit: number): void {
		this.rateLimit = limit;
		this.limiters.clear();
	}

	/** An attachment already in Pyrus (attached to some task), for `attachment_id` and `root_id`. */
	addAttachment(file: { id: number; name: string }): Json {
		const stored = { url: `${this.baseUrl}/files/${file.id}`, version: 1, ...file };
		this.attachmentsById.set(file.id, stored);
		return stored;
	}

	/** A file as `POST /files/upload` would leave it: its GUID, ready to attach once. */
	addUpload(guid: string = randomUUID()): string {
		this.uploads.add(guid);
		return guid;
	}

	addMember(person: Partial<PyrusPerson> & { id: number }): PyrusPerson {
		const full: PyrusPerson = {
			first_name: `Person`,
			last_name: String(person.id),
			email: `person${person.id}@example.com`,
			type: 'user',
			...person,
		};
		this.members.set(full.id, full);
		return full;
	}

	addForm(form: PyrusForm): PyrusForm {
		this.forms.set(form.id, form);
		return form;
	}

	addList(list: Omit<PyrusList, 'children' | 'list_type'> & Partial<PyrusList>): PyrusList {
		const full: PyrusList = { children: [], list_type: 'org_wide', ...list };
		this.lists.push(full);
		return full;
	}

	addCatalog(id: number, items: Record<number, string[]>, headers: string[] = ['Name']): void {
		this.catalogs.set(id, { headers, items: new Map(Object.entries(items).map(([key, values]) => [Number(key), values])) });
	}

	/** Adds a task as stored (times default to now). */
	addTask(task: Partial<PyrusTask> & Json = {}): PyrusTask {
		const now = pyrusTime(this.clock.now());
		const id = typeof task.id === 'number' ? task.id : this.nextTaskId++;
		if (id >= this.nextTaskId) this.nextTaskId = id + 1;
		const full: PyrusTask = {
			create_date: now,
			last_modified_date: now,
			author: this.accounts[0].person,
			comments: [],
			list_ids: [],
			...task,
			id,
		} as PyrusTask;
		if (full.form_id === undefined && full.text === undefined) full.text = `Task ${id}`;
		this.tasks.set(id, full);
		return full;
	}

	/** Marks a task changed now (what any comment does). */
	touch(task: PyrusTask): void {
		task.last_modified_date = pyrusTime(this.clock.now());
	}

	nowText(): string {
		return pyrusTime(this.clock.now());
	}

	// --- pipeline ----------------------------------------------------------------------------

	private limiterFor(key: string): SlidingWindow {
		let limiter = this.limiters.get(key);
		if (!limiter) {
			limiter = this.createLimiter(this.rateLimit, 600_000);
			this.limiters.set(key, limiter);
		}
		return limiter;
	}

	private rateHeaders(limiter: SlidingWindow): Record<string, string> {
		return {
			'X-RateLimit-Limit': String(limiter.limit),
			'X-RateLimit-Remaining': String(Math.max(0, limiter.limit - limiter.count())),
			// Seconds of vendor time until the window has room again.
			'X-RateLimit-Reset': String(Math.ceil((limiter.msUntilFree() * this.timeScale) / 1000)),
		};
	}

	protected faultResponse(status: number): SandboxResponse {
		if (status === 429) {
			return { status, headers: { 'X-RateLimit-Reset': '1' }, body: { error: TOO_MANY_REQUESTS, error_code: 'too_many_requests' } };
		}
		return { status, body: { error: 'Server error', error_code: 'server_error' } };
	}

	protected notFound(): SandboxResponse {
		return { status: 404, body: { error: 'Not found', error_code: 'not_found' } };
	}

	private apiPath(req: SandboxRequest): string | undefined {
		const prefix = PREFIXES.find((p) => req.path === p || req.path.startsWith(`${p}/`));
		return prefix === undefined ? undefined : req.path.slice(prefix.length);
	}

	/** Token check and the per-user rate limit, before routing. */
	private guard(req: SandboxRequest): SandboxResponse | undefined {
		const path = this.apiPath(req);
		if (path === undefined || path === '/auth') return undefined;
		const header = String(req.headers.authorization ?? '');
		const match = /^Bearer (.+)$/.exec(header);
		if (!match) throw pyrusError(401, 'token_not_specified', 'Authorization token is not specified.');
		const entry = this.tokens.get(match[1]);
		if (!entry) throw pyrusError(401, 'invalid_token', 'Authorization token is invalid.');
		if (this.expireAfterRequests !== undefined && this.expireAfterRequests-- <= 0) {
			this.expireAfterRequests = undefined;
			this.expireTokens();
		}
		// Texts as the error table of https://pyrus.com/en/help/api/errors-and-limits has them.
		if (entry.expired === 'revoked_token') throw pyrusError(401, 'revoked_token', 'Authorization token has been revoked.');
		if (entry.expired) throw pyrusError(401, 'expired_token', 'The authorization token has expired. Please get a new token.');
		if (this.rateLimit > 0) {
			const limiter = this.limiterFor(entry.account.login);
			const allowed = limiter.tryAcquire();
			const headers = this.rateHeaders(limiter);
			if (!allowed) {
				return { status: 429, headers, body: { error: TOO_MANY_REQUESTS, error_code: 'too_many_requests' } };
			}
			(req as SandboxRequest & { rateHeaders?: Record<string, string> }).rateHeaders = headers;
		}
		return undefined;
	}

	protected extraHeaders(req: SandboxRequest): Record<string, string> {
		return (req as SandboxRequest & { rateHeaders?: Record<string, string> }).rateHeaders ?? {};
	}

	private account(req: SandboxRequest): PyrusAccount {
		const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
		return this.tokens.get(token)!.account;
	}

	// --- routes ------------------------------------------------------------------------------

	private registerRoutes(prefix: string): void {
		const r = (method: string, path: string, handler: (req: SandboxRequest) => SandboxResponse) =>
			this.route(method, `${prefix}${path}`, handler);
		r('POST', '/auth', (req) => this.auth(req));
		r('GET', '/profile', (req) => {
			const person = this.account(req).person;
			return ok({ person_id: person.id, first_name: person.first_name, last_name: person.last_name, email: person.email, organization_id: 1 });
		});
		r('GET', '/members', () => ok({ members: [...this.members.values()] }));
		r('GET', '/forms', () => ok({ forms: [...this.forms.values()] }));
		r('GET', '/forms/:id', (req) => ok(this.form(req.params.id)));
		r('GET', '/forms/:id/register', (req) => this.register(req, req.query as Json));
		r('POST', '/forms/:id/register', (req) => this.register(req, asObject(req.body) ?? {}));
		r('GET', '/lists', () => ok({ lists: this.lists }));
		r('GET', '/lists/:id/tasks', (req) => this.listTasks(req));
		r('GET', '/inbox', (req) => this.inbox(req));
		r('GET', '/tasks/:id', (req) => ok({ task: this.task(req.params.id) }));
		r('POST', '/tasks', (req) => this.createTask(req));
		r('POST', '/tasks/:id/comments', (req) => this.comment(req));
		r('DELETE', '/tasks/:id', (req) => this.deleteTask(req));
	}

	/** Source: the tasks page, «DELETE /tasks/{task-id}»: answers `{ "deleted": true }`. */
	private deleteTask(req: SandboxRequest): SandboxResponse {
		const quota = this.switches.deleteLimit;
		if (quota) {
			const login = this.account(req).login;
			let limiter = this.deleteLimiters.get(login);
			if (!limiter) {
				limiter = this.createLimiter(quota.limit, quota.windowMs);
				this.deleteLimiters.set(login, limiter);
			}
			if (!limiter.tryAcquire()) {
				// A refused deletion deletes nothing. The general X-RateLimit-* headers still come
				// with this answer (they describe the 5,000-request window, not this quota).
				const headers: Record<string, string> = {};
				if (this.switches.deleteLimitRetryAfter) {
					headers['Retry-After'] = String(Math.ceil((limiter.msUntilFree() * this.timeScale) / 1000));
				}
				return { status: 429, headers, body: { error: 'Task delete limit exceeded.', error_code: 'task_delete_limit_exceeded' } };
			}
		}
		const task = this.task(req.params.id);
		this.tasks.delete(task.id);
		return ok({ deleted: true });
	}

	private auth(req: SandboxRequest): SandboxResponse {
		this.authCalls++;
		const body = asObject(req.body) ?? {};
		const account = this.accounts.find(
			(a) =>
				a.login === body.login &&
				a.securityKey === body.security_key &&
				(body.person_id === undefined || a.personId === undefined || a.personId === body.person_id),
		);
		if (!account) throw pyrusError(401, 'invalid_credentials', 'Invalid login or security key.');
		const token = `pyrus-token-${++this.tokenCounter}-${req.id}`;
		this.tokens.set(token, { account });
		const answer: Json = { access_token: token };
		if (this.announceApiUrl) {
			answer.api_url = `${this.baseUrl}/v4/`;
			answer.files_url = `${this.baseUrl}/files/`;
		}
		return ok(answer);
	}

	private form(rawId: string): PyrusForm {
		const form = this.forms.get(Number(rawId));
		if (!form) throw pyrusError(403, 'access_denied_form', 'Access to the form is denied.');
		return form;
	}

	private task(rawId: string): PyrusTask {
		const task = /^\d+$/.test(rawId) ? this.tasks.get(Number(rawId)) : undefined;
		if (task) return task;
		// Unconfirmed which of these a missing task gets: switch `missingTask`.
		switch (this.switches.missingTask) {
			case 'unrecognized_task_id':
				throw bad('unrecognized_task_id', 'Unrecognized task id.');
			case 'not_found':
				throw pyrusError(404, 'not_found', 'Not found.');
			default:
				throw pyrusError(403, 'access_denied_task', 'Access to the task is denied.');
		}
	}

	/** The register: tasks of a form with field values, no comments. */
	private register(req: SandboxRequest, params: Json): SandboxResponse {
		const form = this.form(req.params.id);
		const count = params.item_count === undefined ? this.registerCap : Number(params.item_count);
		if (!Number.isInteger(count) || count < 1 || count > this.registerCap) {
			throw bad('invalid_value_format', `item_count must be from 1 to ${this.registerCap}`);
		}
		let tasks = [...this.tasks.values()].filter((t) => t.form_id === form.id);
		if (params.include_archived !== 'y') tasks = tasks.filter((t) => !t.archived);
		const steps = parseIdList(params.steps);
		if (steps.length) tasks = tasks.filter((t) => steps.includes(Number(t.current_step)));
		const range = (name: string, key: string) => {
			const value = params[name];
			if (value === undefined) return;
			if (typeof value !== 'string' || !DATE_TIME.test(value)) throw bad('invalid_value_format', `${name} has a wrong format`);
			const before = name.endsWith('_before');
			tasks = tasks.filter((t) => {
				const at = t[key];
				if (typeof at !== 'string') return false;
				// `*_before` inclusive (lists page, `modified_before`); `*_after`: switch `afterBoundInclusive`.
				if (before) return at <= value;
				return this.switches.afterBoundInclusive ? at >= value : at > value;
			});
		};
		range('modified_after', 'last_modified_date');
		range('modified_before', 'last_modified_date');
		range('created_after', 'create_date');
		range('created_before', 'create_date');
		range('closed_after', 'close_date');
		range('closed_before', 'close_date');
		const idFilter = params.id;
		if (idFilter !== undefined) {
			const match = /^gt(\d+)$/.exec(String(idFilter));
			if (!match) throw bad('filter_type_is_not_supported', 'Unsupported id filter');
			tasks = tasks.filter((t) => t.id > Number(match[1]));
		}
		const taskIds = parseIdList(params.task_ids);
		if (taskIds.length) tasks = tasks.filter((t) => taskIds.includes(t.id));
		for (const [key, value] of Object.entries(params)) {
			const fld = /^fld(\d+)$/.exec(key);
			if (!fld) continue;
			tasks = tasks.filter((t) => this.matchesFieldFilter(t, Number(fld[1]), String(value)));
		}
		if (params.sort !== undefined && params.sort !== 'id') throw bad('invalid_value_format', 'Only sort=id is supported');
		// Choice: the register is in id order whether or not sort=id is given.
		tasks.sort((a, b) => a.id - b.id);
		return ok({ tasks: tasks.slice(0, count).map(({ comments: _comments, ...rest }) => rest) });
	}

	private matchesFieldFilter(task: PyrusTask, fieldId: number, filter: string): boolean {
		const field = ((task.fields as Json[] | undefined) ?? []).find((f) => f.id === fieldId);
		const value = field?.value;
		if (filter === 'empty') return value === undefined || value === null || value === '';
		if (filter === '*') return value !== undefined && value !== null && value !== '';
		const scalar = asObject(value)?.item_id ?? asObject(value)?.choice_id ?? asObject(value)?.id ?? value;
		const gt = /^gt(.+?)(?:,lt(.+))?$/.exec(filter);
		if (gt) return String(scalar) > gt[1] && (gt[2] === undefined || String(scalar) < gt[2]);
		const lt = /^lt(.+)$/.exec(filter);
		if (lt) return String(scalar) < lt[1];
		return filter.split(',').some((v) => String(scalar) === v || String(scalar).startsWith(v));
	}

	private listTasks(req: SandboxRequest): SandboxResponse {
		const listId = Number(req.params.id);
		const known = (lists: PyrusList[]): boolean => lists.some((l) => l.id === listId || known(l.children));
		if (!known(this.lists)) throw pyrusError(403, 'access_denied_project', 'Access to the list is denied.');
		const q = { ...req.query } as Record<string, string>;
		// Source: https://pyrus.com/en/help/api/lists, «GET /lists/{list-id}/tasks»: item_count
		// (default 200), include_archived=y, modified_before (inclusive), modified_after; has_more.
		const count = q.item_count === undefined ? 200 : Number(q.item_count);
		if (!Number.isInteger(count) || count < 1) throw bad('invalid_value_format', 'item_count must be a positive number');
		for (const name of ['modified_after', 'modified_before']) {
			if (q[name] === undefined) continue;
			// The lists page's example writes one of its times with a lowercase `z`.
			q[name] = q[name].replace(/z$/, 'Z');
			if (!DATE_TIME.test(q[name])) throw bad('invalid_value_format', `${name} has a wrong format`);
		}
		let tasks = [...this.tasks.values()].filter((t) => t.list_ids.includes(listId));
		if (q.include_archived !== 'y') tasks = tasks.filter((t) => !t.archived);
		const after = q.modified_after;
		if (after) tasks = tasks.filter((t) => (this.switches.afterBoundInclusive ? t.last_modified_date >= after : t.last_modified_date > after));
		if (q.modified_before) tasks = tasks.filter((t) => t.last_modified_date <= q.modified_before);
		// Unconfirmed order: switch `listOrder`.
		const byChange = (a: PyrusTask, b: PyrusTask) => a.last_modified_date.localeCompare(b.last_modified_date) || a.id - b.id;
		if (this.switches.listOrder === 'newestFirst') tasks.sort((a, b) => byChange(b, a));
		else if (this.switches.listOrder === 'oldestFirst') tasks.sort(byChange);
		else tasks.sort((a, b) => a.id - b.id);
		return ok({ tasks: tasks.slice(0, count).map((t) => this.header(t)), has_more: tasks.length > count });
	}

	private header(task: PyrusTask): Json {
		const { id, text, subject, create_date, last_modified_date, author, responsible, close_date, due_date, due, form_id } = task;
		return { id, text, subject, create_date, last_modified_date, author, responsible, close_date, due_date, due, form_id };
	}

	private inbox(req: SandboxRequest): SandboxResponse {
		const count = req.query.item_count === undefined ? 50 : Number(req.query.item_count);
		const me = this.account(req).person.id;
		const mine = [...this.tasks.values()].filter(
			(t) => !t.close_date && (asObject(t.responsible)?.id === me || t.author.id === me),
		);
		return ok({ tasks: mine.slice(0, count).map((t) => this.header(t)), task_groups: [], has_more: mine.length > count });
	}

	// --- writes ------------------------------------------------------------------------------

	private person(value: unknown, what: string): PyrusPerson {
		const identity = asObject(value);
		if (!identity || (identity.id === undefined && identity.email === undefined)) {
			throw bad('person_identity_missing', `${what}: person id or email is missing`);
		}
		const person =
			identity.id !== undefined
				? this.members.get(Number(identity.id))
				: [...this.members.values()].find((m) => m.email === identity.email);
		if (!person) throw bad('invalid_person_id_email', `${what}: unknown person`);
		return person;
	}

	private people(value: unknown, what: string): PyrusPerson[] {
		if (value === undefined) return [];
		if (!Array.isArray(value)) throw bad('invalid_value_format', `${what} must be an array`);
		return value.map((entry) => this.person(entry, what));
	}

	private applyDue(target: Json, body: Json): void {
		if (body.due_date !== undefined && body.due !== undefined) {
			throw bad('either_due_date_or_due_can_be_set', 'Only one of due_date and due can be set');
		}
		if (body.duration !== undefined && body.due === undefined) throw bad('due_missing', 'duration needs due');
		if (body.due_date !== undefined) {
			if (typeof body.due_date !== 'string' || !DATE.test(body.due_date)) throw bad('invalid_value_format', 'due_date');
			target.due_date = body.due_date;
			delete target.due;
			delete target.duration;
		}
		if (body.due !== undefined) {
			if (typeof body.due !== 'string' || !DATE_TIME.test(body.due)) throw bad('invalid_value_format', 'due');
			target.due = body.due;
			delete target.due_date;
			if (body.duration !== undefined) {
				if (typeof body.duration !== 'number' || body.duration < 0) throw bad('negative_duration', 'duration');
				target.duration = body.duration;
			}
		}
	}

	/** Checks a field write against the form and returns the stored (read) value. */
	private fieldValue(schema: PyrusFieldSchema, value: unknown): unknown {
		const wrong = () => bad('invalid_value_format', `Field ${schema.id} (${schema.type}): wrong value format`);
		const object = asObject(value);
		switch (schema.type) {
			case 'text':
			case 'email':
			case 'phone':
				if (typeof value !== 'string') throw wrong();
				return value;
			case 'number':
			case 'money':
				if (typeof value !== 'number' || !Number.isFinite(value)) throw wrong();
				return value;
			case 'date':
			case 'due_date':
				if (typeof value !== 'string' || !DATE.test(value)) throw wrong();
				return value;
			case 'due_date_time':
				if (typeof value !== 'string' || !DATE_TIME.test(value)) throw wrong();
				return value;
			case 'time':
				if (typeof value !== 'string' || !/^\d{2}:\d{2}$/.test(value)) throw wrong();
				return value;
			case 'checkmark':
				if (value !== 'checked' && value !== 'unchecked') throw wrong();
				return value;
			case 'flag':
				if (value !== 'checked' && value !== 'unchecked' && value !== 'none') throw wrong();
				return value;
			case 'catalog': {
				if (!object) throw wrong();
				const catalog = this.catalogs.get(Number(schema.info?.catalog_id));
				const byName = (name: unknown) =>
					[...(catalog?.items.entries() ?? [])].find(([, values]) => values.includes(String(name)))?.[0];
				const ids: number[] = Array.isArray(object.item_ids)
					? (object.item_ids as number[])
					: object.item_id !== undefined
						? [object.item_id as number]
						: Array.isArray(object.item_names)
							? (object.item_names as unknown[]).map((name) => {
									const id = byName(name);
									if (id === undefined) throw bad('invalid_catalog_item_name', `Unknown catalog item ${String(name)}`);
									return id;
								})
							: [];
				if (ids.length === 0 || ids.some((id) => typeof id !== 'number')) throw bad('catalog_identity_missing', 'catalog item');
				if (catalog && ids.some((id) => !catalog.items.has(id))) throw bad('invalid_catalog_item_id', 'Unknown catalog item');
				// Read shape of the tasks page's examples: item_id, headers, values.
				return { item_id: ids[0], item_ids: ids, headers: catalog?.headers ?? [], values: catalog?.items.get(ids[0]) ?? [] };
			}
			case 'multiple_choice': {
				if (!object) throw wrong();
				const options = (schema.info?.options as Json[] | undefined) ?? [];
				const ids: number[] = Array.isArray(object.choice_ids)
					? (object.choice_ids as number[])
					: object.choice_id !== undefined
						? [object.choice_id as number]
						: Array.isArray(object.choice_names)
							? (object.choice_names as unknown[]).map((name) => {
									const option = options.find((o) => o.choice_value === name);
									if (!option) throw wrong();
									return option.choice_id as number;
								})
							: [];
				if (ids.length === 0 || ids.some((id) => !options.some((o) => o.choice_id === id))) throw wrong();
				return {
					choice_id: ids[0],
					choice_ids: ids,
					choice_names: ids.map((id) => options.find((o) => o.choice_id === id)!.choice_value),
				};
			}
			case 'person':
				return this.person(value, `Field ${schema.id}`);
			case 'form_link':
				if (!object || typeof object.task_id !== 'number') throw wrong();
				return { task_id: object.task_id };
			case 'file':
				// Source: https://pyrus.com/en/help/api/fields («file»): a file field takes NewFile
				// objects, as attachments do.
				if (!Array.isArray(value)) throw wrong();
				return this.attachments(value);
			default:
				throw bad('unable_to_edit_field', `Field ${schema.id} of type ${schema.type} cannot be written`);
		}
	}

	/**
	 * Applies `{id|code|name, value}` writes to a form task's fields; returns the field updates a
	 * comment shows (for a table: its rows after the write, and the rows it deleted).
	 */
	private writeFields(task: PyrusTask, form: PyrusForm, writes: unknown): Json[] {
		if (!Array.isArray(writes)) throw bad('invalid_value_format', 'fields must be an array');
		const all = flattenFields(form.fields);
		const fields = ((task.fields as Json[] | undefined) ?? []).slice();
		const changed: Json[] = [];
		for (const write of writes) {
			const w = asObject(write) ?? {};
			const schema =
				w.id !== undefined
					? all.find((f) => f.id === w.id)
					: w.code !== undefined
						? all.find((f) => f.code === w.code)
						: w.name !== undefined
							? all.find((f) => f.name === w.name)
							: undefined;
			if (w.id === undefined && w.code === undefined && w.name === undefined) throw bad('field_identity_missing', 'Field identity is missing');
			if (!schema) throw bad(w.id !== undefined ? 'invalid_field_id' : 'invalid_field_name', 'Unknown field');
			const index = fields.findIndex((f) => f.id === schema.id);
			const head = { id: schema.id, type: schema.type, name: schema.name };
			if (schema.type === 'table') {
				const rows = this.writeTable(task, schema, index >= 0 ? (fields[index].value as Json[]) : [], w.value);
				const stored = { ...head, value: rows.value };
				if (index >= 0) fields[index] = stored;
				else fields.push(stored);
				changed.push({ ...head, value: [...rows.value, ...rows.deleted] });
				continue;
			}
			const stored: Json = { ...head, value: this.fieldValue(schema, w.value) };
			if (w.duration !== undefined) stored.duration = w.duration;
			if (index >= 0) fields[index] = stored;
			else fields.push(stored);
			changed.push(stored);
		}
		task.fields = fields;
		return changed;
	}

	/** Deleted row ids per task and table field (`deletedRowIds` decides whether they come back). */
	private readonly deletedRows = new Map<string, Set<number>>();

	/**
	 * A table write merged into the table's rows. Source: the fields help page
	 * (https://pyrus.com/en/help/api/fields, «table»): rows are keyed by `row_id`; a new `row_id` adds a row, an existing one changes
	 * that row's cells, `{ row_id, delete: true }` removes it; rows not written stay as they are
	 * (the official C# SDK's AddRow / DeleteRow write single rows:
	 * https://github.com/simplygoodsoftware/pyrusapi-csharp, Extensions/FormFieldExtensions.cs).
	 * The tasks page shows a deleted row
	 * in a comment's field_updates as `{ "row_id": 2, "deleted": true }`.
	 */
	private writeTable(task: PyrusTask, schema: PyrusFieldSchema, current: Json[], value: unknown): { value: Json[]; deleted: Json[] } {
		if (!Array.isArray(value)) throw bad('invalid_value_format', `Field ${schema.id} (table): rows must be an array`);
		const columns = (schema.info?.columns as PyrusFieldSchema[] | undefined) ?? [];
		const key = `${task.id}/${schema.id}`;
		const deletedIds = this.deletedRows.get(key) ?? new Set<number>();
		const rows: Json[] = current.map((row) => ({ ...row, cells: [...((row.cells as Json[] | undefined) ?? [])] }));
		const deleted: Json[] = [];
		for (const raw of value) {
			const r = asObject(raw);
			const rowId = r?.row_id;
			if (!r || typeof rowId !== 'number' || !Number.isInteger(rowId) || rowId < 0) throw bad('invalid_table_row', 'row_id is missing');
			const at = rows.findIndex((row) => row.row_id === rowId);
			if (r.delete === true) {
				if (at < 0) throw bad('invalid_table_row', `Table row ${rowId} does not exist`);
				rows.splice(at, 1);
				deletedIds.add(rowId);
				deleted.push({ row_id: rowId, deleted: true });
				continue;
			}
			if (!Array.isArray(r.cells)) throw bad('invalid_table_row', 'cells are missing');
			if (at < 0 && deletedIds.has(rowId) && this.switches.deletedRowIds === 'refused') {
				throw bad('invalid_table_row', `Table row ${rowId} was deleted`);
			}
			const row: Json = at >= 0 ? rows[at] : { row_id: rowId, cells: [] };
			for (const cell of r.cells as Json[]) {
				const column = columns.find((c) => c.id === cell.id || (cell.id === undefined && c.name === cell.name));
				if (!column) throw bad('invalid_field_id', 'Unknown table column');
				const stored = { id: column.id, type: column.type, name: column.name, value: this.fieldValue(column, cell.value), parent_id: schema.id, row_id: rowId };
				const cells = row.cells as Json[];
				const existing = cells.findIndex((c) => c.id === column.id);
				if (existing >= 0) cells[existing] = stored;
				else cells.push(stored);
			}
			if (r.position !== undefined) row.position = r.position;
			if (at < 0) rows.push(row);
		}
		this.deletedRows.set(key, deletedIds);
		return { value: rows, deleted };
	}

	/** Every attachment the sandbox has stored, by id (for `attachment_id` and `root_id`). */
	private readonly attachmentsById = new Map<number, Json>();

	private storeAttachment(file: Json): Json {
		const stored = { id: this.nextAttachmentId++, ...file };
		this.attachmentsById.set(stored.id, stored);
		return stored;
	}

	/**
	 * Source: the tasks page, «attachments»: either strings, each the guid of an uploaded file, the id of
	 * a file already attached to some task, or a URL (of a Pyrus file or any file, without a link
	 * name); or objects `{ guid, root_id? }`, `{ attachment_id }`, `{ url, name? }`. A guid may
	 * appear once per request; attaching again makes new attachments.
	 * Unconfirmed: the error code for an unknown guid or id (`unrecognized_attachment_id` here).
	 */
	private attachments(value: unknown): Json[] | undefined {
		if (value === undefined) return undefined;
		if (!Array.isArray(value)) throw bad('invalid_value_format', 'attachments must be an array');
		const guids = new Set<string>();
		const fromGuid = (guid: string, rootId?: unknown): Json => {
			if (!this.uploads.has(guid)) throw bad('unrecognized_attachment_id', `No uploaded file with guid ${guid}`);
			if (guids.has(guid)) throw bad('invalid_value_format', `The file ${guid} is given twice`);
			guids.add(guid);
			if (rootId === undefined) return this.storeAttachment({ name: `file-${guid.slice(0, 8)}`, url: `${this.baseUrl}/files/${guid}`, version: 1 });
			const root = this.attachmentsById.get(Number(rootId));
			if (!root) throw bad('unrecognized_attachment_id', `No attachment ${String(rootId)}`);
			return this.storeAttachment({ name: root.name, url: `${this.baseUrl}/files/${guid}`, version: Number(root.version ?? 1) + 1, root_id: root.id });
		};
		const fromId = (id: number): Json => {
			const existing = this.attachmentsById.get(id);
			if (!existing) throw bad('unrecognized_attachment_id', `No attachment ${id}`);
			const { id: _id, ...copy } = existing;
			return this.storeAttachment(copy);
		};
		const fromUrl = (url: string, name?: unknown): Json => this.storeAttachment({ name: typeof name === 'string' ? name : url, url, version: 1 });
		return value.map((entry) => {
			if (typeof entry === 'string') {
				if (this.uploads.has(entry)) return fromGuid(entry);
				if (/^\d+$/.test(entry)) return fromId(Number(entry));
				if (/^https?:\/\//.test(entry)) return fromUrl(entry);
				throw bad('unrecognized_attachment_id', `"${entry}" is no uploaded file's guid, attachment id or URL`);
			}
			const file = asObject(entry);
			if (file && typeof file.guid === 'string' && Object.keys(file).every((k) => k === 'guid' || k === 'root_id')) return fromGuid(file.guid, file.root_id);
			if (file && typeof file.attachment_id === 'number' && Object.keys(file).length === 1) return fromId(file.attachment_id);
			if (file && typeof file.url === 'string' && Object.keys(file).every((k) => k === 'url' || k === 'name')) return fromUrl(file.url, file.name);
			throw bad('invalid_value_format', 'An attachment is a guid, an attachment id, a URL, or {guid, root_id?} / {attachment_id} / {url, name?}');
		});
	}

	private createTask(req: SandboxRequest): SandboxResponse {
		const body = asObject(req.body);
		if (!body) throw bad('empty_body', 'Empty body');
		if (body.text !== undefined && body.formatted_text !== undefined) {
			throw bad('both_text_and_formatted_text_specified', 'Both text and formatted_text are specified');
		}
		const author = this.account(req).person;
		const now = this.nowText();
		const task: PyrusTask = { id: this.nextTaskId, create_date: now, last_modified_date: now, author, comments: [], list_ids: [] };
		// Source: the tasks page, «POST /tasks»: the answer is the task with its first comment, which
		// records what the creation did (text, reassigned_to, participants_added; for a form task
		// approvals_added and field_updates).
		const comment: PyrusComment = { id: this.nextCommentId++, create_date: now, author };
		if (body.form_id !== undefined) {
			const form = this.forms.get(Number(body.form_id));
			if (!form) throw pyrusError(403, 'access_denied_form', 'Access to the form is denied.');
			task.form_id = form.id;
			task.current_step = 1;
			task.fields = [];
			if (body.fields !== undefined) comment.field_updates = this.writeFields(task, form, body.fields);
			if (body.approvals !== undefined) {
				if (!Array.isArray(body.approvals)) throw bad('invalid_value_format', 'approvals');
				task.approvals = (body.approvals as unknown[]).map((step, index) =>
					this.people(step, 'approvals').map((person) => ({ person, approval_choice: 'waiting', step: index + 1 })),
				);
				comment.approvals_added = (task.approvals as Json[][]).map((step) => step.map(({ person, step: n }) => ({ person, step: n })));
				// Unconfirmed: Pyrus routes a form task by the form's settings; here the first
				// approver of step 1 becomes responsible (the tasks page's answer shows a reassigned_to).
				const first = (task.approvals as Json[][])[0]?.[0]?.person as PyrusPerson | undefined;
				if (first) {
					task.responsible = first;
					comment.reassigned_to = first;
				}
			}
			task.text = form.name;
		} else {
			const text = body.text ?? body.formatted_text;
			if (typeof text !== 'string' || text.trim() === '') throw bad('text_missing', 'Text is missing');
			task.text = text;
			comment.text = text;
			if (body.subject !== undefined) task.subject = body.subject;
			task.responsible = body.responsible === undefined ? author : this.person(body.responsible, 'responsible');
			if (body.responsible !== undefined) comment.reassigned_to = task.responsible;
			task.participants = this.people(body.participants, 'participants');
			if ((task.participants as PyrusPerson[]).length) comment.participants_added = task.participants;
			this.applyDue(task, body);
		}
		task.subscribers = this.people(body.subscribers, 'subscribers').map((person) => ({ person, approval_choice: 'waiting' }));
		if (body.parent_task_id !== undefined) task.parent_task_id = this.task(String(body.parent_task_id)).id;
		if (body.list_ids !== undefined) task.list_ids = parseIdList(body.list_ids);
		if (body.scheduled_date !== undefined) task.scheduled_date = body.scheduled_date;
		if (body.scheduled_datetime_utc !== undefined) task.scheduled_datetime_utc = body.scheduled_datetime_utc;
		const attachments = this.attachments(body.attachments);
		if (attachments) {
			task.attachments = attachments;
			comment.attachments = attachments;
		}
		task.comments.push(comment);
		task.last_note_id = comment.id;
		this.nextTaskId++;
		this.tasks.set(task.id, task);
		return ok({ task });
	}

	/** People per approval step (`approvals_added` and the like), as `[[{ person, step }]]`. */
	private approvalSteps(value: unknown, what: string): Json[][] {
		if (!Array.isArray(value)) throw bad('invalid_value_format', `${what} must be an array of steps`);
		return (value as unknown[]).map((step, index) => this.people(step, what).map((person) => ({ person, step: index + 1 })));
	}

	private comment(req: SandboxRequest): SandboxResponse {
		const task = this.task(req.params.id);
		const body = asObject(req.body);
		if (!body || Object.keys(body).length === 0) throw bad('empty_body', 'Empty comment');
		if (body.text !== undefined && body.formatted_text !== undefined) {
			throw bad('both_text_and_formatted_text_specified', 'Both text and formatted_text are specified');
		}
		const author = this.account(req).person;
		if (body.edit_comment_id !== undefined) {
			const edited = task.comments.find((c) => c.id === body.edit_comment_id);
			if (!edited) throw bad('invalid_value_format', 'Unknown comment');
			if (body.text !== undefined) edited.text = body.text;
			if (body.formatted_text !== undefined) edited.formatted_text = body.formatted_text;
			this.touch(task);
			return ok({ task });
		}
		const formTask = task.form_id !== undefined;
		// The tasks page marks these «Применимо только для простой задачи»; what a form task does with
		// them is unconfirmed: switch `simpleOnlyOnFormTask`.
		const simpleOnly = ['subject', 'participants_added', 'participants_removed'].filter((key) => body[key] !== undefined);
		if (formTask && simpleOnly.length) {
			if (this.switches.simpleOnlyOnFormTask === 'reject') {
				throw bad('invalid_value_format', `${simpleOnly.join(', ')}: applies to simple tasks only`);
			}
			for (const key of simpleOnly) delete body[key];
		}
		// Choice: a comment without text shows "" (the tasks page's comment 13768 does).
		const comment: PyrusComment = { id: this.nextCommentId++, create_date: this.nowText(), author, ...(body.formatted_text === undefined ? { text: '' } : {}) };
		for (const key of ['text', 'formatted_text', 'subject', 'spent_minutes', 'skip_notification', 'approval_choice', 'cancel_due', 'cancel_schedule', 'scheduled_date', 'scheduled_datetime_utc']) {
			if (body[key] !== undefined) comment[key] = body[key];
		}
		if (body.action !== undefined) {
			if (body.action === 'finished') {
				if (task.close_date) throw pyrusError(403, 'access_denied_close_task', 'The task is already closed.');
				task.close_date = this.nowText();
			} else if (body.action === 'reopened') {
				delete task.close_date;
			} else throw bad('invalid_value_format', 'action');
			comment.action = body.action;
		}
		if (body.subject !== undefined) task.subject = body.subject;
		if (body.cancel_due === true) {
			delete task.due;
			delete task.due_date;
			delete task.duration;
		} else this.applyDue(task, body);
		if (body.reassign_to !== undefined) {
			task.responsible = this.person(body.reassign_to, 'reassign_to');
			comment.reassigned_to = task.responsible;
		}
		const participants = (task.participants as PyrusPerson[] | undefined) ?? [];
		const added = this.people(body.participants_added, 'participants_added');
		const removed = this.people(body.participants_removed, 'participants_removed').map((p) => p.id);
		if (!formTask) {
			task.participants = [...participants.filter((p) => !removed.includes(p.id)), ...added.filter((p) => !participants.some((q) => q.id === p.id))];
		}
		const subscribers = (task.subscribers as Json[] | undefined) ?? [];
		const subAdded = this.people(body.subscribers_added, 'subscribers_added');
		const subRemoved = this.people(body.subscribers_removed, 'subscribers_removed').map((p) => p.id);
		task.subscribers = [
			...subscribers.filter((s) => !subRemoved.includes((s.person as PyrusPerson).id)),
			...subAdded.map((person) => ({ person, approval_choice: 'waiting' })),
		];
		if (body.added_list_ids !== undefined) task.list_ids = [...new Set([...task.list_ids, ...parseIdList(body.added_list_ids)])];
		if (body.removed_list_ids !== undefined) {
			const removedLists = parseIdList(body.removed_list_ids);
			task.list_ids = task.list_ids.filter((id) => !removedLists.includes(id));
		}
		// The tasks page, «approvals_added» / «approvals_removed»: people per step, form tasks only.
		for (const key of ['approvals_added', 'approvals_removed'] as const) {
			if (body[key] === undefined) continue;
			if (!formTask) throw bad('task_has_no_form', `${key} applies to form tasks only`);
			const steps = this.approvalSteps(body[key], key);
			const approvals = ((task.approvals as Json[][] | undefined) ?? []).map((step) => [...step]);
			steps.forEach((people, index) => {
				while (approvals.length <= index) approvals.push([]);
				for (const { person } of people) {
					const id = (person as PyrusPerson).id;
					approvals[index] = approvals[index].filter((a) => (a.person as PyrusPerson).id !== id);
					if (key === 'approvals_added') approvals[index].push({ person, approval_choice: 'waiting', step: index + 1 });
				}
			});
			task.approvals = approvals;
			comment[key] = steps.filter((people) => people.length > 0);
		}
		if (body.field_updates !== undefined) {
			const form = formTask ? this.forms.get(Number(task.form_id)) : undefined;
			if (!form) throw bad('task_has_no_form', 'The task has no form');
			comment.field_updates = this.writeFields(task, form, body.field_updates);
		}
		if (body.approval_choice !== undefined && !['approved', 'rejected', 'acknowledged', 'revoked'].includes(String(body.approval_choice))) {
			throw bad('invalid_value_format', 'approval_choice');
		}
		const attachments = this.attachments(body.attachments);
		if (attachments) comment.attachments = attachments;
		task.comments.push(comment);
		task.last_note_id = comment.id;
		this.touch(task);
		return ok({ task });
	}

	/** A comment by the first account, as if made in the web app (tests change tasks with it). */
	addComment(task: PyrusTask, comment: Json = {}): PyrusComment {
		const full: PyrusComment = { id: this.nextCommentId++, create_date: this.nowText(), author: this.accounts[0].person, ...comment };
		task.comments.push(full);
		task.last_note_id = full.id;
		if (comment.action === 'finished') task.close_date = this.nowText();
		if (comment.action === 'reopened') delete task.close_date;
		this.touch(task);
		return full;
	}
}

/** Form 321 "Purchase request": one field of every writable type the node converts. */
export const DEMO_FORM: PyrusForm = {
	id: 321,
	name: 'Purchase request',
	steps: { '1': 'Manager', '2': 'Accounting' },
	fields: [
		{ id: 1, name: 'Purpose', type: 'text', code: 'Purpose' },
		{ id: 2, name: 'Amount', type: 'money', info: { decimal_places: 2 } },
		{ id: 3, name: 'Quantity', type: 'number', info: { decimal_places: 0 } },
		{ id: 4, name: 'Delivery date', type: 'date' },
		{ id: 5, name: 'Deadline', type: 'due_date' },
		{ id: 6, name: 'Urgent', type: 'checkmark' },
		{ id: 7, name: 'Vendor', type: 'catalog', info: { catalog_id: 77 } },
		{
			id: 8,
			name: 'Payment type',
			type: 'multiple_choice',
			info: {
				options: [
					{ choice_id: 1, choice_value: 'Card' },
					{ choice_id: 2, choice_value: 'Invoice', fields: [{ id: 12, name: 'Invoice number', type: 'text' }] },
				],
			},
		},
		{ id: 9, name: 'Approver', type: 'person' },
		{
			id: 10,
			name: 'Items',
			type: 'table',
			info: {
				columns: [
					{ id: 101, name: 'Item', type: 'text' },
					{ id: 102, name: 'Price', type: 'money' },
					{ id: 103, name: 'Needed by', type: 'date' },
				],
			},
		},
		{ id: 11, name: 'Details', type: 'title', info: { fields: [{ id: 13, name: 'Comment', type: 'text' }] } },
		{ id: 14, name: 'Status', type: 'status' },
	],
};

export interface SeedDemoResult {
	members: PyrusPerson[];
	forms: PyrusForm[];
	lists: PyrusList[];
	tasks: PyrusTask[];
}

/** Demo data: members, two forms, lists, and `tasks` tasks (default 30) of every kind. */
export function seedDemo(sandbox: PyrusSandbox, options: { tasks?: number } = {}): SeedDemoResult {
	const members = [
		sandbox.addMember({ id: 1731, first_name: 'Bob', last_name: 'Smith', email: 'bob.smith@example.com' }),
		sandbox.addMember({ id: 1733, first_name: 'John', last_name: 'Snow', email: 'john.snow@example.com' }),
		sandbox.addMember({ id: 1725, first_name: 'Jane', last_name: 'Doe', email: 'jane.doe@example.com' }),
		sandbox.addMember({ id: 1740, first_name: 'Old', last_name: 'Timer', email: 'old@example.com', fired: true }),
	];
	sandbox.addCatalog(77, { 845: ['GE'], 846: ['Siemens'], 847: ['Philips'] });
	const forms = [
		sandbox.addForm(DEMO_FORM),
		sandbox.addForm({ id: 322, name: 'Vacation', steps: { '1': 'Manager' }, fields: [{ id: 1, name: 'From', type: 'date' }, { id: 2, name: 'To', type: 'date' }] }),
		sandbox.addForm({ id: 323, name: 'Old form', steps: {}, fields: [], deleted_or_closed: true }),
	];
	const lists = [
		sandbox.addList({ id: 501, name: 'Projects', children: [{ id: 502, name: 'Website', children: [], list_type: 'org_wide' }] }),
		sandbox.addList({ id: 503, name: 'Personal', list_type: 'private' }),
	];
	const count = options.tasks ?? 30;
	const tasks: PyrusTask[] = [];
	const now = sandbox.clock.now();
	for (let i = 0; i < count; i++) {
		const created = new Date(now - (count - i) * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
		const responsible = members[i % 3];
		const closed = i % 4 === 3;
		const base = { create_date: created, last_modified_date: created, responsible, ...(closed ? { close_date: created } : {}) };
		if (i % 2 === 0) {
			tasks.push(
				sandbox.addTask({
					...base,
					form_id: 321,
					text: 'Purchase request',
					current_step: (i % 3) + 1 > 2 ? 2 : (i % 3) + 1,
					fields: [
						{ id: 1, type: 'text', name: 'Purpose', value: `Purchase ${i + 1}` },
						{ id: 2, type: 'money', name: 'Amount', value: 1000 + i * 10 },
					],
				}),
			);
		} else {
			tasks.push(
				sandbox.addTask({
					...base,
					text: `Demo task ${i + 1}`,
					subject: `Demo ${i + 1}`,
					participants: [responsible],
					list_ids: i % 3 === 0 ? [501] : [502],
					due_date: created.slice(0, 10),
				}),
			);
		}
	}
	return { members, forms, lists, tasks };
}
