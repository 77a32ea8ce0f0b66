/**
 * Bitrix24 REST sandbox: the task part of a portal, in memory, on loopback.
 * Spec: Bitrix24's REST documentation (https://apidocs.bitrix24.com/api-reference/tasks/index.html)
 * and the apidocs pages named beside each behaviour
 * ("source: …"); where the documentation is silent the behaviour says "unconfirmed" and, where
 * readings differ, has a switch (see Bitrix24SandboxOptions). Documented request/answer pairs:
 * test/contract/bitrix24/.
 *
 * Credentials that work against a started sandbox (`baseUrl` = http://127.0.0.1:<port>):
 * - bitrix24WebhookApi: `webhookSecretUrl` = `${baseUrl}/rest/1/sandboxsecret1234/` (user 1, an
 *   administrator; more webhooks with `sandbox.webhooks.set(userId, secret)`, their scopes with
 *   `sandbox.webhookScopes.set(userId, [...])`).
 * - bitrix24OAuth2Api: `portalUrl` = baseUrl, with `oauthTokenData.access_token` =
 *   `sandbox-access-token`, sent as the `auth` parameter (query or JSON body) as Bitrix24
 *   documents it (`Authorization: Bearer …` only with the `acceptBearer` switch); `/oauth/token/`
 *   refreshes `sandbox-refresh-token` into a new pair.
 *
 * URL forms: `/rest/{user}/{secret}/{method}`, `/rest/{method}` (OAuth), and REST 3.0 under
 * `/rest/api/…`. Parameters: JSON body, form body or query string (PHP brackets).
 */
import { performance } from 'node:perf_hooks';

import {
	SandboxServer,
	parseQuery,
	type SandboxOptions,
	type SandboxRequest,
	type SandboxResponse,
} from './framework';

export interface B24User {
	ID: string;
	NAME: string;
	LAST_NAME: string;
	EMAIL: string;
	ACTIVE: boolean;
	ADMIN: boolean;
	TIME_ZONE: string;
	WORK_POSITION: string;
}

export interface B24Group {
	ID: string;
	NAME: string;
}

/** A task as stored: the camelCase shape tasks.task.* answer with, string numbers and all. */
export interface B24Task {
	id: string;
	parentId: string | null;
	title: string;
	description: string;
	status: string;
	priority: string;
	mark: string | null;
	responsibleId: string;
	createdBy: string;
	accomplices: string[];
	auditors: string[];
	groupId: string;
	createdDate: string;
	changedDate: string;
	closedDate: string | null;
	closedBy: string | null;
	deadline: string | null;
	startDatePlan: string | null;
	endDatePlan: string | null;
	taskControl: 'Y' | 'N';
	favorite: 'Y' | 'N';
	/** When work on it started (tasks.task.start), else null. */
	dateStart: string | null;
	changedBy: string;
	statusChangedBy: string;
	statusChangedDate: string;
	tags: string[];
	chatId: string | null;
	ufCrmTask: string[];
	/** Other UF_ values by their UPPER code. */
	custom: Record<string, unknown>;
}

export interface B24Comment {
	ID: string;
	AUTHOR_ID: string;
	AUTHOR_NAME: string;
	POST_DATE: string;
	POST_MESSAGE: string;
	AUTHOR_EMAIL?: string;
}

export interface B24ChatMessage {
	id: number;
	chat_id: number;
	author_id: number;
	date: string;
	text: string;
}

export interface Bitrix24SandboxOptions extends SandboxOptions {
	/** Leaky bucket on/off. Default true. */
	rateLimit?: boolean;
	/** Requests the bucket holds before refusing (default 50) and drains per second (default 2). */
	burst?: number;
	drainPerSecond?: number;
	/** The portal's UTC offset in dates. Default +03:00. */
	offset?: string;
	/** New tasks get a chat (the new task card, tasks module ≥ 25.700). Default false. */
	newTaskCard?: boolean;
	/**
	 * Unconfirmed whether /rest/ methods also read an OAuth token from `Authorization: Bearer`:
	 * the documentation names only the `auth` parameter. Default false (only `auth`).
	 */
	acceptBearer?: boolean;
	/**
	 * HTTP status of a classic `insufficient_scope` answer: 401 in the current «Statuses and System
	 * Error Codes» table every method page includes (e.g.
	 * https://apidocs.bitrix24.com/api-reference/tasks/tasks-task-get.html), 403 in its earlier
	 * editions (and in https://apidocs.bitrix24.com/api-reference/chat-bots/send-command.html).
	 * Default 401.
	 */
	insufficientScopeStatus?: 401 | 403;
	/**
	 * The scope tasks.task.chat.message.send needs: `tasks` on its REST 3.0 page
	 * (api-reference/tasks/tasks-task-chat-message-send), `task` in another edition
	 * (api-reference/rest-v3/tasks/…). Default `tasks`.
	 */
	chatScope?: 'tasks' | 'task';
	/**
	 * A tasks.task.list filter key that is not in the documented list: refused with an error, or
	 * silently ignored (both unconfirmed; the documentation is silent). Default `error`.
	 */
	unknownFilterField?: 'error' | 'ignore';
	/**
	 * Datetimes sent to the portal must have the documented type `YYYY-MM-DDThh:mm:ss±hh:mm` (or a
	 * date `YYYY-MM-DD`, or no offset as the tasks.task.add example sends): source
	 * https://apidocs.bitrix24.com/api-reference/data-types.html. Other forms (milliseconds, `Z`) are
	 * refused with this on. Unconfirmed what a real portal does with them (PHP's strtotime
	 * would read most). Default true.
	 */
	strictDates?: boolean;
	/**
	 * When CLOSED_DATE is set for a task under control (TASK_CONTROL = Y): when it becomes
	 * completed (status 5, at the creator's approval), or already when the responsible submits it
	 * (status 4), kept through the approval. Unconfirmed: the field table
	 * (https://apidocs.bitrix24.com/api-reference/tasks/fields.html, closedDate) says only "null if the
	 * task is not completed", and that completing lands in status 4 first is itself unconfirmed. STATUS_CHANGED_DATE is set on every status change either way. Default
	 * `completion`.
	 */
	closedDateAt?: 'completion' | 'submission';
}

/** Every scope the node's operations use (the «Scope:» line of each method page: credentials/Bitrix24/scopes.ts). */
export const B24_ALL_SCOPES = ['task', 'tasks', 'user', 'sonet_group', 'im'];

/**
 * A Bitrix24 error: HTTP status, `error`, `error_description`; `v3`: answered in REST 3.0's
 * shape `{ error: { code, message, validation? } }` (source:
 * https://apidocs.bitrix24.com/api-reference/rest-v3.html, «Structure of an unsuccessful response»).
 */
class B24Error extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		readonly description: string,
		readonly v3?: { validation?: Array<{ message: string; field: string }> },
	) {
		super(description);
	}
}

/**
 * A datetime of the documented type or a date (source: https://apidocs.bitrix24.com/api-reference/data-types.html),
 * or a datetime without an offset as the tasks.task.add example sends it (read in the portal's
 * zone).
 */
const DOCUMENTED_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:[+-]\d{2}:\d{2})?)?$/;

/**
 * The scope each method needs, any one of the list (source: the «Scope:» line of each method
 * page; `basic` methods need none: https://apidocs.bitrix24.com/api-reference/scopes/permissions.html).
 */
function requiredScopes(method: string, v3: boolean, chatScope: string): string[] | undefined {
	if (v3) return method === 'tasks.task.chat.message.send' ? [chatScope] : undefined;
	if (['profile', 'scope', 'server.time', 'batch', 'methods', 'method.get'].includes(method)) return undefined;
	if (method.startsWith('tasks.task.') || method.startsWith('task.')) return ['task'];
	if (method.startsWith('user.')) return ['user', 'user_basic', 'user_brief'];
	if (method.startsWith('sonet_group.')) return ['sonet_group', 'socialnetwork'];
	if (method.startsWith('im.')) return ['im'];
	if (method.startsWith('department.')) return ['department'];
	return undefined;
}

/** source: https://apidocs.bitrix24.com/api-reference/tasks/status/tasks-task-complete.html «Error Handling» (the status methods, update). */
const notAllowed = () => new B24Error(400, '0', 'Action on the task is not allowed');

type Params = Record<string, unknown>;

interface Caller {
	kind: 'webhook' | 'oauth';
	user?: string;
	expired?: boolean;
	method: string;
	scopes: string[];
}

