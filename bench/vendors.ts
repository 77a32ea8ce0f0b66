/**
 * The benchmark's view of each vendor: its loopback sandbox (with the vendor's real limits
 * on or off), a credential that works against it, N seeded tasks, the node parameters of
 * Return All and of a bulk create, and the vendor facts the floors are computed from
 * (page and bulk sizes from the vendors' API documentation, the limit the sandbox enforces).
 *
 * The sandbox classes load lazily (inside `sandbox()`): the benchmark runs them in a process of
 * their own (bench/sandboxHost.ts), and the n8n side never loads them.
 */
import type { IDataObject, INodeParameters, INodeType } from 'n8n-workflow';

import { AmoCrmApi } from '../credentials/AmoCrmApi.credentials';
import { Bitrix24WebhookApi } from '../credentials/Bitrix24WebhookApi.credentials';
import { MoySkladApi } from '../credentials/MoySkladApi.credentials';
import { PyrusApi } from '../credentials/PyrusApi.credentials';
import { AmoCrm } from '../nodes/AmoCrm/AmoCrm.node';
import { Bitrix24 } from '../nodes/Bitrix24/Bitrix24.node';
import { MoySklad } from '../nodes/MoySklad/MoySklad.node';
import { pyrusProfile } from '../nodes/Pyrus/api';
import { Pyrus } from '../nodes/Pyrus/Pyrus.node';
import type { CredentialDataMap } from '../test/harness/credentials';
import type { AmoCrmSandbox } from '../test/sandbox/amocrm';
import type { Bitrix24Sandbox } from '../test/sandbox/bitrix24';
import type { RequestLogEntry, SandboxServer } from '../test/sandbox/framework';
import type { MoySkladSandbox } from '../test/sandbox/moysklad';
import type { PyrusSandbox } from '../test/sandbox/pyrus';

export type VendorName = 'amocrm' | 'moysklad' | 'pyrus' | 'bitrix24';
export const VENDOR_NAMES: VendorName[] = ['amocrm', 'moysklad', 'pyrus', 'bitrix24'];

/** How the sandbox meters requests, which decides the least time N requests can take. */
export type RateRule =
	| { kind: 'window'; limit: number; windowMs: number; text: string }
	| { kind: 'bucket'; burst: number; drainPerSecond: number; text: string };

/** The least time (ms) from the first request's arrival to the last one's that the rule allows. */
export function rateFloorMs(rule: RateRule, requests: number): number {
	if (requests <= 1) return 0;
	if (rule.kind === 'window') {
		// At most `limit` arrivals in any window: request i (0-based) arrives no earlier than
		// floor(i / limit) windows after the first.
		return Math.floor((requests - 1) / rule.limit) * rule.windowMs;
	}
	// Leaky bucket: the first `burst` pass at once, each later one waits for one drain.
	return (Math.max(0, requests - rule.burst) / rule.drainPerSecond) * 1000;
}

/** The requests per second the rule allows in the long run. */
export function sustainedRate(rule: RateRule): number {
	return rule.kind === 'window' ? (rule.limit * 1000) / rule.windowMs : rule.drainPerSecond;
}

export interface Floor {
	/** The fewest requests the vendor's documented page / bulk sizes allow for the same output. */
	vendor: number;
	/** How the vendor floor is computed, in words. */
	how: string;
	/** Where the node needs more than the vendor floor: how many, and why. */
	nodeNeeds?: { requests: number; why: string };
	/** The count the node is held to: the node's need where stated, else the vendor floor. */
	requests: number;
}

/** What the benchmark needs of a started sandbox on the n8n side (it runs in another process). */
export interface SandboxRef {
	/** The sandbox server's root URL (http://127.0.0.1:port). */
	baseUrl: string;
	/** The sandbox's current user (MoySklad's create needs an assignee). */
	userId?: string;
}

/** How much one request carried (pages in a batch, elements of a bulk body, a page's limit). */
export interface RequestUnits {
	/** What a unit is: 'tasks a page', 'commands', 'elements'. */
	unit: string;
	count: number;
	/** The most the vendor's docs allow in one request. */
	max: number;
}

