/**
 * amoCRM / Kommo API v4 sandbox: the task-related part of the API, in memory, on loopback.
 *
 * Sources: amoCRM's tasks API page (https://www.amocrm.ru/developers/content/crm_platform/tasks-api,
 * sections named by their anchors: #tasks-list, #task-detail, #tasks-add, #tasks-edit,
 * #tasks-complete) and the developer pages named beside a behaviour.
 * The documented request/answer pairs are in test/contract/amocrm/. A behaviour the sources do
 * not settle says "unconfirmed"; where a client could go wrong under another reading, the
 * sandbox has a switch for each reading (`rejectedBatch`, `completeWithoutResult`,
 * `updatedAtBounds`, `zeroRequestId`) and the node is tested under all of them.
 */
import {
	HttpError,
	type QueryObject,
	type QueryValue,
	SandboxServer,
	type SandboxOptions,
	type SandboxRequest,
	type SandboxResponse,
	type SlidingWindow,
} from './framework';

// ---------------------------------------------------------------------------------------------
// Data model
// ---------------------------------------------------------------------------------------------

export const AMO_ENTITY_TYPES = ['leads', 'contacts', 'companies', 'customers'] as const;
export type AmoEntityType = (typeof AMO_ENTITY_TYPES)[number];

export interface AmoUserRights {
	leads: Record<string, string>;
	contacts: Record<string, string>;
	companies: Record<string, string>;
	tasks: Record<string, string>;
	mail_access: boolean;
	catalog_access: boolean;
	is_admin: boolean;
	is_free: boolean;
	is_active: boolean;
	group_id: number | null;
	role_id: number | null;
	status_rights: unknown[];
}

export interface AmoUser {
	id: number;
	name: string;
	email: string;
	lang: string;
	rights: AmoUserRights;
}

export interface AmoTaskType {
	id: number;
	name: string;
	color: string | null;
	icon_id: number | null;
	code: string | null;
}

export interface AmoGroup {
	id: number;
	name: string;
}

export interface AmoTask {
	id: number;
	account_id: number;
	created_by: number;
	updated_by: number;
	created_at: number;
	updated_at: number;
	responsible_user_id: number;
	group_id: number;
	entity_id: number | null;
	entity_type: AmoEntityType | null;
	is_completed: boolean;
	task_type_id: number;
	text: string;
	duration: number;
	complete_till: number;
	/** null is sent as `[]`, the way the PHP API renders an empty result. */
	result: { text: string } | null;
}

export interface AmoNote {
	id: number;
	entity_id: number;
	entity_type: AmoEntityType;
	created_by: number;
	updated_by: number;
	created_at: number;
	updated_at: number;
	responsible_user_id: number;
	group_id: number;
	note_type: string;
	params: Record<string, unknown>;
	account_id: number;
}

export interface AmoAccount {
	id: number;
	name: string;
	subdomain: string;
	current_user_id: number;
	country: string;
	currency: string;
	timezone: string;
	timezone_offset: string;
}

export interface AmoStore {
	account: AmoAccount;
	users: Map<number, AmoUser>;
	taskTypes: Map<number, AmoTaskType>;
	groups: AmoGroup[];
	/** Ids of the entities tasks and notes can link to. */
	entities: Record<AmoEntityType, Set<number>>;
	tasks: Map<number, AmoTask>;
	notes: Map<number, AmoNote>;
	nextTaskId: number;
	nextNoteId: number;
}

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

export interface AmoCrmSandboxOptions extends SandboxOptions {
	/** Accepted bearer tokens. Default `['test-token']`. */
	tokens?: string[];
	/** Limiter and abuse block on/off. Default true. */
	rateLimit?: boolean;
	/** Requests per (scaled) second. Default 7. */
	requestsPerSecond?: number;
	/** More 429s than this within one (scaled) minute block the account. Default 20. */
	blockAfter429s?: number;
	/** Send `Retry-After` on 429: true = 1 second, a number = that many seconds. Default off. */
	retryAfterHeader?: boolean | number;
	/** 429 body: short plain text (default) or problem+json. */
	limitBody?: 'text' | 'problem';
	/** `/users` answers 403 as for a non-admin token. Default false. */
	usersForbidden?: boolean;
	/**
	 * Links to entities not in `store.entities` are validation errors, and notes of unknown
	 * entities are 404. Default true.
	 */
	strictEntities?: boolean;
	/**
	 * How `filter[updated_at][from]`/`[to]` bound the list. Unconfirmed: the tasks API (#tasks-list)
	 * says only "ОТ и ДО", so clients must work with either. Default inclusive.
	 */
	updatedAtBounds?: 'inclusive' | 'exclusive';
	/**
	 * What amoCRM keeps of an array (POST or PATCH /tasks) it rejects with 400 and
	 * `validation-errors`. Unconfirmed: the tasks API (#tasks-add, #tasks-edit) says only "400 —
	 * Переданы некорректные данные. Подробности доступны в теле ответа", and the answer names
	 * only the rejected elements. `storesNone` (default): nothing of the array is written.
	 * `storesValid`: the valid elements are written all the same (and their ids are not in the
	 * answer).
	 */
	rejectedBatch?: 'storesNone' | 'storesValid';
	/**
	 * An edit that sets `is_completed: true` without `result`. The tasks API (#tasks-complete): "Для
	 * завершения задачи необходимо передать свойство result и is_completed"; whether amoCRM
	 * refuses one without the other is unconfirmed. `accepted` (default): the task is completed
	 * without a result. `rejected`: a validation error on `result` (NotBlank).
	 */
	completeWithoutResult?: 'accepted' | 'rejected';
	/**
	 * An array element (tasks, notes) sent with `request_id` "0" (or 0). Source: the official
	 * library amocrm/amocrm-api-php sends each element's position + 1, commented «Бага в API не
	 * принимает 0» (the API does not accept 0); unconfirmed against the API, and what a refusal
	 * looks like is unknown. `accepted` (default, so other suites see the documented echo): echoed
	 * like any other. `rejected`: the array is refused with 400 `validation-errors` naming that
	 * element, path `request_id`, as for any invalid element (and `rejectedBatch` applies).
	 */
	zeroRequestId?: 'accepted' | 'rejected';
	accountId?: number;
	accountName?: string;
	subdomain?: string;
	/** The token user. Default 504141 (created as an admin if missing). */
	currentUserId?: number;
}

// ---------------------------------------------------------------------------------------------
// Response helpers
// ---------------------------------------------------------------------------------------------

const HAL = 'application/hal+json';
const PROBLEM = 'application/problem+json';

export interface AmoValidationError {
	code: string;
	path: string;
	detail: string;
}