const STANDARD_FIELDS: Record<string, keyof B24Task> = {
	ID: 'id',
	PARENT_ID: 'parentId',
	TITLE: 'title',
	DESCRIPTION: 'description',
	STATUS: 'status',
	PRIORITY: 'priority',
	MARK: 'mark',
	RESPONSIBLE_ID: 'responsibleId',
	CREATED_BY: 'createdBy',
	ACCOMPLICES: 'accomplices',
	AUDITORS: 'auditors',
	GROUP_ID: 'groupId',
	CREATED_DATE: 'createdDate',
	CHANGED_DATE: 'changedDate',
	CLOSED_DATE: 'closedDate',
	CLOSED_BY: 'closedBy',
	// source: https://apidocs.bitrix24.com/api-reference/tasks/fields.html (statusChangedDate, a task field)
	STATUS_CHANGED_DATE: 'statusChangedDate',
	DEADLINE: 'deadline',
	START_DATE_PLAN: 'startDatePlan',
	END_DATE_PLAN: 'endDatePlan',
	TASK_CONTROL: 'taskControl',
	CHAT_ID: 'chatId',
};

const SORTABLE = ['ID', 'TITLE', 'CREATED_DATE', 'CHANGED_DATE', 'CLOSED_DATE', 'DEADLINE', 'PRIORITY', 'REAL_STATUS', 'GROUP_ID'];
/**
 * tasks.task.list filter keys (source: https://apidocs.bitrix24.com/api-reference/tasks/tasks-task-list.html,
 * «filter»). MEMBER (used by third-party articles, unconfirmed) is not in the list: see
 * `unknownFilterField`.
 */
const FILTERABLE = [
	'ID', 'PARENT_ID', 'GROUP_ID', 'CREATED_BY', 'STATUS_CHANGED_BY', 'PRIORITY', 'FORUM_TOPIC_ID', 'RESPONSIBLE_ID',
	'TITLE', 'TAG', 'REAL_STATUS', 'STATUS', 'MARK', 'SITE_ID', 'ADD_IN_REPORT', 'DATE_START', 'DEADLINE',
	'CREATED_DATE', 'CLOSED_DATE', 'CHANGED_DATE', 'ACCOMPLICE', 'AUDITOR', 'DEPENDS_ON', 'ONLY_ROOT_TASKS', 'STAGE_ID',
	'SPRINT_ID', 'BACKLOG_ID', 'UF_CRM_TASK',
];
const OPERATOR = /^(!%|!=|!@|=%|%=|<=|>=|!|<|>|=|%|@)?(.*)$/;

function isObject(value: unknown): value is Params {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `x`, `x[0]`-style objects and arrays as a list. */
function asList(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (isObject(value)) return Object.values(value);
	if (value === undefined || value === null || value === '') return [];
	return [value];
}

function toInt(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isInteger(value)) return value;
	if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
	return undefined;
}

/**
 * The tasks by id; counts its changes so that the id-ordered index of keyset reads is rebuilt only after one.
 * No behaviour of its own (source: none needed): a speed-up of the same answers the sources below give.
 */
class TaskStore extends Map<number, B24Task> {
	private version = 0;
	private index: { version: number; ids: number[] } | undefined;

	override set(id: number, task: B24Task): this {
		this.version++;
		return super.set(id, task);
	}

	override delete(id: number): boolean {
		this.version++;
		return super.delete(id);
	}

	override clear(): void {
		this.version++;
		super.clear();
	}

	/** Every id, ascending. */
	idsAscending(): number[] {
		if (this.index?.version !== this.version) this.index = { version: this.version, ids: [...this.keys()].sort((a, b) => a - b) };
		return this.index.ids;
	}
}

export class Bitrix24Sandbox extends SandboxServer {
	/** Webhook secrets by user id. */
	readonly webhooks = new Map<string, string>([['1', 'sandboxsecret1234']]);
	/** The scopes of each webhook (by user id); a webhook not listed has every scope of B24_ALL_SCOPES. */
	readonly webhookScopes = new Map<string, string[]>();
	/** The scopes of the OAuth application (its card in the portal). */
	oauthScopes: string[] = [...B24_ALL_SCOPES];
	/** OAuth access tokens → user id. */
	readonly accessTokens = new Map<string, string>([['sandbox-access-token', '1']]);
	readonly refreshTokens = new Map<string, string>([['sandbox-refresh-token', '1']]);
	/** Access tokens that have expired: answered 401 expired_token. */
	readonly expiredTokens = new Set<string>();
	readonly users = new Map<string, B24User>();
	readonly groups = new Map<string, B24Group>();
	readonly tasks = new TaskStore();
	readonly comments = new Map<number, B24Comment[]>();
	readonly chats = new Map<number, B24ChatMessage[]>();
	rateLimitEnabled: boolean;
	newTaskCard: boolean;
	acceptBearer: boolean;
	insufficientScopeStatus: 401 | 403;
	chatScope: 'tasks' | 'task';
	unknownFilterField: 'error' | 'ignore';
	strictDates: boolean;
	closedDateAt: 'completion' | 'submission';
	/** When set, every /rest/ request is redirected (302) to this origin: a renamed portal. */
	redirectTo: string | undefined;
	readonly offset: string;
	/** Dates read so far, by text (see parseDate). */
	private readonly parsedDates = new Map<string, number | undefined>();
	/** Methods over their operating-time budget: the next N calls of each answer 429 OPERATION_TIME_LIMIT. */
	readonly operationLimited = new Map<string, number>();
	/** 503 QUERY_LIMIT_EXCEEDED answers sent. */
	queryLimitRejections = 0;
	/** Methods called, in order, batch commands included (as `batch:<method>`). */
	readonly calls: string[] = [];

	private readonly burst: number;
	private readonly drainPerMs: number;
	private bucket = 0;
	private bucketAt = performance.now();
	private nextTaskId = 1;
	private nextCommentId = 1;
	private nextChatId = 1;
	private nextMessageId = 1;
	private tokenCounter = 0;

	constructor(options: Bitrix24SandboxOptions = {}) {
		super(options);
		this.rateLimitEnabled = options.rateLimit ?? true;
		this.newTaskCard = options.newTaskCard ?? false;
		this.acceptBearer = options.acceptBearer ?? false;
		this.insufficientScopeStatus = options.insufficientScopeStatus ?? 401;
		this.chatScope = options.chatScope ?? 'tasks';
		this.unknownFilterField = options.unknownFilterField ?? 'error';
		this.strictDates = options.strictDates ?? true;
		this.closedDateAt = options.closedDateAt ?? 'completion';
		this.offset = options.offset ?? '+03:00';
		this.burst = options.burst ?? 50;
		this.drainPerMs = ((options.drainPerSecond ?? 2) * this.timeScale) / 1000;
		this.addUser({ ID: '1', NAME: 'Sandbox', LAST_NAME: 'Admin', ADMIN: true });
		this.use((req) => this.dispatchRest(req));
	}

	// --- state helpers --------------------------------------------------------------------

	/** A date in the portal's offset, whole seconds (the API's resolution). */
	portalDate(ms: number = this.clock.now()): string {
		const sign = this.offset.startsWith('-') ? -1 : 1;
		const [h, m] = this.offset.slice(1).split(':').map(Number);
		const shifted = new Date(Math.floor(ms / 1000) * 1000 + sign * (h * 60 + m) * 60_000);
		return `${shifted.toISOString().slice(0, 19)}${this.offset}`;
	}

	/** Reads an ISO date; without an offset, in the portal's zone. */
	parseDate(value: unknown): number | undefined {
		if (typeof value !== 'string' || value.trim() === '') return undefined;
		// Filtering and sorting a list compare the same few dates over and over (10,000 tasks: a
		// few million times per page): each text is read once.
		const key = value;
		if (this.parsedDates.has(key)) return this.parsedDates.get(key);
		const text = value.trim();
		const withZone = /([+-]\d{2}:?\d{2}|Z)$/.test(text) ? text : `${text.length === 10 ? `${text}T00:00:00` : text}${this.offset}`;
		const parsed = Date.parse(withZone);
		const ms = Number.isNaN(parsed) ? undefined : parsed;
		if (this.parsedDates.size >= 100_000) this.parsedDates.clear();
		this.parsedDates.set(key, ms);
		return ms;
	}

	/** Forgets every task, comment and chat message; ids start again at 1. */
	resetData(): void {
		this.tasks.clear();
		this.comments.clear();
		this.chats.clear();
		this.nextTaskId = 1;
		this.nextCommentId = 1;
		this.nextChatId = 1;
		this.nextMessageId = 1;
	}