export interface VendorBench {
	name: VendorName;
	title: string;
	nodeType: string;
	nodeTypes: Record<string, INodeType>;
	credentialTypes: Record<string, object>;
	/** The sandbox's own rule with the real limits on (time scale 1). */
	rate: RateRule;
	/** A started sandbox with `tasks` seeded tasks and the vendor's limits on or off. */
	sandbox(limits: boolean, tasks: number): Promise<SandboxServer>;
	ref(sandbox: SandboxServer): SandboxRef;
	credentials(sandbox: SandboxRef): CredentialDataMap;
	/** Switches a running sandbox's limits off (for a replay of a real-limits run). */
	limitsOff(sandbox: SandboxServer): void;
	/** Tasks stored in the sandbox now. */
	storedTasks(sandbox: SandboxServer): number;
	/** Requests answered with the vendor's limit answer. */
	isLimitAnswer(entry: Pick<RequestLogEntry, 'status'>): boolean;
	/** Units carried by a logged request, where the vendor caps them. */
	units(entry: RequestLogEntry): RequestUnits | undefined;
	listParameters: INodeParameters;
	createParameters(sandbox: SandboxRef): INodeParameters;
	createInput(count: number): IDataObject[];
	listFloor(tasks: number): Floor;
	createFloor(tasks: number): Floor;
	/**
	 * Requests the node's operation keeps in flight at once after the first (for n8n's own
	 * floor, bench/n8nFloor.ts): 1 where it sends one after another.
	 */
	inFlight: Record<'list' | 'create', number>;
	/** The tasks one answer holds, as the vendor sends them (for n8n's own floor, bench/n8nFloor.ts). */
	answerTasks(method: string, answer: unknown): IDataObject[];
	/**
	 * The vendor's documented rules that explain a node's deliberate choice, with their source
	 * (no measured figures here: those come from the run).
	 */
	rationale: { pacing: string; requests?: string };
}

const floor = (vendor: number, how: string, nodeNeeds?: Floor['nodeNeeds']): Floor => ({
	vendor,
	how,
	nodeNeeds,
	requests: nodeNeeds?.requests ?? vendor,
});

const due = new Date(Date.now() + 7 * 86_400_000).toISOString();
const inputs = (count: number): IDataObject[] =>
	Array.from({ length: count }, (_, i) => ({ text: `Bench task ${i + 1}`, due }));

const field = (value: unknown, name: string): unknown => (typeof value === 'object' && value !== null ? (value as IDataObject)[name] : undefined);
const objects = (value: unknown): IDataObject[] => (Array.isArray(value) ? (value as IDataObject[]) : []);

const bodyLength = (entry: RequestLogEntry): number | undefined => (Array.isArray(entry.body) ? entry.body.length : undefined);
const queryNumber = (entry: RequestLogEntry, name: string): number | undefined => {
	const value = entry.query[name];
	return typeof value === 'string' && value !== '' ? Number(value) : undefined;
};