function hal(body: unknown, status = 200): SandboxResponse {
	return { status, headers: { 'Content-Type': HAL }, body };
}

function noContent(): SandboxResponse {
	return { status: 204 };
}

function problem(status: number, title: string, detail: string, extra: object = {}): SandboxResponse {
	return {
		status,
		headers: { 'Content-Type': PROBLEM },
		body: { title, type: `https://httpstatus.es/${status}`, status, detail, ...extra },
	};
}

function validationProblem(
	items: Array<{ request_id: string; errors: AmoValidationError[] }>,
): SandboxResponse {
	return problem(400, 'Bad Request', 'Request validation failed', { 'validation-errors': items });
}

/** A query/path problem outside any batch item: reported as item "0", like amoCRM does. */
function queryError(path: string, code: string, detail: string): HttpError {
	return new HttpError(validationProblem([{ request_id: '0', errors: [{ code, path, detail }] }]));
}

function nginxHtml(status: number, text: string): SandboxResponse {
	return {
		status,
		headers: { 'Content-Type': 'text/html' },
		body:
			`<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n` +
			`<center><h1>${status} ${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
	};
}

// ---------------------------------------------------------------------------------------------
// Query helpers
// ---------------------------------------------------------------------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInt(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value);
}

/** `x=1`, `x[]=1&x[]=2` and `x[0]=1` all become a list of ints; anything else is a 400. */
function intList(value: QueryValue | undefined, path: string): number[] | undefined {
	if (value === undefined) return undefined;
	const raw = typeof value === 'string' ? [value] : Array.isArray(value) ? value : Object.values(value);
	return raw.map((v) => {
		if (typeof v !== 'string' || !/^-?\d+$/.test(v)) {
			throw queryError(path, 'InvalidType', 'This value should be of type int.');
		}
		return Number(v);
	});
}

function intParam(value: QueryValue | undefined, path: string): number | undefined {
	if (value === undefined) return undefined;
	if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
		throw queryError(path, 'InvalidType', 'This value should be of type int.');
	}
	return Number(value);
}

/**
 * Source: the tasks API (#tasks-list) — `filter[updated_at]` is a timestamp ("changed after") or
 * `[from]`/`[to]`. Unconfirmed: whether the bounds include their second (see `updatedAtBounds`).
 */
function timeRange(value: QueryValue | undefined, path: string): { from?: number; to?: number } | undefined {
	if (value === undefined) return undefined;
	if (typeof value === 'string') return { from: intParam(value, path) };
	if (Array.isArray(value)) throw queryError(path, 'InvalidType', 'This value should be of type int.');
	return { from: intParam(value.from, `${path}.from`), to: intParam(value.to, `${path}.to`) };
}

function inRange(
	t: number,
	range: { from?: number; to?: number } | undefined,
	bounds: 'inclusive' | 'exclusive' = 'inclusive',
): boolean {
	if (!range) return true;
	if (bounds === 'exclusive') {
		return (range.from === undefined || t > range.from) && (range.to === undefined || t < range.to);
	}
	return (range.from === undefined || t >= range.from) && (range.to === undefined || t <= range.to);
}

function filterOf(query: QueryObject): QueryObject {
	const f = query.filter;
	if (f === undefined) return {};
	if (typeof f === 'object' && !Array.isArray(f)) return f;
	throw queryError('filter', 'InvalidType', 'This value should be of type array.');
}

const MAX_LIMIT = 250;
const DEFAULT_LIMIT = 50;

function paging(query: QueryObject): { page: number; limit: number } {
	const page = intParam(query.page, 'page') ?? 1;
	const limit = intParam(query.limit, 'limit') ?? DEFAULT_LIMIT;
	if (page < 1) throw queryError('page', 'GreaterThanOrEqual', 'This value should be greater than or equal to 1.');
	if (limit < 1) throw queryError('limit', 'GreaterThanOrEqual', 'This value should be greater than or equal to 1.');
	// Source: the tasks API (#tasks-list) — limit at most 250. Unconfirmed: a larger value acts as
	// 250, and the default is 50 (the default of the official library amocrm/amocrm-api-php,
	// src/AmoCRM/Filters/Traits/PagesFilterTrait.php).
	return { page, limit: Math.min(limit, MAX_LIMIT) };
}

// ---------------------------------------------------------------------------------------------
// The sandbox
// ---------------------------------------------------------------------------------------------

const NOTE_TYPES = [
	'common',
	'call_in',
	'call_out',
	'service_message',
	'extended_service_message',
	'sms_in',
	'sms_out',
	'geolocation',
	'attachment',
];

function defaultRights(isAdmin: boolean, groupId: number | null = 0): AmoUserRights {
	const full = { view: 'A', edit: 'A', add: 'A', delete: 'A', export: 'A' };
	return {
		leads: { ...full },
		contacts: { ...full },
		companies: { ...full },
		tasks: { edit: 'A', delete: 'A' },
		mail_access: true,
		catalog_access: true,
		is_admin: isAdmin,
		is_free: false,
		is_active: true,
		group_id: groupId,
		role_id: null,
		status_rights: [],
	};
}

/** Fields a task update may change. */
export type AmoTaskPatch = Partial<
	Pick<
		AmoTask,
		| 'text'
		| 'complete_till'
		| 'responsible_user_id'
		| 'entity_id'
		| 'entity_type'
		| 'task_type_id'
		| 'duration'
		| 'is_completed'
		| 'result'
	>
>;

export class AmoCrmSandbox extends SandboxServer {
	readonly store: AmoStore;
	/** Accepted bearer tokens; tests may add or revoke at run time. */
	readonly tokens: Set<string>;
	rateLimitEnabled: boolean;
	retryAfterHeader: boolean | number;
	limitBody: 'text' | 'problem';
	usersForbidden: boolean;
	strictEntities: boolean;
	updatedAtBounds: 'inclusive' | 'exclusive';
	rejectedBatch: 'storesNone' | 'storesValid';
	completeWithoutResult: 'accepted' | 'rejected';
	zeroRequestId: 'accepted' | 'rejected';
	readonly blockAfter429s: number;

	private readonly limiter: SlidingWindow;
	private readonly recent429s: SlidingWindow;
	private blockedFlag = false;

	constructor(options: AmoCrmSandboxOptions = {}) {
		super(options);
		this.tokens = new Set(options.tokens ?? ['test-token']);
		this.rateLimitEnabled = options.rateLimit ?? true;
		this.retryAfterHeader = options.retryAfterHeader ?? false;
		this.limitBody = options.limitBody ?? 'text';
		this.usersForbidden = options.usersForbidden ?? false;
		this.strictEntities = options.strictEntities ?? true;
		this.updatedAtBounds = options.updatedAtBounds ?? 'inclusive';
		this.rejectedBatch = options.rejectedBatch ?? 'storesNone';
		this.completeWithoutResult = options.completeWithoutResult ?? 'accepted';
		this.zeroRequestId = options.zeroRequestId ?? 'accepted';
		this.blockAfter429s = options.blockAfter429s ?? 20;
		this.limiter = this.createLimiter(options.requestsPerSecond ?? 7, 1000);
		// Only the limiter's own 429s count towards the block (scaled minute).
		this.recent429s = this.createLimiter(Number.MAX_SAFE_INTEGER, 60_000);

		const currentUserId = options.currentUserId ?? 504141;
		this.store = {
			account: {
				id: options.accountId ?? 30896271,
				name: options.accountName ?? 'Sandbox account',
				subdomain: options.subdomain ?? 'sandbox',
				current_user_id: currentUserId,
				country: 'RU',
				currency: 'RUB',
				timezone: 'Europe/Moscow',
				timezone_offset: '+03:00',
			},
			users: new Map(),
			taskTypes: new Map(),
			groups: [{ id: 0, name: 'Отдел продаж' }],
			entities: { leads: new Set(), contacts: new Set(), companies: new Set(), customers: new Set() },
			tasks: new Map(),
			notes: new Map(),
			nextTaskId: 1000001,
			nextNoteId: 5000001,
		};
		// Every account has the token user and the two predefined task types.
		this.addUser({ id: currentUserId, name: 'Sandbox Admin', email: 'admin@example.com' });
		this.addTaskType({ id: 1, name: 'Follow-up', code: 'FOLLOW_UP' });
		this.addTaskType({ id: 2, name: 'Meeting', code: 'MEETING' });

		this.use((req) => this.guard(req));
		this.registerRoutes();
	}

	// --- state helpers for tests ------------------------------------------------------------

	get currentUserId(): number {
		return this.store.account.current_user_id;
	}

	nowSeconds(): number {
		return this.clock.nowSeconds();
	}

	get blocked(): boolean {
		return this.blockedFlag;
	}

	/** Blocks the account by hand (as after abuse). */
	block(): void {
		this.blockedFlag = true;
	}

	/** Lifts the block and forgets recent 429s and the limiter's window. */
	unblock(): void {
		this.blockedFlag = false;
		this.recent429s.reset();
		this.limiter.reset();
	}

	addUser(partial: Partial<AmoUser> & { id: number }): AmoUser {
		const user: AmoUser = {
			name: `User ${partial.id}`,
			email: `user${partial.id}@example.com`,
			lang: 'ru',
			...partial,
			rights: { ...defaultRights(partial.id === this.store.account.current_user_id), ...partial.rights },
		};
		this.store.users.set(user.id, user);
		return user;
	}

	addTaskType(partial: Partial<AmoTaskType> & { id: number }): AmoTaskType {
		const type: AmoTaskType = { name: `Type ${partial.id}`, color: null, icon_id: null, code: null, ...partial };
		this.store.taskTypes.set(type.id, type);
		return type;
	}

	addEntity(type: AmoEntityType, ...ids: number[]): void {
		for (const id of ids) this.store.entities[type].add(id);
	}

	/** Stores a task as is (no validation); missing fields get defaults and the sandbox time. */
	addTask(partial: Partial<AmoTask> = {}): AmoTask {
		const now = this.nowSeconds();
		const id = partial.id ?? this.store.nextTaskId;
		this.store.nextTaskId = Math.max(this.store.nextTaskId, id + 1);
		const responsible = partial.responsible_user_id ?? this.currentUserId;
		const task: AmoTask = {
			id,
			account_id: this.store.account.id,
			created_by: this.currentUserId,
			updated_by: partial.created_by ?? this.currentUserId,
			created_at: partial.created_at ?? now,
			updated_at: partial.updated_at ?? partial.created_at ?? now,
			responsible_user_id: responsible,
			group_id: this.groupOf(responsible),
			entity_id: null,
			entity_type: null,
			is_completed: false,
			task_type_id: 1,
			text: `Task ${id}`,
			duration: 0,
			complete_till: now + 86400,
			result: null,
			...partial,
		};
		this.store.tasks.set(task.id, task);
		return task;
	}

	/** Changes a task as a user would: updated_at = sandbox second now, updated_by = that user. */
	updateTask(id: number, patch: AmoTaskPatch, byUserId: number = this.currentUserId): AmoTask {
		const task = this.store.tasks.get(id);
		if (!task) throw new Error(`no task ${id}`);
		Object.assign(task, patch);
		if (patch.responsible_user_id !== undefined) task.group_id = this.groupOf(patch.responsible_user_id);
		task.updated_at = this.nowSeconds();
		task.updated_by = byUserId;
		return task;
	}

	completeTask(id: number, resultText?: string, byUserId: number = this.currentUserId): AmoTask {
		return this.updateTask(
			id,
			{ is_completed: true, ...(resultText !== undefined ? { result: { text: resultText } } : {}) },
			byUserId,
		);
	}

	addNote(
		entityType: AmoEntityType,
		entityId: number,
		partial: Partial<AmoNote> = {},
	): AmoNote {
		const now = this.nowSeconds();
		const id = partial.id ?? this.store.nextNoteId;
		this.store.nextNoteId = Math.max(this.store.nextNoteId, id + 1);
		const note: AmoNote = {
			id,
			entity_id: entityId,
			entity_type: entityType,
			created_by: this.currentUserId,
			updated_by: this.currentUserId,
			created_at: now,
			updated_at: partial.created_at ?? now,
			responsible_user_id: this.currentUserId,
			group_id: this.groupOf(this.currentUserId),
			note_type: 'common',
			params: { text: '' },
			account_id: this.store.account.id,
			...partial,
		};
		this.store.notes.set(note.id, note);
		return note;
	}

	private groupOf(userId: number): number {
		return this.store.users.get(userId)?.rights.group_id ?? 0;
	}

	// --- framework hooks ----------------------------------------------------------------------

	protected override extraHeaders(req: SandboxRequest): Record<string, string> {
		return { 'X-Request-Id': req.id };
	}

	protected override notFound(req: SandboxRequest): SandboxResponse {
		return problem(404, 'Not Found', `Unknown path ${req.path}`);
	}

	protected override methodNotAllowed(req: SandboxRequest, allowed: string[]): SandboxResponse {
		const res = problem(405, 'Method Not Allowed', `${req.method} is not supported for ${req.path}`);
		return { ...res, headers: { ...res.headers, Allow: allowed.join(', ') } };
	}

	protected override faultResponse(status: number, _req: SandboxRequest): SandboxResponse {
		if (status === 429) return this.limitResponse();
		if (status === 403) return nginxHtml(403, 'Forbidden');
		// Gateway errors come from nginx in front of the API, as HTML.
		if (status === 502) return nginxHtml(502, 'Bad Gateway');
		if (status === 503) return nginxHtml(503, 'Service Temporarily Unavailable');
		if (status === 504) return nginxHtml(504, 'Gateway Time-out');
		return problem(status, status >= 500 ? 'Internal Server Error' : 'Error', 'Injected fault');
	}

	protected override internalError(_req: SandboxRequest, _error: unknown): SandboxResponse {
		return problem(500, 'Internal Server Error', 'Unexpected sandbox error');
	}

	private limitResponse(): SandboxResponse {
		const headers: Record<string, string> = {};
		if (this.retryAfterHeader !== false) {
			headers['Retry-After'] = String(this.retryAfterHeader === true ? 1 : this.retryAfterHeader);
		}
		if (this.limitBody === 'problem') {
			const res = problem(429, 'Too Many Requests', 'Rate limit exceeded');
			return { ...res, headers: { ...res.headers, ...headers } };
		}
		return { status: 429, headers: { 'Content-Type': 'text/plain', ...headers }, body: 'Too Many Requests' };
	}

	/**
	 * Block, then rate limit, then auth. Sources: 7 requests a second, then 429, and a block after
	 * repeated violations (https://developers.kommo.com/docs/limitations,
	 * https://www.amocrm.ru/developers/content/api/recommendations), the block answered with
	 * nginx's HTML 403 (https://github.com/amocrm/amocrm-api-php/issues/434); 401 problem+json of
	 * type OAuthProblemJson with `hint` (https://github.com/amocrm/amocrm-api-php/issues/123); the
	 * tasks API lists 401 for every method. Unconfirmed: the order of the checks and the 429 body
	 * (plain text by default, see `limitBody`).
	 */
	private guard(req: SandboxRequest): SandboxResponse | undefined {
		if (this.blockedFlag) return nginxHtml(403, 'Forbidden');
		if (this.rateLimitEnabled && !this.limiter.tryAcquire()) {
			if (this.recent429s.record() > this.blockAfter429s) this.blockedFlag = true;
			return this.limitResponse();
		}
		const header = req.headers.authorization;
		const token = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header)?.[1] : undefined;
		if (!token || !this.tokens.has(token)) {
			return {
				status: 401,
				headers: { 'Content-Type': PROBLEM },
				body: {
					title: 'Unauthorized',
					type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson',
					status: 401,
					detail: token ? 'The access token is invalid or has expired' : 'Authorization header is missing',
					hint: token ? 'Token has been revoked' : 'Send Authorization: Bearer <access token>',
				},
			};
		}
		return undefined;
	}

	// --- routes -------------------------------------------------------------------------------

	private registerRoutes(): void {
		this.route('GET', '/api/v4/account', (req) => this.getAccount(req));
		this.route('GET', '/api/v4/users', (req) => this.listUsers(req));
		this.route('GET', '/api/v4/users/:id', (req) => this.getUser(req));
		this.route('GET', '/api/v4/tasks', (req) => this.listTasks(req));
		this.route('POST', '/api/v4/tasks', (req) => this.createTasks(req));
		this.route('PATCH', '/api/v4/tasks', (req) => this.patchTasks(req));
		this.route('GET', '/api/v4/tasks/:id', (req) => this.getTask(req));
		this.route('PATCH', '/api/v4/tasks/:id', (req) => this.patchTask(req));
		this.route('GET', '/api/v4/:entityType/notes', (req) => this.listNotes(req, false));
		this.route('POST', '/api/v4/:entityType/notes', (req) => this.createNotes(req, false));
		this.route('GET', '/api/v4/:entityType/notes/:id', (req) => this.getNote(req));
		this.route('GET', '/api/v4/:entityType/:entityId/notes', (req) => this.listNotes(req, true));
		this.route('POST', '/api/v4/:entityType/:entityId/notes', (req) => this.createNotes(req, true));
	}

	private url(path: string): string {
		return `${this.baseUrl}${path}`;
	}

	private self(path: string): { self: { href: string } } {
		return { self: { href: this.url(path) } };
	}

	/**
	 * HAL page of `items` (the tasks API's #tasks-list example answer: `_page`, `_links.self` /
	 * `next`, `_embedded`); 204 without a body when empty or past the end (Kommo's tasks-list
	 * reference, https://developers.kommo.com/reference/tasks-list; the official library maps 204
	 * to «no content»). Unconfirmed: links keep the request's other parameters.
	 */
	private page<T>(req: SandboxRequest, items: T[], key: string, render: (item: T) => unknown): SandboxResponse {
		const { page, limit } = paging(req.query);
		const slice = items.slice((page - 1) * limit, page * limit);
		if (slice.length === 0) return noContent();
		const others = new URLSearchParams(req.rawQuery);
		others.delete('page');
		others.delete('limit');
		const rest = others.toString();
		const href = (p: number): { href: string } => ({
			href: this.url(`${req.path}?page=${p}&limit=${limit}${rest ? `&${rest}` : ''}`),
		});
		const links: Record<string, { href: string }> = { self: href(page) };
		if (page * limit < items.length) links.next = href(page + 1);
		if (page > 1) links.prev = href(page - 1);
		return hal({ _page: page, _links: links, _embedded: { [key]: slice.map(render) } });
	}

	/**
	 * Source: Kommo «Account parameters», https://developers.kommo.com/reference/account-parameters
	 * (`with=task_types`, `users_groups`, `datetime_settings`).
	 */
	private getAccount(req: SandboxRequest): SandboxResponse {
		const a = this.store.account;
		const withParts = typeof req.query.with === 'string' ? req.query.with.split(',').map((s) => s.trim()) : [];
		const embedded: Record<string, unknown> = {};
		if (withParts.includes('task_types')) embedded.task_types = [...this.store.taskTypes.values()];
		if (withParts.includes('users_groups')) embedded.users_groups = this.store.groups;
		if (withParts.includes('datetime_settings')) {
			embedded.datetime_settings = {
				date_pattern: 'd.m.Y H:i',
				short_date_pattern: 'd.m.Y',
				short_time_pattern: 'H:i',
				date_format: 'd.m.Y',
				time_format: 'H:i',
				timezone: a.timezone,
				timezone_offset: a.timezone_offset,
			};
		}
		return hal({
			id: a.id,
			name: a.name,
			subdomain: a.subdomain,
			current_user_id: a.current_user_id,
			country: a.country,
			currency: a.currency,
			customers_mode: 'disabled',
			is_unsorted_on: true,
			is_loss_reason_enabled: false,
			is_helpbot_enabled: false,
			is_technical_account: false,
			_links: this.self('/api/v4/account'),
			...(Object.keys(embedded).length > 0 ? { _embedded: embedded } : {}),
		});
	}

	private renderUser(user: AmoUser): unknown {
		return { ...user, _links: this.self(`/api/v4/users/${user.id}`) };
	}

	private forbiddenUsers(): SandboxResponse {
		return problem(403, 'Forbidden', 'Insufficient rights to call this method');
	}

	/**
	 * Source: amoCRM users API, https://www.amocrm.ru/developers/content/crm_platform/users-api
	 * (admin only: 403 otherwise, see `usersForbidden`).
	 */
	private listUsers(req: SandboxRequest): SandboxResponse {
		if (this.usersForbidden) return this.forbiddenUsers();
		const users = [...this.store.users.values()].sort((a, b) => a.id - b.id);
		return this.page(req, users, 'users', (u) => this.renderUser(u));
	}

	private getUser(req: SandboxRequest): SandboxResponse {
		if (this.usersForbidden) return this.forbiddenUsers();
		const user = this.store.users.get(Number(req.params.id));
		return user ? hal(this.renderUser(user)) : problem(404, 'Not Found', 'User not found');
	}

	// --- tasks --------------------------------------------------------------------------------

	/** Source: the tasks API (#task-detail, #tasks-list examples) — an empty result is rendered `[]`. */
	renderTask(task: AmoTask): Record<string, unknown> {
		return {
			...task,
			result: task.result ?? [],
			_links: this.self(`/api/v4/tasks/${task.id}`),
		};
	}

	private listTasks(req: SandboxRequest): SandboxResponse {
		const f = filterOf(req.query);
		const ids = intList(f.id, 'filter.id');
		const responsible = intList(f.responsible_user_id, 'filter.responsible_user_id');
		// The official library sends task_type and task_type_id together; accept either.
		const types = intList(f.task_type ?? f.task_type_id, 'filter.task_type');
		const createdBy = intList(f.created_by, 'filter.created_by');
		const updated = timeRange(f.updated_at, 'filter.updated_at');
		let completed: boolean | undefined;
		if (f.is_completed !== undefined) {
			// Source: the tasks API (#tasks-list) documents `filter[is_completed]` as a bool (1 / 0) and its
			// example request sends it as a list, `filter[is_completed][]=1`: both forms are read.
			const raw = typeof f.is_completed === 'string' ? [f.is_completed] : Object.values(f.is_completed);
			if (raw.length === 1 && (raw[0] === '1' || raw[0] === 'true')) completed = true;
			else if (raw.length === 1 && (raw[0] === '0' || raw[0] === 'false')) completed = false;
			else throw queryError('filter.is_completed', 'InvalidType', 'This value should be of type bool.');
		}
		let entityType: string | undefined;
		if (f.entity_type !== undefined) {
			if (typeof f.entity_type !== 'string' || !(AMO_ENTITY_TYPES as readonly string[]).includes(f.entity_type)) {
				throw queryError('filter.entity_type', 'NotSupportedChoice', 'The value you selected is not a valid choice.');
			}
			entityType = f.entity_type;
		}
		const entityIds = intList(f.entity_id, 'filter.entity_id');
		if (entityIds && !entityType) {
			throw queryError('filter.entity_type', 'NotBlank', 'filter[entity_id] requires filter[entity_type].');
		}

		const order = this.taskOrder(req.query.order);
		const tasks = [...this.store.tasks.values()]
			.filter(
				(t) =>
					(!ids || ids.includes(t.id)) &&
					(!responsible || responsible.includes(t.responsible_user_id)) &&
					(!types || types.includes(t.task_type_id)) &&
					(!createdBy || createdBy.includes(t.created_by)) &&
					(completed === undefined || t.is_completed === completed) &&
					(!entityType || t.entity_type === entityType) &&
					(!entityIds || (t.entity_id !== null && entityIds.includes(t.entity_id))) &&
					inRange(t.updated_at, updated, this.updatedAtBounds),
			)
			.sort(order);
		return this.page(req, tasks, 'tasks', (t) => this.renderTask(t));
	}

	/**
	 * Source: the tasks API (#tasks-list) — sorting only by created_at, complete_till, id, asc / desc.
	 * Unconfirmed: ties are broken by id ascending, and the default order is id ascending.
	 */
	private taskOrder(value: QueryValue | undefined): (a: AmoTask, b: AmoTask) => number {
		const byId = (a: AmoTask, b: AmoTask): number => a.id - b.id;
		if (value === undefined) return byId;
		if (typeof value !== 'object' || Array.isArray(value)) {
			throw queryError('order', 'InvalidType', 'This value should be of type array.');
		}
		const entries = Object.entries(value);
		const allowed = ['created_at', 'complete_till', 'id'] as const;
		const keys: Array<{ field: (typeof allowed)[number]; sign: number }> = entries.map(([field, dir]) => {
			if (!(allowed as readonly string[]).includes(field)) {
				throw queryError(`order.${field}`, 'NotSupportedChoice', 'The value you selected is not a valid choice.');
			}
			if (dir !== 'asc' && dir !== 'desc') {
				throw queryError(`order.${field}`, 'NotSupportedChoice', 'The value you selected is not a valid choice.');
			}
			return { field: field as (typeof allowed)[number], sign: dir === 'asc' ? 1 : -1 };
		});
		return (a, b) => {
			for (const { field, sign } of keys) {
				const d = (a[field] - b[field]) * sign;
				if (d !== 0) return d;
			}
			return byId(a, b);
		};
	}

	private getTask(req: SandboxRequest): SandboxResponse {
		// Unconfirmed (the documentation leaves 204 vs 404 open): a missing id is a 404 problem+json.
		const task = this.store.tasks.get(Number(req.params.id));
		return task ? hal(this.renderTask(task)) : problem(404, 'Not Found', `Task ${req.params.id} not found`);
	}

	private requireArray(req: SandboxRequest): unknown[] {
		if (req.bodyError) throw new HttpError(problem(400, 'Bad Request', 'Request body is not valid JSON'));
		if (!Array.isArray(req.body)) {
			throw new HttpError(problem(400, 'Bad Request', 'Request body must be a JSON array'));
		}
		if (req.body.length === 0) throw new HttpError(problem(400, 'Bad Request', 'Request body is empty'));
		return req.body;
	}

	/**
	 * Source: the tasks API (#tasks-add) — `request_id` is echoed unchanged, else the element's position
	 * ("порядковый указатель"). Whether amoCRM accepts "0": see `zeroRequestId`.
	 */
	private requestIdOf(item: unknown, index: number): string {
		const rid = isObject(item) ? item.request_id : undefined;
		return typeof rid === 'string' || typeof rid === 'number' ? String(rid) : String(index);
	}

	/**
	 * The reading of «Бага в API не принимает 0» (amocrm-api-php) chosen by `zeroRequestId`.
	 * Unconfirmed: the code and detail of the refusal (its shape follows the validation error of
	 * https://github.com/amocrm/amocrm-api-php/issues/115).
	 */
	private requestIdErrors(item: unknown): AmoValidationError[] {
		const rid = isObject(item) ? item.request_id : undefined;
		if (this.zeroRequestId === 'rejected' && (rid === '0' || rid === 0)) {
			return [{ code: 'InvalidValue', path: 'request_id', detail: 'This value is not valid.' }];
		}
		return [];
	}

	/**
	 * Validates the task fields present in `item`. `existing` is the task being updated
	 * (create when undefined: text and complete_till are then required — the tasks API, #tasks-add:
	 * "Для создания задачи нужно передать 2 обязательных параметра: text и complete_till").
	 * Unconfirmed: the codes, paths and details of each error (their shape follows the validation
	 * error of https://github.com/amocrm/amocrm-api-php/issues/115), and that unknown types, users
	 * and entities are refused.
	 */
	private validateTask(item: Record<string, unknown>, existing: AmoTask | undefined): AmoValidationError[] {
		const errors: AmoValidationError[] = [];
		const err = (path: string, code: string, detail: string): void => void errors.push({ code, path, detail });
		const blank = 'This value should not be blank.';
		const choice = 'The value you selected is not a valid choice.';

		if (item.text !== undefined || !existing) {
			if (item.text === undefined || item.text === null) err('text', 'NotBlank', blank);
			else if (typeof item.text !== 'string') err('text', 'InvalidType', 'This value should be of type string.');
			else if (item.text.trim() === '') err('text', 'NotBlank', blank);
		}
		if (item.complete_till !== undefined || !existing) {
			if (item.complete_till === undefined || item.complete_till === null) err('complete_till', 'NotBlank', blank);
			else if (!isInt(item.complete_till)) err('complete_till', 'InvalidType', 'This value should be of type int.');
		}
		if (item.task_type_id !== undefined) {
			if (!isInt(item.task_type_id)) err('task_type_id', 'InvalidType', 'This value should be of type int.');
			else if (!this.store.taskTypes.has(item.task_type_id)) err('task_type_id', 'NotSupportedChoice', choice);
		}
		if (item.responsible_user_id !== undefined) {
			if (!isInt(item.responsible_user_id)) {
				err('responsible_user_id', 'InvalidType', 'This value should be of type int.');
			} else if (!this.store.users.has(item.responsible_user_id)) {
				err('responsible_user_id', 'NotSupportedChoice', choice);
			}
		}
		if (item.duration !== undefined && !(isInt(item.duration) && item.duration >= 0)) {
			err('duration', 'InvalidType', 'This value should be of type int.');
		}
		if (item.is_completed !== undefined && typeof item.is_completed !== 'boolean') {
			err('is_completed', 'InvalidType', 'This value should be of type bool.');
		}
		if (item.result !== undefined && item.result !== null) {
			if (!isObject(item.result)) err('result', 'InvalidType', 'This value should be of type object.');
			else if (typeof item.result.text !== 'string') {
				err('result.text', 'InvalidType', 'This value should be of type string.');
			}
		}

		// The link is a pair; a half-sent pair is completed from the task being updated.
		const linkSent = item.entity_type !== undefined || item.entity_id !== undefined;
		if (linkSent) {
			const type = item.entity_type !== undefined ? item.entity_type : existing?.entity_type ?? null;
			const id = item.entity_id !== undefined ? item.entity_id : existing?.entity_id ?? null;
			const typeOk = type === null || (typeof type === 'string' && (AMO_ENTITY_TYPES as readonly string[]).includes(type));
			const idOk = id === null || (isInt(id) && id > 0);
			if (!typeOk) err('entity_type', 'NotSupportedChoice', choice);
			if (!idOk) err('entity_id', 'InvalidType', 'This value should be of type int.');
			if (typeOk && idOk) {
				if (id !== null && type === null) err('entity_type', 'NotBlank', blank);
				else if (type !== null && id === null) err('entity_id', 'NotBlank', blank);
				else if (
					this.strictEntities &&
					type !== null &&
					id !== null &&
					!this.store.entities[type as AmoEntityType].has(id as number)
				) {
					err('entity_id', 'NotFound', `Entity ${type} ${String(id)} not found.`);
				}
			}
		}
		return errors;
	}

	/** Copies the updatable fields of a validated item. */
	private patchOf(item: Record<string, unknown>): AmoTaskPatch {
		const patch: AmoTaskPatch = {};
		if (item.text !== undefined) patch.text = item.text as string;
		if (item.complete_till !== undefined) patch.complete_till = item.complete_till as number;
		if (item.responsible_user_id !== undefined) patch.responsible_user_id = item.responsible_user_id as number;
		if (item.entity_id !== undefined) patch.entity_id = item.entity_id as number | null;
		if (item.entity_type !== undefined) patch.entity_type = item.entity_type as AmoEntityType | null;
		if (item.task_type_id !== undefined) patch.task_type_id = item.task_type_id as number;
		if (item.duration !== undefined) patch.duration = item.duration as number;
		if (item.is_completed !== undefined) patch.is_completed = item.is_completed as boolean;
		if (item.result !== undefined) {
			patch.result = item.result === null ? null : { text: (item.result as { text: string }).text };
		}
		return patch;
	}

	/**
	 * POST /tasks (the tasks API, #tasks-add): an array of tasks, answered with `{ id, request_id,
	 * _links }` each. One invalid element gets the whole array a 400 naming the invalid elements
	 * (#tasks-add: "400 — Переданы некорректные данные"; body: the validation error of
	 * https://github.com/amocrm/amocrm-api-php/issues/115); what is
	 * written then follows `rejectedBatch` (unconfirmed).
	 */
	private createTasks(req: SandboxRequest): SandboxResponse {
		const items = this.requireArray(req);
		const failures: Array<{ request_id: string; errors: AmoValidationError[] }> = [];
		const valid: Array<{ item: Record<string, unknown>; index: number }> = [];
		items.forEach((item, i) => {
			const errors = isObject(item)
				? [...this.validateTask(item, undefined), ...this.requestIdErrors(item)]
				: [{ code: 'InvalidType', path: '', detail: 'This value should be of type object.' }];
			if (errors.length > 0) failures.push({ request_id: this.requestIdOf(item, i), errors });
			else valid.push({ item: item as Record<string, unknown>, index: i });
		});
		if (failures.length > 0 && this.rejectedBatch === 'storesNone') return validationProblem(failures);

		const created = valid.map(({ item, index }) => {
			// Unconfirmed: created_at/updated_at/created_by/updated_by in the body (listed by #tasks-add)
			// are ignored; the task gets the sandbox time and the token user.
			const task = this.addTask({
				is_completed: false,
				task_type_id: 1, // Unconfirmed: the type when none is sent is 1 (the tasks API: a predefined type).
				...this.patchOf(item),
				id: this.store.nextTaskId,
				created_at: this.nowSeconds(),
				updated_at: this.nowSeconds(),
				created_by: this.currentUserId,
				updated_by: this.currentUserId,
			});
			return { id: task.id, request_id: this.requestIdOf(item, index), _links: this.self(`/api/v4/tasks/${task.id}`) };
		});
		if (failures.length > 0) return validationProblem(failures);
		return hal({ _links: this.self('/api/v4/tasks'), _embedded: { tasks: created } });
	}

	/** The reading of the tasks API's #tasks-complete chosen by `completeWithoutResult`. */
	private completionErrors(item: Record<string, unknown>): AmoValidationError[] {
		if (this.completeWithoutResult === 'rejected' && item.is_completed === true && item.result === undefined) {
			return [{ code: 'NotBlank', path: 'result', detail: 'This value should not be blank.' }];
		}
		return [];
	}

	/**
	 * PATCH /tasks (the tasks API, #tasks-edit): an array of changes with `id`, answered with `{ id,
	 * updated_at, request_id, _links }` each. A rejected array: as for POST, per `rejectedBatch`.
	 */
	private patchTasks(req: SandboxRequest): SandboxResponse {
		const items = this.requireArray(req);
		const failures: Array<{ request_id: string; errors: AmoValidationError[] }> = [];
		const valid: Array<{ item: Record<string, unknown>; index: number }> = [];
		items.forEach((item, i) => {
			let errors: AmoValidationError[];
			if (!isObject(item)) {
				errors = [{ code: 'InvalidType', path: '', detail: 'This value should be of type object.' }];
			} else if (!isInt(item.id)) {
				errors = [{ code: 'NotBlank', path: 'id', detail: 'This value should not be blank.' }];
			} else {
				const existing = this.store.tasks.get(item.id);
				// Unconfirmed: an unknown id is a validation error of its element.
				errors = existing
					? [...this.validateTask(item, existing), ...this.completionErrors(item)]
					: [{ code: 'NotFound', path: 'id', detail: `Task ${item.id} not found.` }];
			}
			errors.push(...this.requestIdErrors(item));
			if (errors.length > 0) failures.push({ request_id: this.requestIdOf(item, i), errors });
			else valid.push({ item: item as Record<string, unknown>, index: i });
		});
		if (failures.length > 0 && this.rejectedBatch === 'storesNone') return validationProblem(failures);

		const updated = valid.map(({ item, index }) => {
			const task = this.updateTask(item.id as number, this.patchOf(item));
			return {
				id: task.id,
				updated_at: task.updated_at,
				request_id: this.requestIdOf(item, index),
				_links: this.self(`/api/v4/tasks/${task.id}`),
			};
		});
		if (failures.length > 0) return validationProblem(failures);
		return hal({ _links: this.self('/api/v4/tasks'), _embedded: { tasks: updated } });
	}

	/**
	 * PATCH /tasks/{id} (the tasks API, #tasks-edit, #tasks-complete): one model, answered with
	 * the model `{ id, updated_at, request_id, _links }` (the #tasks-complete example answer has
	 * `request_id: "0"`).
	 */
	private patchTask(req: SandboxRequest): SandboxResponse {
		if (req.bodyError) return problem(400, 'Bad Request', 'Request body is not valid JSON');
		const existing = this.store.tasks.get(Number(req.params.id));
		// Unconfirmed: an unknown id is a 404.
		if (!existing) return problem(404, 'Not Found', `Task ${req.params.id} not found`);
		if (!isObject(req.body)) return problem(400, 'Bad Request', 'Request body must be a JSON object');
		const errors = [...this.validateTask(req.body, existing), ...this.completionErrors(req.body)];
		if (errors.length > 0) return validationProblem([{ request_id: '0', errors }]);
		const task = this.updateTask(existing.id, this.patchOf(req.body));
		return hal({ id: task.id, updated_at: task.updated_at, request_id: '0', _links: this.self(`/api/v4/tasks/${task.id}`) });
	}

	// --- notes --------------------------------------------------------------------------------

	/** Entity type from the path, or 404 as for any unknown path. */
	private entityTypeOf(req: SandboxRequest): AmoEntityType {
		const type = req.params.entityType;
		if (!(AMO_ENTITY_TYPES as readonly string[]).includes(type)) throw new HttpError(this.notFound(req));
		return type as AmoEntityType;
	}

	private entityIdOf(req: SandboxRequest, type: AmoEntityType): number {
		const raw = req.params.entityId;
		if (!/^\d+$/.test(raw)) throw new HttpError(this.notFound(req));
		const id = Number(raw);
		if (this.strictEntities && !this.store.entities[type].has(id)) {
			throw new HttpError(problem(404, 'Not Found', `Entity ${type} ${id} not found`));
		}
		return id;
	}

	renderNote(note: AmoNote): Record<string, unknown> {
		const { entity_type: type, ...rest } = note;
		return { ...rest, _links: this.self(`/api/v4/${type}/notes/${note.id}`) };
	}

	private listNotes(req: SandboxRequest, oneEntity: boolean): SandboxResponse {
		const type = this.entityTypeOf(req);
		const entityId = oneEntity ? this.entityIdOf(req, type) : undefined;
		const f = filterOf(req.query);
		const ids = intList(f.id, 'filter.id');
		const updated = timeRange(f.updated_at, 'filter.updated_at');
		const noteTypes =
			f.note_type === undefined ? undefined : typeof f.note_type === 'string' ? [f.note_type] : Object.values(f.note_type);
		// Unconfirmed: notes come in id order; order[] is not emulated.
		const notes = [...this.store.notes.values()]
			.filter(
				(n) =>
					n.entity_type === type &&
					(entityId === undefined || n.entity_id === entityId) &&
					(!ids || ids.includes(n.id)) &&
					(!noteTypes || noteTypes.includes(n.note_type)) &&
					inRange(n.updated_at, updated),
			)
			.sort((a, b) => a.id - b.id);
		return this.page(req, notes, 'notes', (n) => this.renderNote(n));
	}

	private getNote(req: SandboxRequest): SandboxResponse {
		const type = this.entityTypeOf(req);
		const note = this.store.notes.get(Number(req.params.id));
		if (!note || note.entity_type !== type) return problem(404, 'Not Found', `Note ${req.params.id} not found`);
		return hal(this.renderNote(note));
	}

	private createNotes(req: SandboxRequest, oneEntity: boolean): SandboxResponse {
		const type = this.entityTypeOf(req);
		const pathEntityId = oneEntity ? this.entityIdOf(req, type) : undefined;
		const items = this.requireArray(req);
		const failures: Array<{ request_id: string; errors: AmoValidationError[] }> = [];
		const blank = 'This value should not be blank.';
		items.forEach((item, i) => {
			const errors: AmoValidationError[] = [];
			const err = (path: string, code: string, detail: string): void => void errors.push({ code, path, detail });
			if (!isObject(item)) {
				err('', 'InvalidType', 'This value should be of type object.');
			} else {
				if (pathEntityId === undefined) {
					if (!isInt(item.entity_id)) err('entity_id', 'NotBlank', blank);
					else if (this.strictEntities && !this.store.entities[type].has(item.entity_id)) {
						err('entity_id', 'NotFound', `Entity ${type} ${item.entity_id} not found.`);
					}
				}
				if (typeof item.note_type !== 'string' || !NOTE_TYPES.includes(item.note_type)) {
					err('note_type', 'NotSupportedChoice', 'The value you selected is not a valid choice.');
				}
				if (!isObject(item.params)) err('params', 'NotBlank', blank);
				else if (
					['common', 'service_message', 'extended_service_message'].includes(String(item.note_type)) &&
					(typeof item.params.text !== 'string' || item.params.text.trim() === '')
				) {
					err('params.text', 'NotBlank', blank);
				}
				if (String(item.note_type).includes('service_message') && isObject(item.params)) {
					if (typeof item.params.service !== 'string' || item.params.service === '') {
						err('params.service', 'NotBlank', blank);
					}
				}
				errors.push(...this.requestIdErrors(item));
			}
			if (errors.length > 0) failures.push({ request_id: this.requestIdOf(item, i), errors });
		});
		if (failures.length > 0) return validationProblem(failures);

		const created = (items as Array<Record<string, unknown>>).map((item, i) => {
			const entityId = pathEntityId ?? (item.entity_id as number);
			const note = this.addNote(type, entityId, {
				id: this.store.nextNoteId,
				note_type: item.note_type as string,
				params: item.params as Record<string, unknown>,
			});
			return {
				id: note.id,
				entity_id: entityId,
				request_id: this.requestIdOf(item, i),
				_links: this.self(`/api/v4/${type}/notes/${note.id}`),
			};
		});
		return hal({ _links: this.self(`/api/v4/${type}/notes`), _embedded: { notes: created } });
	}
}

// ---------------------------------------------------------------------------------------------
// Demo data
// ---------------------------------------------------------------------------------------------

export interface SeedDemoOptions {
	/** How many tasks to create. Default 10. */
	tasks?: number;
}

export interface SeedDemoResult {
	users: AmoUser[];
	taskTypes: AmoTaskType[];
	leads: number[];
	contacts: number[];
	companies: number[];
	tasks: AmoTask[];
}

/**
 * A small, deterministic account: users 504141 (the token user, admin) .. 504144 (inactive),
 * task types 1 Follow-up, 2 Meeting, 2710394 Send offer, a few leads/contacts/companies and
 * `tasks` tasks with varied fields, created one minute apart up to now.
 */
export function seedDemo(sandbox: AmoCrmSandbox, options: SeedDemoOptions = {}): SeedDemoResult {
	const count = options.tasks ?? 10;
	sandbox.store.groups.push({ id: 345, name: 'Support' });
	const users = [
		sandbox.addUser({ id: 504141, name: 'Anna Admin', email: 'anna@example.com' }),
		sandbox.addUser({ id: 504142, name: 'Boris Manager', email: 'boris@example.com' }),
		sandbox.addUser({
			id: 504143,
			name: 'Vera Support',
			email: 'vera@example.com',
			rights: { ...defaultRights(false, 345) },
		}),
		sandbox.addUser({
			id: 504144,
			name: 'Gleb Former',
			email: 'gleb@example.com',
			rights: { ...defaultRights(false), is_active: false },
		}),
	];
	const taskTypes = [
		sandbox.addTaskType({ id: 1, name: 'Follow-up', code: 'FOLLOW_UP' }),
		sandbox.addTaskType({ id: 2, name: 'Meeting', code: 'MEETING' }),
		sandbox.addTaskType({ id: 2710394, name: 'Send offer', color: '#ffd1bd', icon_id: 5 }),
	];
	const leads = [9785993, 9785994, 9785995];
	const contacts = [167353, 167354];
	const companies = [301001];
	sandbox.addEntity('leads', ...leads);
	sandbox.addEntity('contacts', ...contacts);
	sandbox.addEntity('companies', ...companies);

	const links: Array<{ entity_type: AmoEntityType | null; entity_id: number | null }> = [
		{ entity_type: 'leads', entity_id: leads[0] },
		{ entity_type: 'contacts', entity_id: contacts[0] },
		{ entity_type: null, entity_id: null },
		{ entity_type: 'leads', entity_id: leads[1] },
		{ entity_type: 'companies', entity_id: companies[0] },
	];
	const activeUsers = users.filter((u) => u.rights.is_active);
	const now = sandbox.nowSeconds();
	const tasks: AmoTask[] = [];
	for (let i = 0; i < count; i++) {
		const createdAt = now - (count - i) * 60;
		const responsible = activeUsers[i % activeUsers.length].id;
		const completed = i % 3 === 2;
		tasks.push(
			sandbox.addTask({
				text: `Demo task ${i + 1}`,
				task_type_id: taskTypes[i % taskTypes.length].id,
				responsible_user_id: responsible,
				created_by: activeUsers[(i + 1) % activeUsers.length].id,
				created_at: createdAt,
				// Some tasks were edited after creation.
				updated_at: i % 4 === 1 ? createdAt + 30 : createdAt,
				complete_till: now + ((i % 5) - 1) * 3600,
				duration: (i % 2) * 1800,
				is_completed: completed,
				result: completed ? { text: `Done ${i + 1}` } : null,
				...links[i % links.length],
			}),
		);
	}
	return { users, taskTypes, leads, contacts, companies, tasks };
}