	addUser(user: Partial<B24User> & { ID: string }): B24User {
		const full: B24User = { NAME: `User ${user.ID}`, LAST_NAME: '', EMAIL: `user${user.ID}@example.com`, ACTIVE: true, ADMIN: false, TIME_ZONE: '', WORK_POSITION: '', ...user };
		this.users.set(full.ID, full);
		return full;
	}

	addGroup(group: B24Group): void {
		this.groups.set(group.ID, group);
	}

	/** Adds a task as if created now (tests set dates and ids as they need). */
	addTask(fields: Partial<B24Task> = {}): B24Task {
		const id = fields.id !== undefined ? Number(fields.id) : this.nextTaskId;
		this.nextTaskId = Math.max(this.nextTaskId, id + 1);
		const now = this.portalDate();
		const task: B24Task = {
			id: String(id),
			parentId: null,
			title: `Task ${id}`,
			description: '',
			status: '2',
			priority: '1',
			mark: null,
			responsibleId: '1',
			createdBy: '1',
			accomplices: [],
			auditors: [],
			groupId: '0',
			createdDate: now,
			changedDate: now,
			closedDate: null,
			closedBy: null,
			deadline: null,
			startDatePlan: null,
			endDatePlan: null,
			taskControl: 'N',
			favorite: 'N',
			dateStart: null,
			changedBy: fields.createdBy ?? '1',
			statusChangedBy: fields.createdBy ?? '1',
			statusChangedDate: fields.createdDate ?? now,
			tags: [],
			chatId: this.newTaskCard ? String(this.nextChatId++) : null,
			ufCrmTask: [],
			custom: {},
			...fields,
		};
		task.id = String(id);
		this.tasks.set(id, task);
		return task;
	}

	/** Changes a task as a user would, moving its changedDate to now. */
	updateTask(id: number, patch: Partial<B24Task>): B24Task {
		const task = this.tasks.get(id);
		if (!task) throw new Error(`no task ${id}`);
		Object.assign(task, patch, { changedDate: this.portalDate() });
		return task;
	}

	// --- transport ------------------------------------------------------------------------

	private envelope(result: unknown, extra: Params = {}): SandboxResponse {
		const now = this.clock.now();
		return {
			status: 200,
			body: {
				result,
				...extra,
				time: {
					start: now / 1000,
					finish: now / 1000,
					duration: 0.001,
					processing: 0,
					date_start: this.portalDate(now),
					date_finish: this.portalDate(now),
					operating_reset_at: Math.floor(now / 1000) + 600,
					operating: 0,
				},
			},
		};
	}

	private error(status: number, code: string, description: string): SandboxResponse {
		return { status, body: { error: code, error_description: description } };
	}

	private answerError(error: B24Error): SandboxResponse {
		if (!error.v3) return this.error(error.status, error.code, error.description);
		const body = { code: error.code, message: error.description, ...(error.v3.validation ? { validation: error.v3.validation } : {}) };
		return { status: error.status, body: { error: body } };
	}

	/**
	 * A method the caller's scopes do not cover. Classic: `insufficient_scope` (source: «Statuses
	 * and System Error Codes» of every method page; status per `insufficientScopeStatus`); REST 3.0:
	 * BITRIX_REST_V3_EXCEPTION_INSUFFICIENTSCOPEEXCEPTION with status 403 (source:
	 * https://apidocs.bitrix24.com/api-reference/rest-v3.html «Permissions and scopes»).
	 */
	private scopeError(caller: Caller, method: string, v3: boolean): B24Error | undefined {
		const needed = requiredScopes(method, v3, this.chatScope);
		if (!needed || needed.some((scope) => caller.scopes.includes(scope))) return undefined;
		if (v3) return new B24Error(403, 'BITRIX_REST_V3_EXCEPTION_INSUFFICIENTSCOPEEXCEPTION', 'Insufficient access rights: required scope is missing', {});
		const by = caller.kind === 'oauth' ? 'access token' : 'webhook token';
		return new B24Error(this.insufficientScopeStatus, 'insufficient_scope', `The request requires higher privileges than provided by the ${by}`);
	}

	/** Fills the leaky bucket: the next request is over the portal's rate. */
	exhaustRateLimit(): void {
		this.rateLimitEnabled = true;
		this.bucket = this.burst;
		this.bucketAt = performance.now();
	}

	/** Empties the leaky bucket: a test that starts with a fresh client budget starts on a rested portal. */
	resetRateLimit(): void {
		this.bucket = 0;
		this.bucketAt = performance.now();
		this.queryLimitRejections = 0;
	}

	/**
	 * The leaky bucket: each request adds one; it drains continuously; over the burst → 503
	 * QUERY_LIMIT_EXCEEDED. One bucket for the whole portal, whichever webhook or application
	 * calls (source: https://apidocs.bitrix24.com/limits.html: «If several applications on a single server
	 * work with the same Bitrix24, they share a common request rate limit»).
	 */
	private admit(): boolean {
		if (!this.rateLimitEnabled) return true;
		const now = performance.now();
		this.bucket = Math.max(0, this.bucket - (now - this.bucketAt) * this.drainPerMs);
		this.bucketAt = now;
		if (this.bucket + 1 > this.burst) return false;
		this.bucket += 1;
		return true;
	}

	private params(req: SandboxRequest): Params {
		const fromBody = isObject(req.body)
			? req.body
			: typeof req.body === 'string' && req.body.includes('=')
				? (parseQuery(req.body) as Params)
				: {};
		return { ...(req.query as Params), ...fromBody };
	}

	/**
	 * Who is calling: the webhook's or the token's user; undefined when not authorised. An OAuth
	 * token comes as the `auth` parameter, in the query or the body (source:
	 * https://apidocs.bitrix24.com/settings/how-to-call-rest-api/authorization.html, and the «cURL (OAuth)»
	 * example of every method page); a Bearer header only with `acceptBearer` (unconfirmed).
	 */
	private caller(req: SandboxRequest, parts: string[], params: Params): Caller {
		if (parts.length === 3) {
			const [user, secret, method] = parts;
			const known = this.webhooks.get(user) === secret;
			return { kind: 'webhook', user: known ? user : undefined, method, scopes: this.webhookScopes.get(user) ?? [...B24_ALL_SCOPES] };
		}
		const header = String(req.headers.authorization ?? '');
		const bearer = this.acceptBearer && header.startsWith('Bearer ') ? header.slice(7) : '';
		const token = typeof params.auth === 'string' && params.auth !== '' ? params.auth : bearer;
		if (this.expiredTokens.has(token)) return { kind: 'oauth', expired: true, method: parts[0], scopes: [] };
		return { kind: 'oauth', user: this.accessTokens.get(token), method: parts[0], scopes: this.oauthScopes };
	}

