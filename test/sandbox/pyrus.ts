/**
 * Pyrus API v4 sandbox: auth with token exchange, tasks, comments, forms with fields and steps,
 * the form register with its filters and cap, lists, inbox, members, Pyrus's error format and
 * its `X-RateLimit-*` headers with 429. In memory, on loopback.
 * Spec: Pyrus's API documentation (https://pyrus.com/en/help/api/tasks and the pages it links). Choices where it is silent are marked "Choice:".
 *
 * Credential values that work against it (`pyrusApi`):
 *   login `bot@sandbox`, secretKey (Security Key) `sandbox-security-key`, personId empty,
 *   serverUrl `<baseUrl>/api/v4` (e.g. http://127.0.0.1:4321/api/v4).
 * The API answers under both `/api/v4` (the on-premise layout, where `/auth` lives) and `/v4`;
 * with `announceApiUrl` the token answer carries `api_url` = `<baseUrl>/v4/`, as the cloud does.
 */
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

export interface PyrusSandboxOptions extends SandboxOptions {
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
	readonly tokens = new Map<string, { account: PyrusAccount; expired: boolean }>();
	/** Successful and failed calls of `/auth`. */
	authCalls = 0;
	/** When set: after this many more authorized requests, every token issued so far expires. */
	expireAfterRequests: number | undefined;
	announceApiUrl: boolean;
	registerCap: number;
	/** Ids (`catalog_id` → item id → texts) of catalog items known to the account. */
	readonly catalogs = new Map<number, Map<number, string[]>>();

	private readonly limiters = new Map<string, SlidingWindow>();
	private readonly rateLimit: number;
	private nextTaskId = 1001;
	private nextCommentId = 50001;
	private tokenCounter = 0;

	constructor(options: PyrusSandboxOptions = {}) {
		super(options);
		this.announceApiUrl = options.announceApiUrl ?? false;
		this.registerCap = options.registerCap ?? 20_000;
		this.rateLimit = options.rateLimit ?? 5000;
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
		for (const entry of this.tokens.values()) entry.expired = true;
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

	addCatalog(id: number, items: Record<number, string[]>): void {
		this.catalogs.set(id, new Map(Object.entries(items).map(([key, values]) => [Number(key), values])));
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
			return { status, headers: { 'X-RateLimit-Reset': '1' }, body: { error: 'Too many requests', error_code: 'too_many_requests' } };
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
		if (entry.expired) throw pyrusError(401, 'expired_token', 'Authorization token has expired.');
		if (this.rateLimit > 0) {
			const limiter = this.limiterFor(entry.account.login);
			const allowed = limiter.tryAcquire();
			const headers = this.rateHeaders(limiter);
			if (!allowed) {
				return { status: 429, headers, body: { error: 'Too many requests', error_code: 'too_many_requests' } };
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
		r('DELETE', '/tasks/:id', (req) => {
			const task = this.task(req.params.id);
			this.tasks.delete(task.id);
			return ok({ deleted: true });
		});
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
		this.tokens.set(token, { account, expired: false });
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
		if (!task) throw pyrusError(403, 'access_denied_task', 'Access to the task is denied.');
		return task;
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
				// Choice: both bounds inclusive.
				return before ? at <= value : at >= value;
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
		const q = req.query as Record<string, string>;
		const count = q.item_count === undefined ? 200 : Number(q.item_count);
		let tasks = [...this.tasks.values()].filter((t) => t.list_ids.includes(listId));
		if (q.include_archived !== 'y') tasks = tasks.filter((t) => !t.archived);
		if (q.modified_after) tasks = tasks.filter((t) => t.last_modified_date >= q.modified_after);
		if (q.modified_before) tasks = tasks.filter((t) => t.last_modified_date <= q.modified_before);
		// Choice: newest change first, ties by id descending.
		tasks.sort((a, b) => b.last_modified_date.localeCompare(a.last_modified_date) || b.id - a.id);
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
					[...(catalog?.entries() ?? [])].find(([, values]) => values.includes(String(name)))?.[0];
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
				if (catalog && ids.some((id) => !catalog.has(id))) throw bad('invalid_catalog_item_id', 'Unknown catalog item');
				return { item_id: ids[0], item_ids: ids, values: catalog?.get(ids[0]) ?? [] };
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
				if (!Array.isArray(value)) throw wrong();
				return value;
			case 'table': {
				if (!Array.isArray(value)) throw wrong();
				const columns = (schema.info?.columns as PyrusFieldSchema[] | undefined) ?? [];
				return value.map((row) => {
					const r = asObject(row);
					if (!r || typeof r.row_id !== 'number') throw bad('invalid_table_row', 'row_id is missing');
					if (r.delete === true) return { row_id: r.row_id, deleted: true };
					if (!Array.isArray(r.cells)) throw bad('invalid_table_row', 'cells are missing');
					return {
						row_id: r.row_id,
						cells: (r.cells as Json[]).map((cell) => {
							const column = columns.find((c) => c.id === cell.id || (cell.id === undefined && c.name === cell.name));
							if (!column) throw bad('invalid_field_id', 'Unknown table column');
							return { id: column.id, type: column.type, name: column.name, value: this.fieldValue(column, cell.value), parent_id: schema.id, row_id: r.row_id };
						}),
					};
				});
			}
			default:
				throw bad('unable_to_edit_field', `Field ${schema.id} of type ${schema.type} cannot be written`);
		}
	}

	/** Applies `{id|code|name, value}` writes to a form task's fields. */
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
			const stored = { id: schema.id, type: schema.type, name: schema.name, value: this.fieldValue(schema, w.value) };
			if (w.duration !== undefined) (stored as Json).duration = w.duration;
			const index = fields.findIndex((f) => f.id === schema.id);
			if (index >= 0) fields[index] = stored;
			else fields.push(stored);
			changed.push(stored);
		}
		task.fields = fields;
		return changed;
	}