const amocrm: VendorBench = {
	name: 'amocrm',
	title: 'amoCRM',
	nodeType: 'n8n-nodes-crm-tasks.amoCrm',
	nodeTypes: { 'n8n-nodes-crm-tasks.amoCrm': new AmoCrm() },
	credentialTypes: { amoCrmApi: new AmoCrmApi() },
	rate: { kind: 'window', limit: 7, windowMs: 1000, text: '7 requests in any 1 s (sliding window)' },
	async sandbox(limits, tasks) {
		const { AmoCrmSandbox, seedDemo } = await import('../test/sandbox/amocrm');
		const sandbox = new AmoCrmSandbox({ rateLimit: limits });
		await sandbox.start();
		seedDemo(sandbox, { tasks: 0 });
		for (let i = 0; i < tasks; i++) sandbox.addTask({ text: `Seeded task ${i + 1}` });
		return sandbox;
	},
	ref: (sandbox) => ({ baseUrl: sandbox.baseUrl }),
	credentials: (sandbox) => ({ amoCrmApi: { domain: 'custom', baseUrl: sandbox.baseUrl, accessToken: 'test-token' } }),
	limitsOff: (sandbox) => {
		(sandbox as AmoCrmSandbox).rateLimitEnabled = false;
	},
	storedTasks: (sandbox) => (sandbox as AmoCrmSandbox).store.tasks.size,
	isLimitAnswer: (entry) => entry.status === 429,
	units(entry) {
		if (entry.method === 'GET' && entry.path === '/api/v4/tasks') {
			const ids = entry.query.filter;
			if (typeof ids === 'object' && !Array.isArray(ids) && Array.isArray(ids.id)) return { unit: 'ids read back', count: ids.id.length, max: 250 };
			return { unit: 'tasks a page (limit)', count: queryNumber(entry, 'limit') ?? 50, max: 250 };
		}
		const count = bodyLength(entry);
		return count === undefined ? undefined : { unit: 'tasks a bulk POST', count, max: 50 };
	},
	listParameters: { resource: 'task', operation: 'getAll', returnAll: true },
	createParameters: () => ({ resource: 'task', operation: 'create', text: '={{ $json.text }}', completeTill: '={{ $json.due }}' }),
	createInput: inputs,
	inFlight: { list: 1, create: 1 },
	// The create's POST answers ids only; the tasks come from the reads by id.
	answerTasks: (method, answer) => (method === 'GET' ? objects(field(field(answer, '_embedded'), 'tasks')) : []),
	listFloor: (n) => floor(Math.max(1, Math.ceil(n / 250)), `⌈${n} / 250⌉ pages (limit ≤ 250)`),
	createFloor: (n) =>
		floor(Math.ceil(n / 50), `⌈${n} / 50⌉ bulk POSTs (≤ 50 a request)`, {
			requests: Math.ceil(n / 50) + Math.ceil(n / 250),
			why: `the create answers with ids only (amoCRM tasks API, «Добавление задач»: the answer holds id and request_id, https://www.amocrm.ru/developers/content/crm_platform/tasks-api#tasks-add) and the node outputs the created tasks, so it reads them back by id: + ⌈${n} / 250⌉ reads (limit ≤ 250)`,
		}),
	rationale: {
		pacing:
			'amoCRM allows at most 7 requests a second per integration and advises staying below it; repeated 429 answers get the account blocked with 403 (amoCRM\'s recommendations, https://www.amocrm.ru/developers/content/api/recommendations)',
	},
};

const moysklad: VendorBench = {
	name: 'moysklad',
	title: 'MoySklad',
	nodeType: 'n8n-nodes-crm-tasks.moySklad',
	nodeTypes: { 'n8n-nodes-crm-tasks.moySklad': new MoySklad() },
	credentialTypes: { moySkladApi: new MoySkladApi() },
	// 45 units per 3 s at the credential's 4 units a request (the 2026-12 rate for a user token).
	rate: { kind: 'window', limit: 11, windowMs: 3000, text: '45 units / 3 s at 4 units a request = 11 requests in any 3 s; ≤ 5 in flight' },
	async sandbox(limits, tasks) {
		const { MoySkladSandbox, seedDemo } = await import('../test/sandbox/moysklad');
		const sandbox = new MoySkladSandbox({ rateLimit: limits });
		await sandbox.start();
		seedDemo(sandbox, { tasks: 0 });
		for (let i = 0; i < tasks; i++) sandbox.addTask({ description: `Seeded task ${i + 1}` });
		return sandbox;
	},
	ref: (sandbox) => ({ baseUrl: sandbox.baseUrl, userId: (sandbox as MoySkladSandbox).currentUserId }),
	// The path is the sandbox's MS_API_PATH (not imported: the n8n side never loads the sandbox).
	credentials: (sandbox) => ({
		moySkladApi: { authType: 'token', accessToken: 'test-token', requestCost: 4, baseUrl: `${sandbox.baseUrl}/api/remap/1.2` },
	}),
	limitsOff: (sandbox) => {
		(sandbox as MoySkladSandbox).rateLimitEnabled = false;
	},
	storedTasks: (sandbox) => (sandbox as MoySkladSandbox).store.tasks.size,
	isLimitAnswer: (entry) => entry.status === 429,
	units(entry) {
		if (entry.method === 'GET' && entry.path.endsWith('/entity/task')) return { unit: 'tasks a page (limit)', count: queryNumber(entry, 'limit') ?? 1000, max: 1000 };
		const count = bodyLength(entry);
		return count === undefined ? undefined : { unit: 'tasks a bulk POST', count, max: 1000 };
	},
	listParameters: { resource: 'task', operation: 'getAll', returnAll: true },
	createParameters: (sandbox) => ({ resource: 'task', operation: 'create', description: '={{ $json.text }}', assignee: sandbox.userId ?? '' }),
	createInput: inputs,
	inFlight: { list: 1, create: 1 },
	answerTasks: (_method, answer) => (Array.isArray(answer) ? objects(answer) : objects(field(answer, 'rows'))),
	listFloor: (n) => floor(Math.max(1, Math.ceil(n / 1000)), `⌈${n} / 1000⌉ pages (limit ≤ 1000 without expand)`),
	createFloor: (n) => floor(Math.ceil(n / 1000), `⌈${n} / 1000⌉ bulk POSTs (≤ 1000 elements; the answer holds the full tasks)`),
	rationale: {
		pacing:
			'MoySklad meters requests per user, shared with the user\'s other integrations and apps, and more than 200 answers 429 in a minute block the user (MoySklad\'s API restrictions, https://dev.moysklad.ru/doc/api/remap/1.2/#mojsklad-json-api-ogranicheniq)',
	},
};