	private async dispatchRest(req: SandboxRequest): Promise<SandboxResponse | undefined> {
		if (req.path === '/oauth/token') return this.oauthToken(this.params(req));
		if (req.path === '/oauth/authorize') {
			return { status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html><body>Sandbox: allow access?</body></html>' };
		}
		const match = /^\/rest\/(api\/)?(.+)$/.exec(req.path);
		if (!match) return undefined;
		if (this.redirectTo) {
			return { status: 302, headers: { Location: `${this.redirectTo}${req.path}${req.rawQuery ? `?${req.rawQuery}` : ''}` }, body: '' };
		}
		if (!this.admit()) {
			this.queryLimitRejections++;
			return this.error(503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests');
		}
		const v3 = match[1] !== undefined;
		const params = this.params(req);
		const parts = match[2].split('/').filter(Boolean);
		if (parts.length !== 1 && parts.length !== 3) return this.error(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!');
		const caller = this.caller(req, parts, params);
		const { user, expired, method: rawMethod } = caller;
		// source: «Statuses and System Error Codes» of every method page (401 expired_token, 401 NO_AUTH_FOUND)
		if (expired) return this.error(401, 'expired_token', 'The access token provided has expired');
		if (!user) return this.error(401, 'NO_AUTH_FOUND', 'Wrong authorization data');
		const method = rawMethod.replace(/\.json$/, '').toLowerCase();
		const denied = this.scopeError(caller, method, v3);
		if (denied) return this.answerError(denied);
		if (this.takeOperationLimit(method)) {
			const now = Math.floor(this.clock.now() / 1000);
			return {
				status: 429,
				body: {
					error: 'OPERATION_TIME_LIMIT',
					error_description: 'Method is blocked due to operation time limit.',
					time: { operating_reset_at: now + 1, operating: 481 },
				},
			};
		}
		try {
			if (method === 'batch') return this.envelope(this.batch(params, caller, v3));
			this.calls.push(method);
			const { result, extra } = this.call(method, params, caller, v3);
			return this.envelope(result, extra);
		} catch (error) {
			if (error instanceof B24Error) return this.answerError(error);
			throw error;
		}
	}

	private oauthToken(params: Params): SandboxResponse {
		const user = params.grant_type === 'refresh_token' ? this.refreshTokens.get(String(params.refresh_token)) : undefined;
		if (!user) return this.error(400, 'invalid_grant', 'Invalid refresh token');
		this.refreshTokens.delete(String(params.refresh_token));
		const n = ++this.tokenCounter;
		const access = `sandbox-access-${n}`;
		const refresh = `sandbox-refresh-${n}`;
		this.accessTokens.set(access, user);
		this.refreshTokens.set(refresh, user);
		return {
			status: 200,
			body: {
				access_token: access,
				refresh_token: refresh,
				expires_in: 3600,
				client_endpoint: `${this.baseUrl}/rest/`,
				server_endpoint: 'https://oauth.bitrix.info/rest/',
				domain: 'oauth.bitrix.info',
				member_id: 'sandbox-member',
				scope: 'task,user,sonet_group,im',
				status: 'L',
				user_id: Number(user),
			},
		};
	}

	// --- batch ----------------------------------------------------------------------------

	/** Replaces `$result[key][a][b]` with the value at that path of an earlier result. */
	private resolveRefs(value: unknown, results: Params): unknown {
		if (typeof value === 'string') {
			return value.replace(/\$result\[([^\]]+)\]((?:\[[^\]]*\])*)/g, (_all, key: string, rest: string) => {
				let current: unknown = results[key];
				for (const part of rest.matchAll(/\[([^\]]*)\]/g)) {
					current = isObject(current) || Array.isArray(current) ? (current as Params)[part[1]] : undefined;
				}
				// Choice: an unresolved reference becomes an empty string.
				return current === undefined || current === null || typeof current === 'object' ? '' : String(current);
			});
		}
		if (Array.isArray(value)) return value.map((entry) => this.resolveRefs(entry, results));
		if (isObject(value)) {
			const out: Params = {};
			for (const [key, entry] of Object.entries(value)) out[key] = this.resolveRefs(entry, results);
			return out;
		}
		return value;
	}

