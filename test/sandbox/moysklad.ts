/**
 * MoySklad JSON API 1.2 sandbox: tasks, task notes, task types (states), employees,
 * counterparties and organizations, in memory, on loopback. Spec: MoySklad's JSON API 1.2 documentation (https://dev.moysklad.ru/doc/api/remap/1.2/).
 * Choices where the documentation is silent are marked "Choice:".
 *
 * Credentials that work against it (credential type `moySkladApi`):
 * - API URL: `<sandbox.baseUrl>/api/remap/1.2` (e.g. http://127.0.0.1:4010/api/remap/1.2)
 * - Authentication "Access Token": `test-token` (option `tokens`)
 * - Authentication "Login and Password": `admin@sandbox` / `sandbox-password` (option `logins`)
 * - Request Cost: 4 units (the sandbox's default `requestCost`).
 *
 * What it enforces: `Accept-Encoding` must list only gzip (else 415 with an empty body) and
 * every answer is gzip-compressed; Basic or Bearer auth (401 / code 1056); the per-user budget
 * of 45 units per 3 s with `requestCost` units a request and at most 5 requests in flight
 * (429 with code 1049 / 1073 and the X-Lognex-* / X-RateLimit-* headers); an automatic ban
 * (every request 403, code 1061) after more than 200 answers 429 within one minute. Windows
 * are divided by `timeScale`; header values stay in real milliseconds.
 *
 * Each behaviour names its source: "the task page" is MoySklad's «Задача» page
 * (https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-zadacha), "the general
 * page" its «Общие Сведения» and «Ошибки» (https://dev.moysklad.ru/doc/api/remap/1.2/; error N at
 * #error_N), both written from the vendor's public repository
 * https://github.com/moysklad/api-remap-1.2-doc; other sources are named where they are used.
 * Where the sources leave a behaviour open there is a switch for each reading (options below),
 * marked "unconfirmed".
 */
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';

import {
	HttpError,
	SandboxServer,
	type QueryObject,
	type SandboxOptions,
	type SandboxRequest,
	type SandboxResponse,
} from './framework';

export const MS_API_PATH = '/api/remap/1.2';
const MSK = 'Europe/Moscow';

// ---------------------------------------------------------------------------------------------
// Data model
// ---------------------------------------------------------------------------------------------

export interface MsEmployee {
	id: string;
	name: string;
	uid: string;
	email: string;
	archived: boolean;
}

export interface MsNamed {
	id: string;
	name: string;
}

export interface MsState {
	id: string;
	name: string;
	color: number;
	stateType: 'Regular' | 'Successful' | 'Unsuccessful';
}

export interface MsRef {
	type: string;
	id: string;
}

export interface MsTask {
	id: string;
	description: string;
	assignee: string;
	author: string;
	agent?: MsRef;
	operation?: MsRef;
	state?: string;
	dueToDate?: number;
	done: boolean;
	completed?: number;
	implementer?: string;
	/** Epoch ms. */
	created: number;
	updated: number;
}

export interface MsNote {
	id: string;
	taskId: string;
	author: string;
	text: string;
	moment: number;
}

export interface MsStore {
	accountId: string;
	employees: Map<string, MsEmployee>;
	counterparties: Map<string, MsNamed>;
	organizations: Map<string, MsNamed>;
	states: Map<string, MsState>;
	tasks: Map<string, MsTask>;
	notes: Map<string, MsNote>;
}