const pyrus: VendorBench = {
	name: 'pyrus',
	title: 'Pyrus',
	nodeType: 'n8n-nodes-crm-tasks.pyrus',
	nodeTypes: { 'n8n-nodes-crm-tasks.pyrus': new Pyrus() },
	credentialTypes: { pyrusApi: new PyrusApi() },
	rate: { kind: 'window', limit: 5000, windowMs: 600_000, text: '5,000 requests in any 10 min per user (token requests not counted)' },
	async sandbox(limits, tasks) {
		const { PyrusSandbox, seedDemo } = await import('../test/sandbox/pyrus');
		const sandbox = new PyrusSandbox({ rateLimit: limits ? 5000 : 0 });
		await sandbox.start();
		seedDemo(sandbox, { tasks: 0 });
		for (let i = 0; i < tasks; i++) {
			sandbox.addTask({ form_id: 321, text: 'Purchase request', current_step: 1, fields: [{ id: 1, type: 'text', name: 'Purpose', value: `Purchase ${i + 1}` }] });
		}
		return sandbox;
	},
	ref: (sandbox) => ({ baseUrl: sandbox.baseUrl }),
	// No token yet: the first request of a run gets one (preAuthentication), as a fresh credential would.
	credentials: (sandbox) => ({
		pyrusApi: { login: 'bot@sandbox', secretKey: 'sandbox-security-key', serverUrl: `${sandbox.baseUrl}/api/v4`, accessToken: '', apiUrl: '' },
	}),
	limitsOff: (sandbox) => {
		(sandbox as PyrusSandbox).setRateLimit(0);
	},
	storedTasks: (sandbox) => (sandbox as PyrusSandbox).tasks.size,
	isLimitAnswer: (entry) => entry.status === 429,
	units(entry) {
		if (entry.method === 'GET' && /\/register$/.test(entry.path)) return { unit: 'tasks a register read (item_count)', count: queryNumber(entry, 'item_count') ?? 0, max: 20_000 };
		return undefined;
	},
	listParameters: { resource: 'task', operation: 'getAll', source: 'form', formId: '321', returnAll: true },
	createParameters: () => ({ resource: 'task', operation: 'create', taskKind: 'simple', text: '={{ $json.text }}' }),
	createInput: inputs,
	// The create sends items at once, as many as the governor lets one account have in flight
	// (nodes/Pyrus/actions/task/create.ts `concurrency`, with Continue On Fail as here).
	inFlight: { list: 1, create: pyrusProfile.rateLimit.maxInFlight },
	answerTasks: (_method, answer) => {
		const task = field(answer, 'task');
		return task === undefined ? objects(field(answer, 'tasks')) : [task as IDataObject];
	},
	listFloor: (n) => floor(1 + Math.max(1, Math.ceil((n + 1) / 20_000)), `1 token request + ⌈(${n} + 1) / 20,000⌉ register reads (item_count ≤ 20,000)`),
	createFloor: (n) => floor(1 + n, `1 token request + ${n} POSTs (no bulk create in the tasks API, https://pyrus.com/en/help/api/tasks)`),
	rationale: {
		pacing: 'Pyrus allows 5,000 requests in 10 minutes per user (https://pyrus.com/en/help/api/errors-and-limits)',
		requests: 'the tasks API creates one task a request (https://pyrus.com/en/help/api/tasks)',
	},
};