	private attachments(value: unknown): Json[] | undefined {
		if (value === undefined) return undefined;
		if (!Array.isArray(value)) throw bad('invalid_value_format', 'attachments must be an array');
		return value.map((entry, index) => {
			const file = asObject(entry);
			if (!file || (file.guid === undefined && file.url === undefined && file.attachment_id === undefined)) {
				throw bad('unrecognized_attachment_id', 'Attachment needs guid, url or attachment_id');
			}
			return { id: 900000 + index, name: String(file.name ?? file.guid ?? file.url ?? file.attachment_id), url: file.url ?? `${this.baseUrl}/files/${String(file.guid ?? file.attachment_id)}` };
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
		if (body.form_id !== undefined) {
			const form = this.forms.get(Number(body.form_id));
			if (!form) throw pyrusError(403, 'access_denied_form', 'Access to the form is denied.');
			task.form_id = form.id;
			task.current_step = 1;
			task.fields = [];
			if (body.fill_defaults === true) task.fields = [];
			if (body.fields !== undefined) this.writeFields(task, form, body.fields);
			if (body.approvals !== undefined) {
				if (!Array.isArray(body.approvals)) throw bad('invalid_value_format', 'approvals');
				task.approvals = (body.approvals as unknown[]).map((step, index) =>
					this.people(step, 'approvals').map((person) => ({ person, approval_choice: 'waiting', step: index + 1 })),
				);
			}
			task.text = form.name;
		} else {
			const text = body.text ?? body.formatted_text;
			if (typeof text !== 'string' || text.trim() === '') throw bad('text_missing', 'Text is missing');
			task.text = text;
			if (body.subject !== undefined) task.subject = body.subject;
			task.responsible = body.responsible === undefined ? author : this.person(body.responsible, 'responsible');
			task.participants = this.people(body.participants, 'participants');
			this.applyDue(task, body);
		}
		task.subscribers = this.people(body.subscribers, 'subscribers').map((person) => ({ person, approval_choice: 'waiting' }));
		if (body.parent_task_id !== undefined) task.parent_task_id = this.task(String(body.parent_task_id)).id;
		if (body.list_ids !== undefined) task.list_ids = parseIdList(body.list_ids);
		if (body.scheduled_date !== undefined) task.scheduled_date = body.scheduled_date;
		if (body.scheduled_datetime_utc !== undefined) task.scheduled_datetime_utc = body.scheduled_datetime_utc;
		const attachments = this.attachments(body.attachments);
		if (attachments) task.attachments = attachments;
		this.nextTaskId++;
		this.tasks.set(task.id, task);
		return ok({ task });
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
		const comment: PyrusComment = { id: this.nextCommentId++, create_date: this.nowText(), author };
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
		if (body.subject !== undefined) {
			if (task.form_id !== undefined) throw bad('invalid_value_format', 'subject applies to simple tasks only');
			task.subject = body.subject;
		}
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
		task.participants = [...participants.filter((p) => !removed.includes(p.id)), ...added.filter((p) => !participants.some((q) => q.id === p.id))];
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
		if (body.field_updates !== undefined) {
			const form = task.form_id === undefined ? undefined : this.forms.get(Number(task.form_id));
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