export interface MoySkladSandboxOptions extends SandboxOptions {
	/** Accepted bearer tokens. Default `['test-token']`. */
	tokens?: string[];
	/** Accepted logins → passwords. Default `{ 'admin@sandbox': 'sandbox-password' }`. */
	logins?: Record<string, string>;
	/** Budget and parallel cap on/off. Default true. */
	rateLimit?: boolean;
	/** Units one request costs from the 45 per 3 s. Default 4. */
	requestCost?: number;
	/** How long (ms, real time) a request is worked on; shows the parallel cap. Default 0. */
	processingMs?: number;
	/**
	 * Status of a mass answer (create/update array, mass delete) in which some element failed.
	 * Unconfirmed: the docs give none (the general page, "Создание и обновление нескольких
	 * объектов"). 400 (default): what the client wmakeev/moysklad met on the live API
	 * (https://github.com/wmakeev/moysklad, README «MoyskladCollectionError»); 200: the other
	 * reading. Either way the body is the array, element by element.
	 */
	bulkErrorStatus?: 200 | 400;
	/**
	 * What a rejected element does to the others. 'perElement' (default): the others are saved and
	 * the failing ones answered `{ errors }` in their place (as wmakeev/moysklad's README
	 * «MoyskladCollectionError» quotes a live answer). 'whole':
	 * nothing is saved and the answer is one `{ errors }` object with status 400 (unconfirmed,
	 * the other reading of an undocumented atomicity).
	 */
	bulkRejection?: 'perElement' | 'whole';
	/**
	 * How answer times are written. 'millis' (default): "2024-05-01 10:00:00.120" (the general
	 * page, "Формат даты и времени": answers carry milliseconds). 'trimmed': trailing zeros of the
	 * fraction dropped, "…:00.12", "…:00.2", "…:00" (unconfirmed; the client wmakeev/moysklad
	 * parses 1–3 fraction digits, https://github.com/wmakeev/moysklad, src/tools/parseTimeString.js).
	 * 'seconds': no fraction, as the examples of the task page show.
	 */
	timeFormat?: 'millis' | 'trimmed' | 'seconds';
	/**
	 * A task filter that repeats one field with "=" (`done=true;done=false`). 'or' (default):
	 * OR of the values, as the general page's "Фильтрация выборки с помощью параметра filter"
	 * documents in general (shown for isDeleted and archived; unconfirmed for tasks). 'reject': 400
	 * with error 1030 "may be given only once" (the general page, #error_1030; the status is
	 * unconfirmed).
	 */
	repeatedFilterField?: 'or' | 'reject';
	/**
	 * The web-app link written into a task's `meta.uuidHref`. Default none: no task of the task
	 * page carries one (the general page, «Метаданные»: uuidHref is "not present in every
	 * entity"), and MoySklad documents no web-app route for tasks.
	 */
	taskUuidHref?: (id: string) => string;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

interface MsErrorEntry {
	error: string;
	code: number;
	parameter?: string;
}

function err(error: string, code: number, parameter?: string): MsErrorEntry {
	return { error, code, ...(parameter ? { parameter } : {}), ...{ moreInfo: `https://dev.moysklad.ru/doc/api/remap/1.2/#error_${code}` } };
}

function fail(status: number, ...errors: MsErrorEntry[]): HttpError {
	return new HttpError({ status, body: { errors } });
}

export function toMsk(ms: number): string {
	return DateTime.fromMillis(ms, { zone: MSK }).toFormat('yyyy-MM-dd HH:mm:ss.SSS');
}

/** A time as an answer writes it, in one of the `timeFormat` readings. */
export function formatMsk(ms: number, format: 'millis' | 'trimmed' | 'seconds'): string {
	const full = toMsk(ms);
	if (format === 'millis') return full;
	const [seconds, fraction] = full.split('.');
	const kept = format === 'trimmed' ? fraction.replace(/0+$/, '') : '';
	return kept ? `${seconds}.${kept}` : seconds;
}

/** A filter or body time ("YYYY-MM-DD HH:MM:SS[.mmm]" or "YYYY-MM-DD HH:MM"), Moscow time. */
export function fromMsk(text: string): number | undefined {
	for (const format of ['yyyy-MM-dd HH:mm:ss.SSS', 'yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd HH:mm']) {
		const parsed = DateTime.fromFormat(text, format, { zone: MSK });
		if (parsed.isValid) return parsed.toMillis();
	}
	return undefined;
}

/** Filter dates are parsed once per value, not once per task. */
const dateCache = new Map<string, number | undefined>();
function parsedDate(text: string): number | undefined {
	if (!dateCache.has(text)) {
		if (dateCache.size > 10_000) dateCache.clear();
		dateCache.set(text, fromMsk(text));
	}
	return dateCache.get(text);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether an Accept header lets a JSON answer through (a JSON type or a wildcard among its ranges). */
function acceptsJson(header: string): boolean {
	return header
		.split(',')
		.map((range) => range.split(';')[0].trim().toLowerCase())
		.some((type) => type === 'application/json' || type === 'application/*' || type === '*/*' || type === '');
}

/** Ids that sort by creation, as MoySklad's do (time part first). */
let idCounter = 0;
export function msId(): string {
	idCounter++;
	const random = randomUUID();
	return `${random.slice(0, 24)}${idCounter.toString(16).padStart(12, '0')}`;
}

const ORDER_FIELDS = ['id', 'created', 'version', 'updated', 'description', 'dueToDate', 'done'];
const LIST_OPERATORS = ['!=', '>=', '<=', '~=', '=~', '=', '>', '<', '~'] as const;
type Operator = (typeof LIST_OPERATORS)[number];

interface Condition {
	field: string;
	op: Operator;
	value: string;
}

/** Splits `a=1;b\;c=2` on unescaped semicolons and parses each condition. */
export function parseFilter(filter: string): Condition[] {
	const parts: string[] = [];
	let current = '';
	for (let i = 0; i < filter.length; i++) {
		if (filter[i] === '\\' && filter[i + 1] === ';') {
			current += ';';
			i++;
		} else if (filter[i] === ';') {
			parts.push(current);
			current = '';
		} else current += filter[i];
	}
	parts.push(current);
	return parts
		.filter((p) => p !== '')
		.map((part) => {
			const match = /^([A-Za-z.]+)(!=|>=|<=|~=|=~|=|>|<|~)(.*)$/s.exec(part);
			if (!match) throw fail(400, err(`Ошибка фильтрации: неверное условие '${part}'`, 1034, 'filter'));
			return { field: match[1], op: match[2] as Operator, value: match[3] };
		});
}

function compare(a: number | string, b: number | string, op: Operator): boolean {
	switch (op) {
		case '=':
			return a === b;
		case '!=':
			return a !== b;
		case '>':
			return a > b;
		case '<':
			return a < b;
		case '>=':
			return a >= b;
		case '<=':
			return a <= b;
		default:
			return false;
	}
}

// ---------------------------------------------------------------------------------------------
// The sandbox
// ---------------------------------------------------------------------------------------------

const BUDGET_UNITS = 45;
const BUDGET_WINDOW_MS = 3000;
const MAX_PARALLEL = 5;
const BAN_429_PER_MINUTE = 200;

export class MoySkladSandbox extends SandboxServer {
	readonly store: MsStore;
	readonly tokens: Set<string>;
	readonly logins: Map<string, string>;
	rateLimitEnabled: boolean;
	requestCost: number;
	processingMs: number;
	/** The switches of {@link MoySkladSandboxOptions}; tests may change them between requests. */
	bulkErrorStatus: 200 | 400;
	bulkRejection: 'perElement' | 'whole';
	timeFormat: 'millis' | 'trimmed' | 'seconds';
	repeatedFilterField: 'or' | 'reject';
	taskUuidHref: ((id: string) => string) | undefined;
	/** The employee the credentials belong to. */
	readonly currentUserId: string;
	/** Most requests seen in flight at once. */
	maxParallelSeen = 0;
	/** Most budget units seen spent within one window (the user's own and other apps' requests). */
	peakUnitsSpent = 0;
	/** Called as each request arrives, before any check (tests: other clients of the user). */
	onArrival: ((req: SandboxRequest) => void) | undefined;

	private spent: Array<{ at: number; units: number }> = [];
	private recent429s: number[] = [];
	private inFlight = 0;
	private bannedFlag = false;

	constructor(options: MoySkladSandboxOptions = {}) {
		super(options);
		this.tokens = new Set(options.tokens ?? ['test-token']);
		this.logins = new Map(Object.entries(options.logins ?? { 'admin@sandbox': 'sandbox-password' }));
		this.rateLimitEnabled = options.rateLimit ?? true;
		this.requestCost = options.requestCost ?? 4;
		this.processingMs = options.processingMs ?? 0;
		this.bulkErrorStatus = options.bulkErrorStatus ?? 400;
		this.bulkRejection = options.bulkRejection ?? 'perElement';
		this.timeFormat = options.timeFormat ?? 'millis';
		this.repeatedFilterField = options.repeatedFilterField ?? 'or';
		this.taskUuidHref = options.taskUuidHref;
		this.store = {
			accountId: msId(),
			employees: new Map(),
			counterparties: new Map(),
			organizations: new Map(),
			states: new Map(),
			tasks: new Map(),
			notes: new Map(),
		};
		this.currentUserId = this.addEmployee({ name: 'Sandbox Admin', uid: 'admin@sandbox', email: 'admin@example.com' }).id;
		this.use((req) => this.guard(req));
		this.registerRoutes();
	}

	get api(): string {
		return `${this.baseUrl}${MS_API_PATH}`;
	}

	get banned(): boolean {
		return this.bannedFlag;
	}

	/** Forgets the budget, the recent 429s and a ban. */
	resetLimits(): void {
		this.spent = [];
		this.recent429s = [];
		this.bannedFlag = false;
		this.maxParallelSeen = 0;
		this.peakUnitsSpent = 0;
	}

	/** Spends budget units as other apps of the same user would. */
	spendBudget(units: number): void {
		this.spent.push({ at: performance.now(), units });
	}

	// --- state helpers for tests ------------------------------------------------------------

	addEmployee(partial: Partial<MsEmployee> & { name: string }): MsEmployee {
		const employee: MsEmployee = {
			id: msId(),
			uid: `${partial.name.toLowerCase().replace(/\s+/g, '.')}@sandbox`,
			email: `${partial.name.toLowerCase().replace(/\s+/g, '.')}@example.com`,
			archived: false,
			...partial,
		};
		this.store.employees.set(employee.id, employee);
		return employee;
	}

	addCounterparty(name: string, id = msId()): MsNamed {
		const entry = { id, name };
		this.store.counterparties.set(id, entry);
		return entry;
	}

	addOrganization(name: string, id = msId()): MsNamed {
		const entry = { id, name };
		this.store.organizations.set(id, entry);
		return entry;
	}

	addState(partial: Partial<MsState> & { name: string }): MsState {
		const state: MsState = { id: msId(), color: 0, stateType: 'Regular', ...partial };
		this.store.states.set(state.id, state);
		return state;
	}

	addTask(partial: Partial<MsTask> = {}): MsTask {
		const now = this.clock.now();
		const task: MsTask = {
			id: msId(),
			description: 'Sandbox task',
			assignee: this.currentUserId,
			author: this.currentUserId,
			done: false,
			created: now,
			updated: partial.created ?? now,
			...partial,
		};
		this.store.tasks.set(task.id, task);
		return task;
	}

	/** Changes a task as a user of the web UI would (its `updated` becomes the sandbox's now). */
	changeTask(id: string, patch: Partial<MsTask>): MsTask {
		const task = this.store.tasks.get(id);
		if (!task) throw new Error(`no task ${id}`);
		Object.assign(task, patch, { updated: this.clock.now() });
		if (patch.done === true && task.completed === undefined) {
			task.completed = task.updated;
			task.implementer = this.currentUserId;
		}
		if (patch.done === false) {
			delete task.completed;
			delete task.implementer;
		}
		return task;
	}

	addNote(taskId: string, text: string, moment = this.clock.now()): MsNote {
		const note: MsNote = { id: msId(), taskId, author: this.currentUserId, text, moment };
		this.store.notes.set(note.id, note);
		return note;
	}

	// --- rendering ----------------------------------------------------------------------------

	private href(path: string): string {
		return `${this.api}/${path}`;
	}

	private meta(path: string, type: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
		return { meta: { href: this.href(path), type, mediaType: 'application/json', ...extra } };
	}

	/** A time of an answer, as the `timeFormat` switch says. */
	time(ms: number): string {
		return formatMsk(ms, this.timeFormat);
	}

	private employeeRef(id: string): Record<string, unknown> {
		return this.refOf({ type: 'employee', id });
	}

	/**
	 * A reference as the task page's answers write it: href, metadataHref, type, mediaType and the
	 * web-app link (uuidHref) in the forms the examples show (employee, mycompany, company,
	 * supply; other documents as `#<type>/edit`, the general page's examples).
	 */
	private refOf(ref: MsRef): Record<string, unknown> {
		const page = ref.type === 'organization' ? 'mycompany' : ref.type === 'counterparty' ? 'company' : ref.type;
		return this.meta(`entity/${ref.type}/${ref.id}`, ref.type, {
			metadataHref: this.href(`entity/${ref.type}/metadata`),
			uuidHref: `https://online.moysklad.ru/app/#${page}/edit?id=${ref.id}`,
		});
	}

	private renderState(state: MsState): Record<string, unknown> {
		return {
			...this.meta(`entity/task/metadata/states/${state.id}`, 'state', { metadataHref: this.href('entity/task/metadata') }),
			id: state.id,
			accountId: this.store.accountId,
			name: state.name,
			color: state.color,
			stateType: state.stateType,
			entityType: 'task',
		};
	}

	private renderEmployee(e: MsEmployee): Record<string, unknown> {
		return { ...this.employeeRef(e.id), id: e.id, name: e.name, uid: e.uid, email: e.email, archived: e.archived };
	}

	renderTask(task: MsTask, expand: Set<string> = new Set()): Record<string, unknown> {
		const out: Record<string, unknown> = {
			// No uuidHref unless the switch gives one: the task page's tasks carry none.
			...this.meta(`entity/task/${task.id}`, 'task', {
				metadataHref: this.href('entity/task/metadata'),
				...(this.taskUuidHref ? { uuidHref: this.taskUuidHref(task.id) } : {}),
			}),
			id: task.id,
			accountId: this.store.accountId,
			description: task.description,
			assignee: this.expandEmployee(task.assignee, expand.has('assignee')),
			author: this.expandEmployee(task.author, expand.has('author')),
			done: task.done,
			created: this.time(task.created),
			updated: this.time(task.updated),
			files: { meta: { href: this.href(`entity/task/${task.id}/files`), type: 'files', mediaType: 'application/json', size: 0, limit: 1000, offset: 0 } },
			notes: { meta: { href: this.href(`entity/task/${task.id}/notes`), type: 'tasknote', mediaType: 'application/json', size: this.notesOf(task.id).length, limit: 1000, offset: 0 } },
		};
		if (task.agent) {
			const named = (task.agent.type === 'organization' ? this.store.organizations : this.store.counterparties).get(task.agent.id);
			out.agent = expand.has('agent') && named ? { ...this.refOf(task.agent), id: named.id, name: named.name } : this.refOf(task.agent);
		}
		if (task.operation) out.operation = this.refOf(task.operation);
		if (task.state) {
			const state = this.store.states.get(task.state);
			out.state = expand.has('state') && state
				? this.renderState(state)
				: this.meta(`entity/task/metadata/states/${task.state}`, 'state');
		}
		if (task.dueToDate !== undefined) out.dueToDate = toMsk(task.dueToDate).slice(0, 19);
		if (task.completed !== undefined) out.completed = this.time(task.completed);
		if (task.implementer) out.implementer = this.employeeRef(task.implementer);
		return out;
	}

	private expandEmployee(id: string, expand: boolean): Record<string, unknown> {
		const employee = this.store.employees.get(id);
		return expand && employee ? this.renderEmployee(employee) : this.employeeRef(id);
	}

	private renderNote(note: MsNote): Record<string, unknown> {
		return {
			...this.meta(`entity/task/${note.taskId}/notes/${note.id}`, 'tasknote'),
			id: note.id,
			accountId: this.store.accountId,
			author: this.employeeRef(note.author),
			text: note.text,
			moment: this.time(note.moment),
			// As the create answers of the task page show it.
			files: {
				meta: {
					href: this.href(`entity/task/${note.taskId}/notes/${note.id}/files`),
					type: 'files',
					mediaType: 'application/json',
					size: 0,
					limit: 1000,
					offset: 0,
				},
			},
		};
	}

	private notesOf(taskId: string): MsNote[] {
		return [...this.store.notes.values()].filter((n) => n.taskId === taskId).sort((a, b) => a.moment - b.moment);
	}

	// --- pipeline -------------------------------------------------------------------------------

	/** Every answer with a body goes out gzip-compressed, as the API's do. */
	private gz(status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse {
		if (body === undefined) return { status, headers };
		return {
			status,
			headers: { 'Content-Type': 'application/json;charset=utf-8', 'Content-Encoding': 'gzip', ...headers },
			body: gzipSync(Buffer.from(JSON.stringify(body), 'utf8')),
		};
	}

	protected notFound(): SandboxResponse {
		return this.gz(404, { errors: [err('Неизвестный адрес запроса', 1002)] });
	}

	protected methodNotAllowed(): SandboxResponse {
		return this.gz(405, { errors: [err('Метод не поддерживается', 1004)] });
	}

	protected faultResponse(status: number): SandboxResponse {
		if (status === 429) return this.limitAnswer(1049);
		return this.gz(status, { errors: [err('Внутренняя ошибка сервера', 1999)] });
	}

	protected internalError(): SandboxResponse {
		return this.gz(500, { errors: [err('Внутренняя ошибка сервера', 1999)] });
	}

	private windowMs(): number {
		return this.scaleMs(BUDGET_WINDOW_MS);
	}

	private unitsSpent(now: number): number {
		this.spent = this.spent.filter((s) => s.at > now - this.windowMs());
		return this.spent.reduce((sum, s) => sum + s.units, 0);
	}

	/** Real (unscaled) ms until `units` more fit in the window. */
	private msUntilFree(now: number, units: number): number {
		let total = this.unitsSpent(now);
		for (const entry of this.spent) {
			if (total + units <= BUDGET_UNITS) break;
			total -= entry.units;
			const wait = entry.at + this.windowMs() - now;
			if (total + units <= BUDGET_UNITS) return Math.max(1, Math.ceil(wait * this.timeScale));
		}
		return total + units <= BUDGET_UNITS ? 0 : Math.ceil(BUDGET_WINDOW_MS);
	}

	private rateHeaders(now: number): Record<string, string> {
		const perWindow = Math.floor(BUDGET_UNITS / this.requestCost);
		const remaining = Math.max(0, Math.floor((BUDGET_UNITS - this.unitsSpent(now)) / this.requestCost));
		return {
			'X-RateLimit-Limit': String(perWindow),
			'X-RateLimit-Remaining': String(remaining),
			'X-Lognex-Retry-TimeInterval': String(BUDGET_WINDOW_MS),
			'X-Lognex-Reset': String(remaining > 0 ? 0 : this.msUntilFree(now, this.requestCost)),
		};
	}

	private limitAnswer(code: 1049 | 1073): SandboxResponse {
		const now = performance.now();
		this.recent429s = this.recent429s.filter((t) => t > now - this.scaleMs(60_000));
		this.recent429s.push(now);
		if (this.recent429s.length > BAN_429_PER_MINUTE) this.bannedFlag = true;
		const message = code === 1073
			? 'Превышено ограничение на количество параллельных запросов'
			: 'Превышено ограничение на количество запросов в единицу времени';
		const headers: Record<string, string> = code === 1049
			? { ...this.rateHeaders(now), 'X-Lognex-Retry-After': String(this.msUntilFree(now, this.requestCost) || 1) }
			: {};
		return this.gz(429, { errors: [err(message, code)] }, headers);
	}

	/** Gzip header, ban, auth, then the budget: refused requests cost nothing. */
	private guard(req: SandboxRequest): SandboxResponse | undefined {
		this.onArrival?.(req);
		const encodings = String(req.headers['accept-encoding'] ?? '')
			.split(',')
			.map((e) => e.trim().split(';')[0].toLowerCase())
			.filter((e) => e !== '');
		if (encodings.length === 0 || encodings.some((e) => e !== 'gzip')) return { status: 415 };
		if (this.bannedFlag) {
			return this.gz(403, { errors: [err('Доступ к API запрещён: превышено число запросов, завершившихся ошибкой 429', 1061)] });
		}
		if (!this.authorized(String(req.headers.authorization ?? ''))) {
			return this.gz(401, { errors: [err('Ошибка аутентификации: Неправильный пароль или имя пользователя или ключ авторизации', 1056)] });
		}
		if (!req.path.startsWith(MS_API_PATH)) return undefined;
		// Source: error 1062 of the general page ("only application/json;charset=utf-8"); no header
		// is fine, and the vendor's OpenAPI also lists application/json
		// (https://github.com/moysklad/api-remap-1.2-openapi-specification). Unconfirmed: the status,
		// and whether lists such as "application/json, */*" pass (taken as passing).
		const accept = req.headers.accept;
		if (accept !== undefined && !acceptsJson(String(accept))) {
			return this.gz(400, { errors: [err("Неверное значение заголовка 'Accept'. Поддерживается только значение 'application/json;charset=utf-8'", 1062)] });
		}
		// Source: error 1037 of the general page (wrong Content-Type); the status 415 is unconfirmed
		// (the general page, «Обработка ошибок»: 415 = headers or body format not supported).
		const contentType = String(req.headers['content-type'] ?? '');
		if ((req.method === 'POST' || req.method === 'PUT') && req.rawBody.length > 0 && !/^application\/json\s*(;|$)/i.test(contentType)) {
			return this.gz(415, { errors: [err('Неверно указан Content-Type запроса', 1037)] });
		}
		// Source: the general page, «Ограничения» (45 units per 3 s per user, a user credential's
		// request 4 units since 1 Dec 2026, at most 5 in parallel, 429 with code 1049 or 1073).
		// Unconfirmed: the window slides (a request's units count for 3 s from its arrival) and a
		// refused request costs nothing. The same budget for a burst or evenly spread requests.
		if (this.rateLimitEnabled) {
			const now = performance.now();
			if (this.inFlight >= MAX_PARALLEL) return this.limitAnswer(1073);
			if (this.unitsSpent(now) + this.requestCost > BUDGET_UNITS) return this.limitAnswer(1049);
			this.spent.push({ at: now, units: this.requestCost });
			this.peakUnitsSpent = Math.max(this.peakUnitsSpent, this.unitsSpent(now));
		}
		return undefined;
	}

	private authorized(header: string): boolean {
		const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1];
		if (bearer) return this.tokens.has(bearer.trim());
		const basic = /^Basic\s+(.+)$/i.exec(header)?.[1];
		if (!basic) return false;
		const decoded = Buffer.from(basic, 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		return colon > 0 && this.logins.get(decoded.slice(0, colon)) === decoded.slice(colon + 1);
	}

	/** Registers a route whose handler counts as in flight (for the parallel cap) and answers gzip. */
	private on(method: string, pattern: string, handler: (req: SandboxRequest) => { status?: number; body?: unknown }): void {
		this.route(method, `${MS_API_PATH}${pattern}`, async (req) => {
			this.inFlight++;
			this.maxParallelSeen = Math.max(this.maxParallelSeen, this.inFlight);
			try {
				if (this.processingMs > 0) await new Promise((resolve) => setTimeout(resolve, this.processingMs));
				const answer = handler(req);
				return this.gz(answer.status ?? 200, answer.body, this.rateLimitEnabled ? this.rateHeaders(performance.now()) : {});
			} catch (error) {
				if (error instanceof HttpError) {
					const { status, body } = error.response;
					return this.gz(status, body);
				}
				throw error;
			} finally {
				this.inFlight--;
			}
		});
	}

	private registerRoutes(): void {
		this.on('GET', '/context/employee', () => ({ body: this.renderEmployee(this.store.employees.get(this.currentUserId)!) }));
		this.on('GET', '/entity/employee', (req) => this.listNamed(req, 'employee', [...this.store.employees.values()], (e) => this.renderEmployee(e)));
		this.on('GET', '/entity/counterparty', (req) =>
			this.listNamed(req, 'counterparty', [...this.store.counterparties.values()], (c) => ({ ...this.refOf({ type: 'counterparty', id: c.id }), ...c })),
		);
		this.on('GET', '/entity/organization', (req) =>
			this.listNamed(req, 'organization', [...this.store.organizations.values()], (o) => ({ ...this.refOf({ type: 'organization', id: o.id }), ...o })),
		);
		this.on('GET', '/entity/task/metadata', () => ({
			body: { meta: { href: this.href('entity/task/metadata'), mediaType: 'application/json' }, states: [...this.store.states.values()].map((s) => this.renderState(s)) },
		}));
		this.on('POST', '/entity/task/metadata/states', (req) => this.writeStates(req));
		this.on('PUT', '/entity/task/metadata/states/:id', (req) => ({ body: this.updateState(this.stateOr404(req.params.id), this.bodyObject(req)) }));
		this.on('DELETE', '/entity/task/metadata/states/:id', (req) => {
			this.store.states.delete(this.stateOr404(req.params.id).id);
			return {};
		});
		this.on('GET', '/entity/task', (req) => this.listTasks(req));
		this.on('POST', '/entity/task', (req) => this.writeTasks(req));
		this.on('POST', '/entity/task/delete', (req) => this.massDelete(req));
		this.on('GET', '/entity/task/:id', (req) => ({ body: this.renderTask(this.taskOr404(req.params.id), this.expandOf(req.query)) }));
		this.on('PUT', '/entity/task/:id', (req) => {
			const task = this.taskOr404(req.params.id);
			this.applyTask(task, this.bodyObject(req), false);
			return { body: this.renderTask(task, this.expandOf(req.query)) };
		});
		this.on('DELETE', '/entity/task/:id', (req) => {
			this.store.tasks.delete(this.taskOr404(req.params.id).id);
			return {};
		});
		this.on('GET', '/entity/task/:id/notes', (req) => {
			const task = this.taskOr404(req.params.id);
			return this.page(req, `entity/task/${task.id}/notes`, 'tasknote', this.notesOf(task.id), (n) => this.renderNote(n), 100);
		});
		this.on('POST', '/entity/task/:id/notes', (req) => this.createNotes(req));
		this.on('POST', '/entity/task/:id/notes/delete', (req) => this.deleteNotes(req));
		this.on('GET', '/entity/task/:id/notes/:noteId', (req) => ({ body: this.renderNote(this.noteOr404(req)) }));
		this.on('PUT', '/entity/task/:id/notes/:noteId', (req) => {
			const note = this.noteOr404(req);
			const text = this.bodyObject(req).text;
			if (typeof text !== 'string' || text === '') throw fail(412, err("Ошибка сохранения объекта: поле 'text' не может быть пустым или отсутствовать", 3000, 'text'));
			note.text = text;
			return { body: this.renderNote(note) };
		});
		this.on('DELETE', '/entity/task/:id/notes/:noteId', (req) => {
			this.store.notes.delete(this.noteOr404(req).id);
			return {};
		});
	}

	// --- lookups --------------------------------------------------------------------------------

	private checkUuid(id: string, type: string): void {
		if (!UUID.test(id)) throw fail(400, err(`Неверный формат идентификатора '${id}' сущности '${type}'`, 1052));
	}

	private taskOr404(id: string): MsTask {
		this.checkUuid(id, 'task');
		const task = this.store.tasks.get(id);
		if (!task) throw fail(404, err(`Объект с типом 'task' и UUID '${id}' не найден`, 1021));
		return task;
	}

	private stateOr404(id: string): MsState {
		this.checkUuid(id, 'state');
		const state = this.store.states.get(id);
		if (!state) throw fail(404, err(`Объект с типом 'state' и UUID '${id}' не найден`, 1021));
		return state;
	}

	private noteOr404(req: SandboxRequest): MsNote {
		const task = this.taskOr404(req.params.id);
		this.checkUuid(req.params.noteId, 'tasknote');
		const note = this.store.notes.get(req.params.noteId);
		if (!note || note.taskId !== task.id) throw fail(404, err(`Объект с типом 'tasknote' и UUID '${req.params.noteId}' не найден`, 1021));
		return note;
	}

	private bodyObject(req: SandboxRequest): Record<string, unknown> {
		if (req.bodyError || typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
			throw fail(400, err('Ошибка формата JSON', 2000));
		}
		return req.body as Record<string, unknown>;
	}

	private bodyList(req: SandboxRequest): { list: Record<string, unknown>[]; array: boolean } {
		if (req.bodyError || typeof req.body !== 'object' || req.body === null) throw fail(400, err('Ошибка формата JSON', 2000));
		const array = Array.isArray(req.body);
		const list = (array ? req.body : [req.body]) as Record<string, unknown>[];
		if (list.length > 1000) throw fail(413, err('Превышено максимальное количество элементов в массиве (1000)', 2007));
		return { list, array };
	}

	/** The id a reference points at, checking its meta like the API does (2010/2011/2012). */
	private refId(value: unknown, field: string, types: string[]): MsRef {
		const meta = (value as { meta?: Record<string, unknown> } | null)?.meta;
		if (!meta || typeof meta !== 'object') throw fail(400, err(`Ошибка формата: поле '${field}' должно содержать meta`, 2018, field));
		if (typeof meta.href !== 'string') throw fail(400, err(`Ошибка формата: в метаданных поля '${field}' отсутствует href`, 2010, field));
		if (typeof meta.type !== 'string') throw fail(400, err(`Ошибка формата: в метаданных поля '${field}' отсутствует type`, 2011, field));
		if (!types.includes(meta.type)) throw fail(400, err(`Ошибка формата: неверный тип '${meta.type}' в поле '${field}'`, 2012, field));
		const id = meta.href.split('?')[0].split('/').pop() ?? '';
		this.checkUuid(id, meta.type);
		const known =
			meta.type === 'employee' ? this.store.employees.has(id)
			: meta.type === 'counterparty' ? this.store.counterparties.has(id)
			: meta.type === 'organization' ? this.store.organizations.has(id)
			: meta.type === 'state' ? this.store.states.has(id)
			: true; // Choice: documents are not modelled; any id is accepted.
		if (!known) throw fail(404, err(`Объект с типом '${meta.type}' и UUID '${id}' не найден`, 1021, field));
		return { type: meta.type, id };
	}

	// --- lists ----------------------------------------------------------------------------------

	private paging(query: QueryObject, max: number): { limit: number; offset: number } {
		const limit = query.limit === undefined ? max : Number(query.limit);
		const offset = query.offset === undefined ? 0 : Number(query.offset);
		if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw fail(400, err(`Неверное значение параметра 'limit'`, 1014, 'limit'));
		if (!Number.isInteger(offset) || offset < 0) throw fail(400, err(`Неверное значение параметра 'offset'`, 1014, 'offset'));
		return { limit: Math.min(limit, max), offset };
	}

	private page<T>(req: SandboxRequest, path: string, type: string, items: T[], render: (item: T) => unknown, max = 1000) {
		const { limit, offset } = this.paging(req.query, max);
		const rest = new URLSearchParams(req.rawQuery);
		rest.delete('limit');
		rest.delete('offset');
		const link = (o: number) => `${this.href(path)}?limit=${limit}&offset=${o}${rest.toString() ? `&${rest.toString()}` : ''}`;
		const meta: Record<string, unknown> = { href: link(offset), type, mediaType: 'application/json', size: items.length, limit, offset };
		if (offset + limit < items.length) meta.nextHref = link(offset + limit);
		if (offset > 0) meta.previousHref = link(Math.max(0, offset - limit));
		return {
			body: {
				context: { employee: this.employeeRef(this.currentUserId) },
				meta,
				rows: items.slice(offset, offset + limit).map(render),
			},
		};
	}

	private listNamed<T extends { name: string; archived?: boolean; email?: string; uid?: string }>(
		req: SandboxRequest,
		type: string,
		items: T[],
		render: (item: T) => unknown,
	) {
		let list = items;
		const search = typeof req.query.search === 'string' ? req.query.search.toLowerCase() : '';
		if (search) list = list.filter((i) => [i.name, i.email, i.uid].some((v) => v?.toLowerCase().includes(search)));
		if (typeof req.query.filter === 'string') {
			for (const c of parseFilter(req.query.filter)) {
				if (c.field === 'archived') list = list.filter((i) => String(i.archived ?? false) === c.value);
			}
		}
		return this.page(req, `entity/${type}`, type, list, render);
	}

	private expandOf(query: QueryObject): Set<string> {
		return new Set(typeof query.expand === 'string' ? query.expand.split(',').map((s) => s.trim()) : []);
	}

	private listTasks(req: SandboxRequest) {
		const conditions = typeof req.query.filter === 'string' ? parseFilter(req.query.filter) : [];
		let tasks = [...this.store.tasks.values()];
		// Without a done condition the API lists only open tasks.
		if (!conditions.some((c) => c.field === 'done')) tasks = tasks.filter((t) => !t.done);
		const byField = new Map<string, Condition[]>();
		for (const c of conditions) byField.set(c.field, [...(byField.get(c.field) ?? []), c]);
		for (const [field, list] of byField) {
			const equals = list.filter((c) => c.op === '=');
			const others = list.filter((c) => c.op !== '=');
			// Unconfirmed for tasks (switch repeatedFilterField): OR of the values, or error 1030.
			if (equals.length > 1 && this.repeatedFilterField === 'reject') {
				throw fail(400, err(`Поле для фильтрации '${field}' может быть указано только один раз`, 1030, 'filter'));
			}
			tasks = tasks.filter((task) => {
				// Repeated "=" on one field is OR; everything else is AND.
				const anyEqual = equals.length === 0 || equals.some((c) => this.matches(task, c));
				return anyEqual && others.every((c) => this.matches(task, c));
			});
			void field;
		}
		tasks.sort(this.comparator(typeof req.query.order === 'string' ? req.query.order : 'created,asc'));
		const { limit } = this.paging(req.query, 1000);
		// Expand is honoured only for pages of up to 100.
		const expand = limit <= 100 ? this.expandOf(req.query) : new Set<string>();
		return this.page(req, 'entity/task', 'task', tasks, (t) => this.renderTask(t, expand));
	}

	private matches(task: MsTask, c: Condition): boolean {
		const date = (ms: number | undefined) => {
			const value = parsedDate(c.value);
			if (value === undefined) throw fail(400, err(`Неверный формат даты '${c.value}' в фильтре`, 1035, c.field));
			return ms !== undefined && compare(ms, value, c.op);
		};
		const ref = (id: string | undefined) => {
			const wanted = c.value.split('/').pop() ?? '';
			if (c.op !== '=' && c.op !== '!=') throw fail(400, err(`Недопустимый оператор '${c.op}' для поля '${c.field}'`, 1034, c.field));
			return compare(id ?? '', wanted, c.op);
		};
		switch (c.field) {
			case 'id':
				return compare(task.id, c.value, c.op);
			case 'done':
				if (c.value !== 'true' && c.value !== 'false') throw fail(400, err(`Неверное значение фильтра '${c.value}'`, 1014, 'done'));
				return compare(String(task.done), c.value, c.op);
			case 'assignee':
				return ref(task.assignee);
			case 'author':
				return ref(task.author);
			case 'agent':
				return ref(task.agent?.id);
			case 'operation':
				return ref(task.operation?.id);
			case 'state.name': {
				const name = task.state ? this.store.states.get(task.state)?.name : undefined;
				return compare(name ?? '', c.value, c.op);
			}
			case 'description': {
				const text = task.description.toLowerCase();
				const value = c.value.toLowerCase();
				if (c.op === '~') return text.includes(value);
				if (c.op === '~=') return text.startsWith(value);
				if (c.op === '=~') return text.endsWith(value);
				return compare(task.description, c.value, c.op);
			}
			case 'created':
				return date(task.created);
			case 'updated':
				return date(task.updated);
			case 'dueToDate':
				return date(task.dueToDate);
			default:
				throw fail(400, err(`Неизвестное поле фильтрации '${c.field}'`, 1034, c.field));
		}
	}

	private comparator(order: string): (a: MsTask, b: MsTask) => number {
		const keys = order.split(';').filter(Boolean).map((part) => {
			const [field, dir = 'asc'] = part.split(',');
			if (!ORDER_FIELDS.includes(field) || !['asc', 'desc'].includes(dir)) {
				throw fail(400, err(`Неверный параметр сортировки '${part}'`, 1063, 'order'));
			}
			return { field, sign: dir === 'desc' ? -1 : 1 };
		});
		const value = (t: MsTask, field: string): string | number =>
			field === 'done' ? Number(t.done) : field === 'version' ? t.updated : ((t as unknown as Record<string, string | number | undefined>)[field] ?? '');
		return (a, b) => {
			for (const { field, sign } of keys) {
				const x = value(a, field);
				const y = value(b, field);
				if (x < y) return -sign;
				if (x > y) return sign;
			}
			return 0;
		};
	}

	// --- writes ---------------------------------------------------------------------------------

	/** Applies a create/update body to a task; throws HttpError for invalid fields. */
	private applyTask(task: MsTask, body: Record<string, unknown>, creating: boolean): void {
		const next = { ...task };
		if (body.description !== undefined) {
			if (typeof body.description !== 'string' || body.description === '') {
				throw fail(412, err("Ошибка сохранения объекта: поле 'description' не может быть пустым или отсутствовать", 3000, 'description'));
			}
			if (body.description.length > 4096) throw fail(412, err("Значение поля 'description' слишком длинное", 3040, 'description'));
			next.description = body.description;
		} else if (creating) {
			throw fail(412, err("Ошибка сохранения объекта: поле 'description' не может быть пустым или отсутствовать", 3000, 'description'));
		}
		if (body.assignee !== undefined) next.assignee = this.refId(body.assignee, 'assignee', ['employee']).id;
		else if (creating) throw fail(412, err("Ошибка сохранения объекта: поле 'assignee' не может быть пустым или отсутствовать", 3000, 'assignee'));
		if (body.state !== undefined) next.state = body.state === null ? undefined : this.refId(body.state, 'state', ['state']).id;
		if (body.agent !== undefined) next.agent = body.agent === null ? undefined : this.refId(body.agent, 'agent', ['counterparty', 'organization']);
		if (body.operation !== undefined) {
			next.operation = body.operation === null ? undefined : this.refId(body.operation, 'operation', ['customerorder', 'invoiceout', 'invoicein', 'paymentin', 'paymentout', 'purchaseorder', 'salesreturn', 'demand', 'supply']);
		}
		if (next.agent && next.operation) throw fail(412, err('Задача может быть привязана либо к контрагенту, либо к документу', 3006, 'operation'));
		if (body.dueToDate !== undefined) {
			if (body.dueToDate === null) next.dueToDate = undefined;
			else {
				const due = typeof body.dueToDate === 'string' ? fromMsk(body.dueToDate) : undefined;
				if (due === undefined) throw fail(400, err(`Неверный формат даты '${String(body.dueToDate)}'`, 2019, 'dueToDate'));
				next.dueToDate = due;
			}
		}
		const now = this.clock.now();
		if (body.done !== undefined) {
			if (typeof body.done !== 'boolean') throw fail(400, err("Поле 'done' должно быть логическим", 2016, 'done'));
			if (body.done && !task.done) {
				next.completed = now;
				next.implementer = this.currentUserId;
			}
			if (!body.done) {
				next.completed = undefined;
				next.implementer = undefined;
			}
			next.done = body.done;
		}
		Object.assign(task, next, { updated: now });
		if (creating) task.created = now;
	}

	/**
	 * Runs a mass request element by element. With `bulkRejection` 'perElement' a failing element
	 * is answered `{ errors }` in its place and the others are kept, and the answer's status is
	 * `bulkErrorStatus` when any failed; with 'whole' one failure undoes the others and the answer
	 * is one `{ errors }` object (400). A single object (not an array) is answered on its own.
	 */
	private mass(req: SandboxRequest, each: (element: Record<string, unknown>) => unknown): { status?: number; body?: unknown } {
		const { list, array } = this.bodyList(req);
		if (!array) return { body: each(list[0]) };
		const before = this.snapshot();
		let failed = false;
		const results = list.map((element) => {
			try {
				return each(element);
			} catch (error) {
				if (!(error instanceof HttpError)) throw error;
				failed = true;
				return error.response.body;
			}
		});
		if (!failed) return { body: results };
		if (this.bulkRejection === 'whole') {
			this.restore(before);
			const errors = results.flatMap((result) => (result as { errors?: unknown[] }).errors ?? []);
			return { status: 400, body: { errors } };
		}
		return { status: this.bulkErrorStatus, body: results };
	}

	private snapshot(): { tasks: MsTask[]; states: MsState[] } {
		return {
			tasks: [...this.store.tasks.values()].map((task) => ({ ...task })),
			states: [...this.store.states.values()].map((state) => ({ ...state })),
		};
	}

	private restore(snapshot: { tasks: MsTask[]; states: MsState[] }): void {
		this.store.tasks.clear();
		for (const task of snapshot.tasks) this.store.tasks.set(task.id, task);
		this.store.states.clear();
		for (const state of snapshot.states) this.store.states.set(state.id, state);
	}

	/** Create (no meta) or update (meta) of one task: the task page, "Массовое создание и обновление Задач". */
	private writeTask(req: SandboxRequest, element: Record<string, unknown>): Record<string, unknown> {
		const meta = (element as { meta?: { href?: unknown } }).meta;
		if (meta !== undefined) {
			const { id } = this.refId(element, 'meta', ['task']);
			const task = this.taskOr404(id);
			this.applyTask(task, element, false);
			return this.renderTask(task, this.expandOf(req.query));
		}
		const task: MsTask = { id: msId(), description: '', assignee: '', author: this.currentUserId, done: false, created: 0, updated: 0 };
		this.applyTask(task, element, true);
		this.store.tasks.set(task.id, task);
		return this.renderTask(task, this.expandOf(req.query));
	}

	private writeTasks(req: SandboxRequest) {
		return this.mass(req, (element) => this.writeTask(req, element));
	}

	/** The task page, "Массовое удаление Задач": an `info` line per deleted task. */
	private massDelete(req: SandboxRequest) {
		const { array } = this.bodyList(req);
		if (!array) throw fail(400, err('Ошибка формата: ожидался массив', 2000));
		return this.mass(req, (element) => {
			const { id } = this.refId(element, 'meta', ['task']);
			this.store.tasks.delete(this.taskOr404(id).id);
			return { info: `Сущность 'task' с UUID: ${id} успешно удалена` };
		});
	}

	/**
	 * The task page, "Массовое удаление коментариев к задаче": 200 without a body. Unconfirmed: what an
	 * unknown note does (here: 404 / 1021 and nothing deleted).
	 */
	private deleteNotes(req: SandboxRequest) {
		const task = this.taskOr404(req.params.id);
		const { list, array } = this.bodyList(req);
		if (!array) throw fail(400, err('Ошибка формата: ожидался массив', 2000));
		const ids = list.map((element) => {
			const { id } = this.refId(element, 'meta', ['tasknote']);
			const note = this.store.notes.get(id);
			if (!note || note.taskId !== task.id) throw fail(404, err(`Объект с типом 'tasknote' и UUID '${id}' не найден`, 1021));
			return id;
		});
		for (const id of ids) this.store.notes.delete(id);
		return {};
	}

	private createNotes(req: SandboxRequest) {
		const task = this.taskOr404(req.params.id);
		const { list } = this.bodyList(req);
		const created = list.map((element) => {
			if (typeof element.text !== 'string' || element.text === '') {
				throw fail(412, err("Ошибка сохранения объекта: поле 'text' не может быть пустым или отсутствовать", 3000, 'text'));
			}
			return this.renderNote(this.addNote(task.id, element.text));
		});
		return { body: created };
	}

	private updateState(state: MsState, body: Record<string, unknown>): Record<string, unknown> {
		if (body.name !== undefined) {
			if (typeof body.name !== 'string' || body.name === '') throw fail(412, err("Поле 'name' не может быть пустым", 3000, 'name'));
			state.name = body.name;
		}
		if (body.color !== undefined) {
			if (typeof body.color !== 'number' || !Number.isInteger(body.color)) throw fail(400, err("Поле 'color' должно быть целым числом", 2016, 'color'));
			state.color = body.color;
		}
		return this.renderState(state);
	}

	/** The task page, "Создать тип задачи" and "Массовое создание и обновление Типов задач". */
	private writeStates(req: SandboxRequest) {
		return this.mass(req, (element) => {
			if (element.meta !== undefined) return this.updateState(this.stateOr404(this.refId(element, 'meta', ['state']).id), element);
			if (typeof element.name !== 'string' || element.name === '' || element.color === undefined) {
				throw fail(412, err("Ошибка сохранения объекта: поля 'name' и 'color' обязательны", 3000, element.name ? 'color' : 'name'));
			}
			const state = this.addState({ name: element.name, color: 0 });
			return this.updateState(state, element);
		});
	}
}

// ---------------------------------------------------------------------------------------------
// Demo data
// ---------------------------------------------------------------------------------------------

export interface SeedDemoResult {
	employees: MsEmployee[];
	counterparties: MsNamed[];
	organization: MsNamed;
	states: MsState[];
	tasks: MsTask[];
}

/**
 * A small account: the admin plus three employees (one archived), three counterparties, one
 * organization, three task types and `tasks` tasks (default 30) created 10 minutes apart up
 * to now, every third one done, some with due dates, agents and notes.
 */
export function seedDemo(sandbox: MoySkladSandbox, options: { tasks?: number } = {}): SeedDemoResult {
	const admin = sandbox.store.employees.get(sandbox.currentUserId)!;
	const employees = [
		admin,
		sandbox.addEmployee({ name: 'Ivan Petrov' }),
		sandbox.addEmployee({ name: 'Maria Sidorova' }),
		sandbox.addEmployee({ name: 'Oleg Archived', archived: true }),
	];
	const counterparties = [
		sandbox.addCounterparty('ООО "Ромашка"'),
		sandbox.addCounterparty('ИП Иванов'),
		sandbox.addCounterparty('Acme Trading'),
	];
	const organization = sandbox.addOrganization('ООО "Мой склад демо"');
	const states = [
		sandbox.addState({ name: 'Встреча', color: 15106326 }),
		sandbox.addState({ name: 'Связаться', color: 10667543 }),
		sandbox.addState({ name: 'Отправить КП', color: 34617 }),
	];
	const count = options.tasks ?? 30;
	const now = sandbox.clock.now();
	const tasks: MsTask[] = [];
	for (let i = 0; i < count; i++) {
		const created = now - (count - i) * 600_000;
		const done = i % 3 === 2;
		const task = sandbox.addTask({
			description: `Demo task ${i + 1}${i % 4 === 0 ? '\nCall the client and agree on the delivery date' : ''}`,
			assignee: employees[i % 3].id,
			author: employees[(i + 1) % 3].id,
			state: i % 5 === 4 ? undefined : states[i % states.length].id,
			agent: i % 4 === 1 ? { type: 'counterparty', id: counterparties[i % 3].id } : i % 7 === 3 ? { type: 'organization', id: organization.id } : undefined,
			dueToDate: i % 2 === 0 ? created + 86_400_000 : undefined,
			created,
			updated: i % 4 === 1 ? created + 120_000 : created,
			done,
			...(done ? { completed: created + 300_000, implementer: employees[i % 3].id } : {}),
		});
		if (i % 6 === 0) sandbox.addNote(task.id, `Note on demo task ${i + 1}`, created + 60_000);
		tasks.push(task);
	}
	return { employees, counterparties, organization, states, tasks };
}