	/**
	 * `batch` (source: https://apidocs.bitrix24.com/settings/how-to-call-rest-api/batch.html): commands in
	 * order, `$result` references, per-command errors in `result_error` of a 200 answer, `halt` stops at the first
	 * failing command. A command's method answers for its own scope (the batch page's error
	 * example: `insufficient_scope` with an empty description) and its own operating time: a
	 * method over its limit refuses the command with OPERATION_TIME_LIMIT, not run (source:
	 * https://apidocs.bitrix24.com/limits.html, «each nested call is counted against its own method»; the
	 * error entry's form in a batch is unconfirmed, here as the classic error pair). `result_time` holds the time of
	 * the commands that ran; refused ones have none (as the batch page's error examples show).
	 */
	private batch(params: Params, caller: Caller, v3: boolean): Params {
		const commands = isObject(params.cmd) ? params.cmd : {};
		const halt = String(params.halt ?? '0') === '1' || params.halt === true;
		const result: Params = {};
		const errors: Params = {};
		const totals: Params = {};
		const nexts: Params = {};
		const times: Params = {};
		let count = 0;
		for (const [key, command] of Object.entries(commands)) {
			count++;
			if (count > 50) {
				errors[key] = { error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' };
				continue;
			}
			const [rawMethod, query = ''] = String(command).split(/\?(.*)/s);
			const method = rawMethod.replace(/\.json$/, '').toLowerCase();
			if (method === 'batch') {
				errors[key] = { error: 'ERROR_BATCH_METHOD_NOT_ALLOWED', error_description: 'Method is not allowed for batch usage' };
				if (halt) break;
				continue;
			}
			const denied = this.scopeError(caller, method, false);
			if (denied) {
				errors[key] = { error: denied.code, error_description: '' };
				if (halt) break;
				continue;
			}
			if (this.takeOperationLimit(method)) {
				errors[key] = { error: 'OPERATION_TIME_LIMIT', error_description: 'Method is blocked due to operation time limit.' };
				if (halt) break;
				continue;
			}
			this.calls.push(`batch:${method}`);
			try {
				const commandParams = this.resolveRefs(parseQuery(query) as Params, result) as Params;
				const answer = this.call(method, commandParams, caller, v3);
				result[key] = answer.result;
				const now = this.clock.now();
				times[key] = { start: now / 1000, finish: now / 1000, duration: 0.001, processing: 0.001, date_start: this.portalDate(now), date_finish: this.portalDate(now) };
				if (answer.extra.total !== undefined) totals[key] = answer.extra.total;
				if (answer.extra.next !== undefined) nexts[key] = answer.extra.next;
			} catch (error) {
				if (!(error instanceof B24Error)) throw error;
				errors[key] = { error: error.code, error_description: error.description };
				if (halt) break;
			}
		}
		// Empty maps come back as [], as PHP encodes them.
		const map = (value: Params) => (Object.keys(value).length ? value : []);
		return { result: map(result), result_error: map(errors), result_total: map(totals), result_next: map(nexts), result_time: map(times) };
	}

	// --- methods --------------------------------------------------------------------------

	/** Takes one of the refusals queued for a method over its operating-time limit. */
	private takeOperationLimit(method: string): boolean {
		const left = this.operationLimited.get(method) ?? 0;
		if (left <= 0) return false;
		this.operationLimited.set(method, left - 1);
		return true;
	}

	private call(method: string, params: Params, caller: Caller, v3: boolean): { result: unknown; extra: Params } {
		const user = caller.user!;
		const plain = (result: unknown) => ({ result, extra: {} });
		if (v3) {
			if (method === 'tasks.task.chat.message.send') return plain(this.chatSend(params, user));
			throw new B24Error(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!');
		}
		switch (method) {
			case 'profile': {
				const me = this.users.get(user)!;
				return plain({ ID: me.ID, ADMIN: me.ADMIN, NAME: me.NAME, LAST_NAME: me.LAST_NAME, TIME_ZONE: me.TIME_ZONE });
			}
			case 'scope':
				// source: https://apidocs.bitrix24.com/api-reference/common/system/scope.html: the caller's scopes, `basic` not listed
				return plain(params.full === true || params.full === 'true' || params.full === '1' ? [...B24_ALL_SCOPES, 'crm', 'department'] : [...caller.scopes]);
			case 'server.time':
				return plain(this.portalDate());
			case 'user.get':
				return this.page([...this.users.values()].filter((u) => !isObject(params.FILTER) || params.FILTER.ACTIVE === undefined || u.ACTIVE), params);
			case 'sonet_group.get':
				return this.page([...this.groups.values()], params);
			case 'tasks.task.getfields':
				return plain({ fields: this.fields() });
			case 'tasks.task.add':
				return plain({ task: this.view(this.add(params, user), ['*'], 'write') });
			case 'tasks.task.update':
				return plain({ task: this.view(this.update(params, user), ['*'], 'write') });
			case 'tasks.task.get': {
				const task = this.tasks.get(toInt(params.taskId) ?? -1);
				// source: https://apidocs.bitrix24.com/api-reference/tasks/tasks-task-get.html: `"result": []` when the task does not exist or is not accessible
				if (!task) return plain([]);
				const select = asList(params.select).map(String);
				return plain({ task: this.view(task, select.length ? select : ['*'], 'get') });
			}
			case 'tasks.task.list':
				return this.list(params);
			case 'tasks.task.delete': {
				const id = toInt(params.taskId);
				if (id === undefined) throw new B24Error(400, '0', 'wrong task id');
				if (!this.tasks.delete(id)) throw new B24Error(400, '1048582', 'No access to delete the task');
				return plain({ task: true });
			}
			case 'tasks.task.start':
			case 'tasks.task.pause':
			case 'tasks.task.defer':
			case 'tasks.task.complete':
			case 'tasks.task.renew':
			case 'tasks.task.approve':
			case 'tasks.task.disapprove':
			case 'tasks.task.delegate':
				return plain({ task: this.view(this.changeStatus(method.slice('tasks.task.'.length), params, user), ['*'], 'write') });
			case 'task.commentitem.add':
				return plain(this.commentAdd(params, user));
			case 'task.commentitem.getlist':
				return plain(this.commentList(params));
			case 'im.dialog.messages.get':
				return plain(this.chatMessages(params));
			default:
				throw new B24Error(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!');
		}
	}

	/** Classic list paging: 50 from `start`, with total and next. */
	private page<T>(list: T[], params: Params): { result: T[]; extra: Params } {
		const start = Math.max(0, toInt(params.start) ?? 0);
		const slice = list.slice(start, start + 50);
		return { result: slice, extra: { total: list.length, ...(start + 50 < list.length ? { next: start + 50 } : {}) } };
	}

	private fields(): Params {
		const field = (title: string, type: string, extra: Params = {}) => ({ title, type, ...extra });
		return {
			ID: field('ID', 'integer', { primary: true }),
			PARENT_ID: field('Parent task ID', 'integer'),
			TITLE: field('Name', 'string', { required: true }),
			DESCRIPTION: field('Description', 'string'),
			STATUS: field('Status', 'enum', { values: { 2: 'Pending', 3: 'In progress', 4: 'Supposedly completed', 5: 'Completed', 6: 'Deferred' } }),
			PRIORITY: field('Priority', 'enum', { values: { 0: 'Low', 1: 'Medium', 2: 'High' } }),
			RESPONSIBLE_ID: field('Assignee', 'integer', { required: true }),
			CREATED_BY: field('Created by', 'integer'),
			GROUP_ID: field('Project', 'integer'),
			CREATED_DATE: field('Created on', 'datetime'),
			CHANGED_DATE: field('Modified on', 'datetime'),
			CLOSED_DATE: field('Completed on', 'datetime'),
			DEADLINE: field('Deadline', 'datetime'),
			UF_CRM_TASK: field('CRM items', 'crm'),
			UF_AUTO_REGION: field('Region', 'string'),
		};
	}

	/**
	 * The task as answers show it, camelCase (source: the «Response Handling» examples of
	 * tasks.task.add, update, get, list and the status methods): the selected fields ('*' = all
	 * standard ones) plus what each answer adds. `kind`: `write` (add, update, status methods:
	 * the whole task, its permissions and checklist tree), `get` (adds `favorite`, `group` and the
	 * `action` permissions, as the controller does for a non-empty select), `list`.
	 * `params`: tasks.task.list's WITH_RESULT_INFO / WITH_TIMER_INFO / WITH_PARSED_DESCRIPTION.
	 * Values of fields the sandbox does not model (time tracking, forum, Exchange...) are those of a
	 * plain task (unconfirmed).
	 */
	view(task: B24Task, select: string[], kind: 'list' | 'get' | 'write' = 'list', params: Params = {}): Params {
		const all = select.includes('*') || kind === 'write';
		const has = (field: string) => all || select.includes(field);
		const out: Params = { id: task.id };
		for (const [upper, camel] of Object.entries(STANDARD_FIELDS)) {
			if (has(upper)) out[camel] = task[camel];
		}
		if (all) Object.assign(out, this.plainTaskFields(task));
		if (has('DESCRIPTION')) out.descriptionInBbcode = 'Y';
		if (has('STATUS') || select.includes('SUB_STATUS')) out.subStatus = this.subStatus(task);
		if (has('TAGS')) out.tags = this.phpMap(task.tags.map((title, i) => [String(i + 1), { id: i + 1, title }]));
		if (['UF_CRM_TASK', 'UF_TASK_WEBDAV_FILES', 'UF_MAIL_MESSAGE'].some((code) => select.includes(code))) {
			out.ufCrmTask = task.ufCrmTask;
			out.ufTaskWebdavFiles = task.custom.UF_TASK_WEBDAV_FILES ?? [];
			out.ufMailMessage = null;
		}
		for (const code of select.filter((name) => name.startsWith('UF_') && !['UF_CRM_TASK', 'UF_TASK_WEBDAV_FILES', 'UF_MAIL_MESSAGE'].includes(name))) {
			const camel = code.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
			out[camel] = task.custom[code] ?? null;
		}
		if (kind === 'get') out.favorite = task.favorite;
		// Every answer carries the group: its card, or [] without one (PHP's empty array).
		out.group = this.groupCard(task.groupId);
		if (has('CREATED_BY')) out.creator = this.userCard(task.createdBy);
		if (has('RESPONSIBLE_ID')) out.responsible = this.userCard(task.responsibleId);
		if (has('ACCOMPLICES')) out.accomplicesData = this.phpMap(task.accomplices.map((id) => [id, this.userCard(id)]));
		if (has('AUDITORS')) out.auditorsData = this.phpMap(task.auditors.map((id) => [id, this.userCard(id)]));
		if (select.includes('COUNTERS')) out.counter = { counters: { expired: 0, newComments: 0, projectExpired: 0, projectNewComments: 0, mutedExpired: 0, mutedNewComments: 0 }, color: 'gray', value: 0 };
		if (params.WITH_RESULT_INFO) Object.assign(out, { taskRequireResult: 'N', taskHasOpenResult: 'N', taskHasResult: 'N' });
		if (params.WITH_TIMER_INFO) Object.assign(out, { timeElapsed: null, timerIsRunningForCurrentUser: 'N' });
		if (params.WITH_PARSED_DESCRIPTION) out.parsedDescription = task.description;
		if (kind === 'write') out.newCommentsCount = 0;
		if (kind !== 'list') out.action = this.allowedActions(task);
		if (kind === 'write') {
			out.checkListTree = {
				nodeId: 0,
				fields: { id: null, copiedId: null, entityId: null, userId: Number(task.createdBy), createdBy: null, parentId: null, title: '', sortIndex: null, displaySortIndex: '', isComplete: false, isImportant: false, completedCount: 0, members: [], attachments: [], nodeId: null },
				action: [],
				descendants: [],
			};
			out.checkListCanAdd = true;
		}
		return out;
	}

	/**
	 * A map as PHP's JSON encoder writes it: an object, or [] when empty (as the answers of
	 * https://apidocs.bitrix24.com/settings/how-to-call-rest-api/batch.html show, `"result_error": []`).
	 */
	private phpMap(entries: Array<[string, unknown]>): unknown {
		return entries.length ? Object.fromEntries(entries) : [];
	}

	/** Fields of the whole task the sandbox does not model, as a plain task shows them. */
	private plainTaskFields(task: B24Task): Params {
		return {
			multitask: 'N',
			notViewed: 'N',
			replicate: 'N',
			stageId: '0',
			sprintId: null,
			backlogId: null,
			changedBy: task.changedBy,
			statusChangedBy: task.statusChangedBy,
			activityDate: task.changedDate,
			dateStart: task.dateStart,
			guid: `{00000000-0000-4000-8000-${task.id.padStart(12, '0')}}`,
			xmlId: null,
			commentsCount: String(this.comments.get(Number(task.id))?.length ?? 0),
			serviceCommentsCount: '0',
			allowChangeDeadline: 'N',
			allowTimeTracking: 'N',
			addInReport: 'N',
			forkedByTemplateId: null,
			timeEstimate: '0',
			timeSpentInLogs: null,
			matchWorkTime: 'N',
			forumTopicId: null,
			forumId: null,
			siteId: 's1',
			subordinate: 'Y',
			exchangeModified: null,
			exchangeId: null,
			outlookVersion: '1',
			viewedDate: null,
			sorting: null,
			durationFact: null,
			isMuted: 'N',
			isPinned: 'N',
			isPinnedInGroup: 'N',
			flowId: null,
			statusChangedDate: task.statusChangedDate,
			durationPlan: null,
			durationType: 'days',
			favorite: task.favorite,
			checklist: [],
		};
	}

	/** What the caller may do with the task (the `action` object of the documented answers). */
	private allowedActions(task: B24Task): Params {
		const status = task.status;
		const open = !['4', '5'].includes(status);
		return {
			accept: false,
			decline: false,
			complete: open,
			approve: status === '4',
			disapprove: status === '4',
			start: ['2', '6'].includes(status),
			pause: status === '3',
			delegate: open,
			remove: true,
			edit: true,
			defer: !['5', '6'].includes(status),
			renew: ['4', '5', '6'].includes(status),
			create: true,
			changeDeadline: true,
			checklistAddItems: true,
			addFavorite: task.favorite !== 'Y',
			deleteFavorite: task.favorite === 'Y',
			rate: true,
			take: false,
			'edit.originator': false,
			'checklist.reorder': true,
			'elapsedtime.add': true,
			'dayplan.timer.toggle': false,
			'edit.plan': true,
			'checklist.add': true,
			'favorite.add': task.favorite !== 'Y',
			'favorite.delete': task.favorite === 'Y',
		};
	}

	private groupCard(groupId: string): unknown {
		const group = this.groups.get(groupId);
		if (!group || groupId === '0') return [];
		return { id: group.ID, name: group.NAME, opened: false, membersCount: 1, image: '', additionalData: [] };
	}

	private userCard(id: string): Params {
		const user = this.users.get(id);
		return {
			id,
			name: user ? `${user.NAME} ${user.LAST_NAME}`.trim() : '',
			link: `/company/personal/user/${id}/`,
			icon: '/bitrix/images/tasks/default_avatar.png',
			workPosition: user?.WORK_POSITION ?? '',
		};
	}

	private subStatus(task: B24Task): string {
		const deadline = this.parseDate(task.deadline);
		if (task.status !== '5' && deadline !== undefined && deadline < this.clock.now()) return '-1';
		return task.status;
	}

	private requireUser(id: unknown, what: string): string {
		const value = toInt(id);
		if (value === undefined || !this.users.has(String(value))) {
			throw new B24Error(400, 'ERROR_CORE', `User specified in the ${what} field not found`);
		}
		return String(value);
	}

	/** Refuses a datetime that is not of the documented type (`strictDates`). */
	private checkDate(value: unknown, key: string): void {
		if (!this.strictDates || value === '' || value === null || value === undefined) return;
		if (typeof value !== 'string' || !DOCUMENTED_DATE.test(value.trim())) {
			throw new B24Error(400, 'ERROR_CORE', `Wrong date format in ${key}: use YYYY-MM-DDThh:mm:ss±hh:mm`);
		}
	}

	/** Applies UPPER_CASE `fields` to a task. */
	private applyFields(task: B24Task, fields: Params): void {
		for (const [key, value] of Object.entries(fields)) {
			switch (key) {
				case 'TITLE':
					if (String(value ?? '').trim() === '') throw new B24Error(400, 'ERROR_CORE', 'Task title is not specified');
					task.title = String(value);
					break;
				case 'DESCRIPTION':
					task.description = String(value ?? '');
					break;
				case 'RESPONSIBLE_ID':
					task.responsibleId = this.requireUser(value, 'Responsible');
					break;
				case 'CREATED_BY':
					task.createdBy = this.requireUser(value, 'Created by');
					break;
				case 'PRIORITY':
					if (!['0', '1', '2'].includes(String(value))) throw new B24Error(400, 'ERROR_CORE', 'Incorrect priority');
					task.priority = String(value);
					break;
				case 'GROUP_ID':
					task.groupId = String(toInt(value) ?? 0);
					break;
				case 'PARENT_ID': {
					const parent = toInt(value) ?? 0;
					if (parent && !this.tasks.has(parent)) throw new B24Error(400, 'ERROR_CORE', 'Task specified in the Parent Task field not found');
					task.parentId = parent ? String(parent) : null;
					break;
				}
				case 'ACCOMPLICES':
					task.accomplices = asList(value).map((id) => this.requireUser(id, 'Participants'));
					break;
				case 'AUDITORS':
					task.auditors = asList(value).map((id) => this.requireUser(id, 'Observers'));
					break;
				case 'TAGS':
					task.tags = asList(value).map(String);
					break;
				case 'UF_CRM_TASK':
					task.ufCrmTask = asList(value).map(String);
					break;
				case 'DEADLINE':
				case 'START_DATE_PLAN':
				case 'END_DATE_PLAN': {
					this.checkDate(value, key);
					const ms = this.parseDate(value);
					if (value !== '' && value !== null && ms === undefined) throw new B24Error(400, 'ERROR_CORE', `Wrong date in ${key}`);
					const camel = STANDARD_FIELDS[key] as 'deadline' | 'startDatePlan' | 'endDatePlan';
					task[camel] = ms === undefined ? null : this.portalDate(ms);
					break;
				}
				case 'TASK_CONTROL':
					task.taskControl = value === 'Y' || value === true ? 'Y' : 'N';
					break;
				case 'STATUS':
					if (!['2', '3', '4', '5', '6'].includes(String(value))) throw new B24Error(400, 'ERROR_CORE', 'Incorrect status');
					task.status = String(value);
					break;
				default:
					if (key.startsWith('UF_')) task.custom[key] = value;
					// Choice: other keys are ignored, as Bitrix24 ignores unknown fields.
			}
		}
		if ((task.startDatePlan === null) !== (task.endDatePlan === null)) {
			throw new B24Error(400, 'ERROR_CORE', 'Planned start and end dates must be set together');
		}
	}

	private add(params: Params, user: string): B24Task {
		const fields = isObject(params.fields) ? params.fields : undefined;
		if (!fields) throw new B24Error(400, '100', 'Could not find value for parameter {fields}');
		if (String(fields.TITLE ?? '').trim() === '') throw new B24Error(400, 'ERROR_CORE', 'Task title is not specified');
		if (fields.RESPONSIBLE_ID === undefined) throw new B24Error(400, 'ERROR_CORE', 'Responsible person not specified');
		const draft = this.addTask({ createdBy: user });
		try {
			this.applyFields(draft, fields);
		} catch (error) {
			this.tasks.delete(Number(draft.id));
			throw error;
		}
		return draft;
	}

	private taskFor(params: Params): B24Task {
		const id = toInt(params.taskId);
		if (id === undefined) throw new B24Error(400, '0', 'wrong task id');
		const task = this.tasks.get(id);
		if (!task) throw notAllowed();
		return task;
	}

	private update(params: Params, user: string): B24Task {
		const task = this.taskFor(params);
		const fields = isObject(params.fields) ? params.fields : undefined;
		if (!fields || Object.keys(fields).length === 0) throw new B24Error(400, '100', 'Could not find value for parameter {fields}');
		const copy: B24Task = JSON.parse(JSON.stringify(task)) as B24Task;
		this.applyFields(copy, fields);
		Object.assign(task, copy, { changedDate: this.portalDate(), changedBy: user });
		return task;
	}

	private changeStatus(action: string, params: Params, user: string): B24Task {
		const task = this.taskFor(params);
		const set = (status: string) => {
			const approved = task.status === '4' && status === '5';
			task.status = status;
			// Closed on completion, or (the other reading, `closedDateAt`) already on submission.
			const closing = status === '5' || (status === '4' && this.closedDateAt === 'submission');
			const keep = approved && this.closedDateAt === 'submission' && task.closedDate !== null;
			if (!keep) {
				task.closedDate = closing ? this.portalDate() : null;
				task.closedBy = closing ? user : null;
			}
			task.statusChangedBy = user;
			task.statusChangedDate = this.portalDate();
			if (status === '3') task.dateStart ??= this.portalDate();
		};
		switch (action) {
			case 'start':
				if (!['2', '6'].includes(task.status)) throw notAllowed();
				set('3');
				break;
			case 'pause':
				if (task.status !== '3') throw notAllowed();
				set('2');
				break;
			case 'defer':
				if (['5', '6'].includes(task.status)) throw notAllowed();
				set('6');
				break;
			case 'complete':
				if (['4', '5'].includes(task.status)) throw notAllowed();
				set(task.taskControl === 'Y' && task.createdBy !== user ? '4' : '5');
				break;
			case 'renew':
				if (!['4', '5', '6'].includes(task.status)) throw notAllowed();
				set('2');
				break;
			case 'approve':
				if (task.status !== '4') throw notAllowed();
				set('5');
				break;
			case 'disapprove':
				if (task.status !== '4') throw notAllowed();
				set('2');
				break;
			case 'delegate':
				task.responsibleId = this.requireUser(params.userId, 'Responsible');
				break;
		}
		task.changedDate = this.portalDate();
		task.changedBy = user;
		return task;
	}

	// --- list ----------------------------------------------------------------------------

	private fieldValue(task: B24Task, field: string): unknown {
		switch (field) {
			case 'REAL_STATUS':
				return task.status;
			case 'STATUS':
				return this.subStatus(task);
			case 'UF_CRM_TASK':
				return task.ufCrmTask;
			case 'TAG':
				return task.tags;
			default: {
				const camel = STANDARD_FIELDS[field];
				return camel ? task[camel] : task.custom[field];
			}
		}
	}

	/** One filter condition as a test of a task; the key and the wanted values are read once per list. */
	private condition(rawKey: string, expected: unknown): (task: B24Task) => boolean {
		const [, op = '', field] = OPERATOR.exec(rawKey)!;
		if (field === 'ACCOMPLICE' || field === 'AUDITOR') {
			const who = asList(expected).map(String);
			return (task) => {
				const members = field === 'ACCOMPLICE' ? task.accomplices : task.auditors;
				const found = who.some((id) => members.includes(id));
				return op.startsWith('!') ? !found : found;
			};
		}
		const isDate = /DATE|DEADLINE/.test(field);
		const compare = (value: unknown, wanted: unknown): number => {
			if (isDate) return (this.parseDate(value) ?? Number.NaN) - (this.parseDate(wanted) ?? Number.NaN);
			const a = Number(value);
			const b = Number(wanted);
			if (!Number.isNaN(a) && !Number.isNaN(b)) return a - b;
			return String(value).localeCompare(String(wanted));
		};
		const wanted = asList(expected);
		const pattern = String(expected).replace(/%/g, '').toLowerCase();
		const like = (value: unknown) => String(value ?? '').toLowerCase().includes(pattern);
		const valuesOf = (task: B24Task): unknown[] => {
			const actual = this.fieldValue(task, field);
			return Array.isArray(actual) ? actual : [actual];
		};
		const equalsAny = (task: B24Task) =>
			valuesOf(task).some((value) => wanted.some((w) => value !== null && compare(value, w) === 0));
		switch (op) {
			case '':
			case '=':
			case '@':
				return equalsAny;
			case '!':
			case '!=':
			case '!@':
				return (task) => !equalsAny(task);
			case '%':
			case '=%':
			case '%=':
				return (task) => valuesOf(task).some(like);
			case '!%':
				return (task) => !valuesOf(task).some(like);
			default: {
				if (expected === '' || expected === undefined) return () => true; // an empty bound is no bound
				return (task) => {
					const value = valuesOf(task)[0];
					if (value === null || value === undefined) return false;
					const c = compare(value, expected);
					if (Number.isNaN(c)) return false;
					return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
				};
			}
		}
	}

	/**
	 * A keyset read ordered by ID alone (`start=-1`, as Return All and the trigger read): the first
	 * 50 matching tasks walked in id order from the `>ID` / `<ID` bound, instead of sorting every
	 * task for every page, so that paging through 100,000 tasks stays linear (npm run bench).
	 * Gives what the general path gives (it sorts IDs numerically); undefined when it does not apply.
	 * Source: the same as the general path, tasks.task.list (https://apidocs.bitrix24.com/api-reference/tasks/tasks-task-list.html):
	 * no new behaviour, only no sort per page.
	 */
	private keysetPage(order: Params, filter: Params, matches: (task: B24Task) => boolean): B24Task[] | undefined {
		const keys = Object.entries(order);
		if (keys.length !== 1 || keys[0][0].toUpperCase() !== 'ID') return undefined;
		const descending = String(keys[0][1]).toLowerCase() === 'desc';
		const ids = this.tasks.idsAscending();
		// Where to start: past the bound of a `>ID` (ascending) or `<ID` (descending) condition.
		let index = descending ? ids.length - 1 : 0;
		for (const [key, value] of Object.entries(filter)) {
			const [, op = '', field] = OPERATOR.exec(key)!;
			const bound = Number(value);
			if (field !== 'ID' || typeof value === 'object' || value === '' || Number.isNaN(bound)) continue;
			// First position whose id is above (or at) the bound.
			const firstAbove = (inclusive: boolean) => {
				let low = 0;
				let high = ids.length;
				while (low < high) {
					const mid = (low + high) >> 1;
					if (inclusive ? ids[mid] < bound : ids[mid] <= bound) low = mid + 1;
					else high = mid;
				}
				return low;
			};
			if (!descending && (op === '>' || op === '>=')) index = Math.max(index, firstAbove(op === '>='));
			if (descending && (op === '<' || op === '<=')) index = Math.min(index, firstAbove(op === '<') - 1);
		}
		const page: B24Task[] = [];
		for (; index >= 0 && index < ids.length && page.length < 50; index += descending ? -1 : 1) {
			const task = this.tasks.get(ids[index]);
			if (task && matches(task)) page.push(task);
		}
		return page;
	}

	private list(params: Params): { result: unknown; extra: Params } {
		const filter = isObject(params.filter) ? { ...params.filter } : {};
		// source: https://apidocs.bitrix24.com/api-reference/tasks/tasks-task-list.html: favorites with `::SUBFILTER-PARAMS: { FAVORITE: 'Y' }`
		const favorites = isObject(filter['::SUBFILTER-PARAMS']) ? filter['::SUBFILTER-PARAMS'].FAVORITE : undefined;
		delete filter['::SUBFILTER-PARAMS'];
		for (const [key, value] of Object.entries(filter)) {
			const field = OPERATOR.exec(key)![2];
			if (!FILTERABLE.includes(field) && !field.startsWith('UF_')) {
				// Unconfirmed: an undocumented filter key is refused or ignored (`unknownFilterField`).
				if (this.unknownFilterField === 'ignore') {
					delete filter[key];
					continue;
				}
				throw new B24Error(400, 'ERROR_CORE', `Unknown filter field ${key}`);
			}
			if (/DATE|DEADLINE/.test(field)) for (const entry of asList(value)) this.checkDate(entry, key);
		}
		const order = isObject(params.order) ? params.order : { ID: 'desc' };
		for (const key of Object.keys(order)) {
			if (!SORTABLE.includes(key.toUpperCase())) throw new B24Error(400, '0', 'Invalid sorting key');
		}
		const conditions = Object.entries(filter).map(([key, value]) => this.condition(key, value));
		const select = asList(params.select).map(String);
		const listParams = isObject(params.params) ? params.params : {};
		const start = toInt(params.start) ?? 0;
		const keyset = start === -1 ? this.keysetPage(order, filter, (task) => (favorites === undefined || task.favorite === favorites) && conditions.every((holds) => holds(task))) : undefined;
		if (keyset) return { result: { tasks: keyset.map((task) => this.view(task, select.length ? select : ['*'], 'list', listParams)) }, extra: { total: 0 } };
		let tasks = [...this.tasks.values()].filter(
			(task) => (favorites === undefined || task.favorite === favorites) && conditions.every((holds) => holds(task)),
		);
		// Each task's sort values are read once, not in every comparison.
		const sortKeys = Object.entries(order).map(([key, direction]) => ({
			field: key.toUpperCase(),
			descending: String(direction).toLowerCase() === 'desc',
		}));
		const keyed = tasks.map((task) => ({
			task,
			values: sortKeys.map(({ field }) => {
				const value = this.fieldValue(task, field);
				return /DATE|DEADLINE/.test(field) ? (this.parseDate(value) ?? 0) : value;
			}),
		}));
		keyed.sort((a, b) => {
			for (const [index, { descending }] of sortKeys.entries()) {
				const va = a.values[index];
				const vb = b.values[index];
				let c: number;
				if (typeof va === 'number' && typeof vb === 'number') c = va - vb;
				else if (!Number.isNaN(Number(va)) && !Number.isNaN(Number(vb))) c = Number(va) - Number(vb);
				else c = String(va).localeCompare(String(vb));
				if (c !== 0) return descending ? -c : c;
			}
			return 0;
		});
		tasks = keyed.map(({ task }) => task);
		if (start === -1) {
			tasks = tasks.slice(0, 50);
			return { result: { tasks: tasks.map((task) => this.view(task, select.length ? select : ['*'], 'list', listParams)) }, extra: { total: 0 } };
		}
		const { result, extra } = this.page(tasks, params);
		return { result: { tasks: result.map((task) => this.view(task, select.length ? select : ['*'], 'list', listParams)) }, extra };
	}

	// --- comments -------------------------------------------------------------------------

	private commentAdd(params: Params, user: string): number {
		const taskId = toInt(params.TASKID);
		const task = taskId === undefined ? undefined : this.tasks.get(taskId);
		if (!task) throw new B24Error(400, 'ERROR_CORE', 'TASKS_ERROR_EXCEPTION_#4; Action is not allowed; 4/TE/ACTION_NOT_ALLOWED');
		const fields = isObject(params.FIELDS) ? params.FIELDS : {};
		if (String(fields.POST_MESSAGE ?? '').trim() === '') throw new B24Error(400, 'ERROR_CORE', 'Comment text is not specified');
		// source: https://apidocs.bitrix24.com/api-reference/tasks/comment-item/task-comment-item-add.html: AUTHOR_ID posts on behalf of another user
		const authorId = toInt(fields.AUTHOR_ID) !== undefined ? this.requireUser(fields.AUTHOR_ID, 'Author') : user;
		const author = this.users.get(authorId)!;
		const comment: B24Comment = {
			ID: String(this.nextCommentId++),
			AUTHOR_ID: authorId,
			AUTHOR_NAME: `${author.NAME} ${author.LAST_NAME}`.trim(),
			AUTHOR_EMAIL: '',
			POST_DATE: this.parseDate(fields.POST_DATE) !== undefined ? this.portalDate(this.parseDate(fields.POST_DATE)) : this.portalDate(),
			POST_MESSAGE: String(fields.POST_MESSAGE),
		};
		this.comments.set(taskId!, [...(this.comments.get(taskId!) ?? []), comment]);
		return Number(comment.ID);
	}

	/**
	 * task.commentitem.getlist (source: https://apidocs.bitrix24.com/api-reference/tasks/comment-item/task-comment-item-get-list.html):
	 * TASKID, ORDER (ID, AUTHOR_ID, POST_DATE...), FILTER (ID, AUTHOR_ID, POST_DATE with !, <, <=, >, >=);
	 * each comment with POST_MESSAGE_HTML and ATTACHED_OBJECTS (files are not modelled: {}).
	 */
	private commentList(params: Params): Params[] {
		const taskId = toInt(params.TASKID);
		const task = taskId === undefined ? undefined : this.tasks.get(taskId);
		if (!task) throw new B24Error(400, 'ERROR_CORE', 'TASKS_ERROR_EXCEPTION_#4; Action is not allowed; 4/TE/ACTION_NOT_ALLOWED');
		// Choice: on the new task card the classic list is empty.
		if (task.chatId) return [];
		const filter = isObject(params.FILTER) ? params.FILTER : {};
		const list = [...(this.comments.get(taskId!) ?? [])].filter((comment) =>
			Object.entries(filter).every(([key, wanted]) => {
				const [, op = '', field] = /^(<=|>=|<|>|!)?(.*)$/.exec(key)!;
				const actual = (comment as unknown as Params)[field];
				const c = field === 'POST_DATE' ? (this.parseDate(actual) ?? 0) - (this.parseDate(wanted) ?? 0) : Number(actual) - Number(wanted);
				return op === '' ? c === 0 : op === '!' ? c !== 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
			}),
		);
		const order = isObject(params.ORDER) ? params.ORDER : { ID: 'desc' };
		const [[by, direction]] = Object.entries(order).length ? Object.entries(order) : [['ID', 'desc']];
		list.sort((a, b) => {
			const field = String(by).toUpperCase();
			const c = field === 'POST_DATE' ? (this.parseDate(a.POST_DATE) ?? 0) - (this.parseDate(b.POST_DATE) ?? 0) : Number(a.ID) - Number(b.ID);
			return String(direction).toLowerCase() === 'desc' ? -c : c;
		});
		return list.map((comment) => ({ POST_MESSAGE_HTML: null, AUTHOR_EMAIL: '', ...comment, ATTACHED_OBJECTS: {} }));
	}

	/**
	 * REST 3.0 tasks.task.chat.message.send (source:
	 * https://apidocs.bitrix24.com/api-reference/tasks/tasks-task-chat-message-send.html):
	 * `{ fields: { taskId, text } }` → `{ result: { result: true } }`; a missing field →
	 * 400 with `validation`; no access to the task → 403 ACCESSDENIEDEXCEPTION (status:
	 * https://apidocs.bitrix24.com/api-reference/rest-v3.html).
	 */
	private chatSend(params: Params, user: string): Params {
		const fields = isObject(params.fields) ? params.fields : undefined;
		const missing = !fields ? 'fields' : fields.taskId === undefined ? 'taskId' : fields.text === undefined || fields.text === '' ? 'text' : undefined;
		if (missing) {
			throw new B24Error(400, 'BITRIX_REST_V3_EXCEPTION_VALIDATION_DTOVALIDATIONEXCEPTION', 'Error during object validation', {
				validation: [{ message: `The required field "${missing}" is not filled`, field: missing }],
			});
		}
		const task = this.tasks.get(toInt(fields!.taskId) ?? -1);
		if (!task) throw new B24Error(403, 'BITRIX_REST_V3_EXCEPTION_ACCESSDENIEDEXCEPTION', 'Access denied', {});
		// Unconfirmed: the answer for a task without a chat (classic card).
		if (!task.chatId) throw new B24Error(400, 'BITRIX_REST_V3_EXCEPTION_ENTITYNOTFOUNDEXCEPTION', 'Task chat not found', {});
		const chatId = Number(task.chatId);
		this.chats.set(chatId, [
			...(this.chats.get(chatId) ?? []),
			{ id: this.nextMessageId++, chat_id: chatId, author_id: Number(user), date: this.portalDate(), text: String(fields!.text ?? '') },
		]);
		return { result: true };
	}

	private chatMessages(params: Params): Params {
		const dialog = /^chat(\d+)$/.exec(String(params.DIALOG_ID ?? ''));
		if (!dialog) throw new B24Error(400, 'DIALOG_ID_EMPTY', 'Dialog ID can\'t be empty');
		const limit = Math.min(50, toInt(params.LIMIT) ?? 20);
		const lastId = toInt(params.LAST_ID);
		const older = (this.chats.get(Number(dialog[1])) ?? [])
			.filter((message) => lastId === undefined || message.id < lastId)
			.sort((a, b) => b.id - a.id)
			.slice(0, limit);
		return { chat_id: Number(dialog[1]), messages: older, users: [] };
	}
}

export interface SeedDemoOptions {
	tasks?: number;
}

/** Demo data: six users, three projects, a few dozen tasks in every status, some comments. */
export function seedDemo(sandbox: Bitrix24Sandbox, options: SeedDemoOptions = {}): { taskIds: number[] } {
	const people = [
		['2', 'Ivan', 'Petrov'],
		['3', 'Maria', 'Sidorova'],
		['4', 'Oleg', 'Ivanov'],
		['5', 'Anna', 'Smirnova'],
		['6', 'Pavel', 'Kuznetsov'],
	];
	for (const [ID, NAME, LAST_NAME] of people) sandbox.addUser({ ID, NAME, LAST_NAME });
	sandbox.addUser({ ID: '7', NAME: 'Former', LAST_NAME: 'Employee', ACTIVE: false });
	sandbox.addGroup({ ID: '1', NAME: 'Website relaunch' });
	sandbox.addGroup({ ID: '2', NAME: 'Sales team' });
	sandbox.addGroup({ ID: '3', NAME: 'Office move' });
	const statuses = ['2', '3', '5', '6', '2', '4'];
	const titles = ['Call the supplier', 'Prepare the offer', 'Update the price list', 'Check the invoice', 'Plan the meeting', 'Write the report'];
	const taskIds: number[] = [];
	const now = sandbox.clock.now();
	for (let n = 0; n < (options.tasks ?? 36); n++) {
		const created = sandbox.portalDate(now - (40 - n) * 3_600_000);
		const status = statuses[n % statuses.length];
		const task = sandbox.addTask({
			title: `${titles[n % titles.length]} #${n + 1}`,
			description: `Demo task ${n + 1}`,
			status,
			priority: String(n % 3),
			responsibleId: String(2 + (n % 5)),
			createdBy: n % 4 === 0 ? '1' : String(2 + ((n + 1) % 5)),
			groupId: String(n % 4),
			createdDate: created,
			changedDate: created,
			closedDate: status === '5' ? created : null,
			closedBy: status === '5' ? '1' : null,
			deadline: sandbox.portalDate(now + (n - 10) * 86_400_000),
			taskControl: status === '4' ? 'Y' : 'N',
			tags: n % 5 === 0 ? ['demo'] : [],
		});
		taskIds.push(Number(task.id));
		if (n % 3 === 0) {
			sandbox.comments.set(Number(task.id), [
				{ ID: String(1000 + n), AUTHOR_ID: '1', AUTHOR_NAME: 'Sandbox Admin', POST_DATE: created, POST_MESSAGE: `First note on task ${n + 1}` },
			]);
		}
	}
	return { taskIds };
}