const bitrix24: VendorBench = {
	name: 'bitrix24',
	title: 'Bitrix24',
	nodeType: 'n8n-nodes-crm-tasks.bitrix24',
	nodeTypes: { 'n8n-nodes-crm-tasks.bitrix24': new Bitrix24() },
	credentialTypes: { bitrix24WebhookApi: new Bitrix24WebhookApi() },
	rate: { kind: 'bucket', burst: 50, drainPerSecond: 2, text: 'leaky bucket: burst 50, drains 2 a second (non-Enterprise plan)' },
	async sandbox(limits, tasks) {
		const { Bitrix24Sandbox, seedDemo } = await import('../test/sandbox/bitrix24');
		const sandbox = new Bitrix24Sandbox({ rateLimit: limits });
		await sandbox.start();
		seedDemo(sandbox, { tasks: 0 });
		for (let i = 0; i < tasks; i++) sandbox.addTask({ title: `Seeded task ${i + 1}`, responsibleId: '2' });
		return sandbox;
	},
	ref: (sandbox) => ({ baseUrl: sandbox.baseUrl }),
	credentials: (sandbox) => ({ bitrix24WebhookApi: { webhookSecretUrl: `${sandbox.baseUrl}/rest/1/sandboxsecret1234/` } }),
	limitsOff: (sandbox) => {
		(sandbox as Bitrix24Sandbox).rateLimitEnabled = false;
	},
	storedTasks: (sandbox) => (sandbox as Bitrix24Sandbox).tasks.size,
	isLimitAnswer: (entry) => entry.status === 503,
	units(entry) {
		const body = entry.body;
		const commands = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as IDataObject).cmd : undefined;
		if (typeof commands === 'object' && commands !== null) return { unit: 'commands a batch', count: Object.keys(commands).length, max: 50 };
		return undefined;
	},
	listParameters: { resource: 'task', operation: 'getAll', returnAll: true },
	createParameters: () => ({ resource: 'task', operation: 'create', title: '={{ $json.text }}', responsibleId: '2' }),
	createInput: inputs,
	inFlight: { list: 1, create: 1 },
	// A batch answer: result.result holds each command's result ({ tasks } or { task }). Pages
	// after the first short one ran from a reference to a task that does not exist (the batch
	// page: `$result[…]` to a missing value), so they are not the list's.
	answerTasks(_method, answer) {
		const tasks: IDataObject[] = [];
		for (const result of Object.values((field(field(answer, 'result'), 'result') ?? {}) as IDataObject)) {
			const task = field(result, 'task');
			if (task !== undefined) {
				tasks.push(task as IDataObject);
				continue;
			}
			const page = objects(field(result, 'tasks'));
			tasks.push(...page);
			if (page.length < 50) break;
		}
		return tasks;
	},
	listFloor: (n) => {
		// Keyset pages of 50; a list whose size is a multiple of 50 needs one more (empty) page to end.
		const pages = Math.floor(n / 50) + 1;
		return floor(Math.ceil(pages / 50), `⌊${n} / 50⌋ + 1 = ${pages} pages of 50, 50 pages per batch call`);
	},
	createFloor: (n) => floor(Math.ceil(n / 50), `⌈${n} / 50⌉ batch calls of 50 tasks.task.add`),
	rationale: {
		pacing:
			'Bitrix24 meters REST calls per portal with a leaky bucket (burst 50, 2 a second drained on non-Enterprise plans) and blocks a portal that keeps exceeding it (https://apidocs.bitrix24.com/settings/performance/limits.html)',
		requests:
			'a batch call runs at most 50 commands, and each nested command costs operating time (https://apidocs.bitrix24.com/api-reference/how-to-call-rest-api/batch.html, https://apidocs.bitrix24.com/settings/performance/limits.html)',
	},
};

export const VENDORS: Record<VendorName, VendorBench> = { amocrm, moysklad, pyrus, bitrix24 };
