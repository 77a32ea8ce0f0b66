/**
 * The four vendors side by side, for the reliability suites and the benchmark: which node and
 * trigger to run, the credential that works against a started loopback sandbox, how to make a
 * sandbox, fill it with N tasks and read back what it stores, the node parameters of Return All
 * and of a create, and the vendor's own "slow down" answer for fault injection.
 *
 * Everything vendor-specific comes from the vendors' own fixtures and sandbox modules (their
 * header comments name the credential values used here); this file only lines them up.
 */
import type { ICredentialType, IDataObject, INodeParameters, INodeType } from 'n8n-workflow';

import { AmoCrmTrigger } from '../../nodes/AmoCrm/AmoCrmTrigger.node';
import { AMO_MAX_BATCH, AMO_MAX_PAGE } from '../../nodes/AmoCrm/api';
import { B24_MAX_BATCH, B24_PAGE } from '../../nodes/Bitrix24/api';
import { MS_MAX_BATCH, MS_MAX_PAGE } from '../../nodes/MoySklad/api';
import { PYRUS_REGISTER_CAP } from '../../nodes/Pyrus/api';
import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import * as amo from '../amocrm/fixtures';
import * as b24 from '../bitrix24/fixtures';
import type { CredentialDataMap } from '../harness';
import { runWorkflow, type RunWorkflowResult } from '../harness/run-workflow';
import * as ms from '../moysklad/fixtures';
import * as pyrus from '../pyrus/fixtures';
import { AmoCrmSandbox } from '../sandbox/amocrm';
import { Bitrix24Sandbox } from '../sandbox/bitrix24';
import type { FaultSettings, SandboxResponse, SandboxServer } from '../sandbox/framework';
import { MoySkladSandbox } from '../sandbox/moysklad';
import { DEMO_FORM, PyrusSandbox } from '../sandbox/pyrus';

export type VendorKey = 'amoCrm' | 'moySklad' | 'pyrus' | 'bitrix24';

export interface SandboxFactoryOptions {
	/** Shared with `setTimeScale(k)` on the client side. */
	timeScale: number;
	/** Seed of the sandbox's fault PRNG. Default 1. */
	seed?: number;
	/** The vendor's own limiter on (default) or off. */
	rateLimit?: boolean;
}

/** A task as the sandbox stores it, reduced to what the suites compare. */
export interface StoredTask {
	id: string;
	/** The task's text / title / description: the suites put a unique marker there. */
	text: string;
}

export interface VendorAdapter<S extends SandboxServer = SandboxServer> {
	key: VendorKey;
	displayName: string;
	nodeType: string;
	triggerType: string;
	/** Node and trigger classes, keyed by type (for `runWorkflow` / `runPoll`). */
	nodeTypes: Record<string, INodeType>;
	credentialTypes: Record<string, ICredentialType>;
	/** A new, not yet started sandbox with the vendor's limits (scaled by `timeScale`). */
	createSandbox(options: SandboxFactoryOptions): S;
	/**
	 * A fresh credential that works against the started sandbox (fresh because n8n may write a
	 * renewed token into it, as Pyrus's does).
	 */
	credentials(sandbox: S): CredentialDataMap;
	/** Whatever a create needs to exist in the account (users, forms). Call once after start. */
	prepare(sandbox: S): void;
	/** Stores `count` open tasks, texts `${prefix}${n}`, straight into the sandbox; returns their ids. */
	seedTasks(sandbox: S, count: number, prefix?: string): string[];
	/** Every task the sandbox stores now. */
	storedTasks(sandbox: S): StoredTask[];
	/** Removes every task. */
	clearTasks(sandbox: S): void;
	/** Task → Get Many with Return All over the tasks `seedTasks` stores (raw output). */
	getAllParameters: INodeParameters;
	/** Task → Create with the text taken from the input item's `text` (raw output). */
	createParameters(sandbox: S): INodeParameters;
	/** The task id of one output item of Get Many / Create (raw output). */
	outputId(json: IDataObject): string;
	/** Items per Get Many page and per bulk write (1 = one request per item). */
	pageSize: number;
	bulkSize: number;
	/** The vendor's own "slow down" answer, as a sentence for docs and messages. */
	limitAnswer: string;
	/** The HTTP status of that answer. */
	limitStatus: number;
	/**
	 * How many of its limit answers the vendor puts up with in a window before it blocks or
	 * bans the account (docs/reliability.md, «Many workers», says where each number comes from).
	 */
	limitTolerance: { answers: number; windowMs: number };
	/** Whether the sandbox has blocked or banned the account. */
	blocked(sandbox: S): boolean;
	/** Random faults with `limitRate` drawn as the vendor's own limit answer. */
	setFaults(sandbox: S, settings: FaultSettings): void;
	/** Limit answers the sandbox sent so far (its own limiter's and injected ones). */
	limitAnswers(sandbox: S): number;
}

/** Options every factory passes to the sandbox constructor. */
function base(options: SandboxFactoryOptions) {
	return { timeScale: options.timeScale, seed: options.seed ?? 1 };
}

const byStatus = (sandbox: SandboxServer, status: number) => sandbox.stats.byStatus[status] ?? 0;

// ---------------------------------------------------------------------------------------------
// amoCRM: token `test-token`, "Full URL" = the sandbox's base URL (test/sandbox/amocrm.ts).
// ---------------------------------------------------------------------------------------------

export const amoCrm: VendorAdapter<AmoCrmSandbox> = {
	key: 'amoCrm',
	displayName: 'amoCRM',
	nodeType: amo.NODE_TYPE,
	triggerType: 'n8n-nodes-crm-tasks.amoCrmTrigger',
	nodeTypes: { ...amo.nodeTypes, 'n8n-nodes-crm-tasks.amoCrmTrigger': new AmoCrmTrigger() },
	credentialTypes: amo.credentialTypes,
	createSandbox: (options) => new AmoCrmSandbox({ ...base(options), rateLimit: options.rateLimit ?? true }),
	credentials: (sandbox) => ({ amoCrmApi: { domain: 'custom', baseUrl: sandbox.baseUrl, accessToken: 'test-token' } }),
	prepare: () => undefined,
	seedTasks: (sandbox, count, prefix = 'Task ') =>
		Array.from({ length: count }, (_, n) => String(sandbox.addTask({ text: `${prefix}${n}` }).id)),
	storedTasks: (sandbox) => [...sandbox.store.tasks.values()].map((t) => ({ id: String(t.id), text: t.text })),
	clearTasks: (sandbox) => sandbox.store.tasks.clear(),
	getAllParameters: { resource: 'task', operation: 'getAll', returnAll: true },
	createParameters: () => ({
		resource: 'task',
		operation: 'create',
		text: '={{ $json.text }}',
		completeTill: '2026-12-01T10:00:00',
		additionalFields: { taskTypeId: '1' },
	}),
	outputId: (json) => String(json.id),
	pageSize: AMO_MAX_PAGE,
	bulkSize: AMO_MAX_BATCH,
	limitAnswer: '429 Too Many Requests',
	limitStatus: 429,
	// The sandbox blocks the account after more than 20 in a minute ("repeated violations").
	limitTolerance: { answers: 20, windowMs: 60_000 },
	blocked: (sandbox) => sandbox.blocked,
	setFaults: (sandbox, settings) => sandbox.faults.set(settings),
	limitAnswers: (sandbox) => byStatus(sandbox, 429),
};

// ---------------------------------------------------------------------------------------------
// MoySklad: token `test-token`, API URL `<baseUrl>/api/remap/1.2` (test/sandbox/moysklad.ts).
// Its injected 429 carries code 1049 and X-Lognex-Retry-After, like its own limiter's.
// ---------------------------------------------------------------------------------------------

export const moySklad: VendorAdapter<MoySkladSandbox> = {
	key: 'moySklad',
	displayName: 'MoySklad',
	nodeType: ms.NODE_TYPE,
	triggerType: ms.TRIGGER_TYPE,
	nodeTypes: ms.nodeTypes,
	credentialTypes: ms.credentialTypes,
	createSandbox: (options) => new MoySkladSandbox({ ...base(options), rateLimit: options.rateLimit ?? true }),
	credentials: (sandbox) => ({
		moySkladApi: { authType: 'token', accessToken: 'test-token', requestCost: 4, baseUrl: sandbox.api },
	}),
	prepare: () => undefined,
	seedTasks: (sandbox, count, prefix = 'Task ') =>
		Array.from({ length: count }, (_, n) => sandbox.addTask({ description: `${prefix}${n}` }).id),
	storedTasks: (sandbox) => [...sandbox.store.tasks.values()].map((t) => ({ id: t.id, text: t.description })),
	clearTasks: (sandbox) => sandbox.store.tasks.clear(),
	getAllParameters: { resource: 'task', operation: 'getAll', returnAll: true, filters: { status: 'all' } },
	// The assignee is the sandbox's own user.
	createParameters: (sandbox) => ({
		resource: 'task',
		operation: 'create',
		description: '={{ $json.text }}',
		assignee: sandbox.currentUserId,
	}),
	outputId: (json) => String(json.id),
	pageSize: MS_MAX_PAGE,
	bulkSize: MS_MAX_BATCH,
	limitAnswer: '429 with code 1049 and X-Lognex-Retry-After',
	limitStatus: 429,
	// The documented automatic ban: more than 200 answers 429 within a minute (MoySklad API documentation, restrictions: https://dev.moysklad.ru/doc/api/remap/1.2/).
	limitTolerance: { answers: 200, windowMs: 60_000 },
	blocked: (sandbox) => sandbox.banned,
	setFaults: (sandbox, settings) => sandbox.faults.set(settings),
	limitAnswers: (sandbox) => byStatus(sandbox, 429),
};

// ---------------------------------------------------------------------------------------------
// Pyrus: bot `bot@sandbox` / `sandbox-security-key`, server URL `<baseUrl>/api/v4`
// (test/sandbox/pyrus.ts). Return All reads the register of the demo form 321.
// ---------------------------------------------------------------------------------------------

export const pyrusAdapter: VendorAdapter<PyrusSandbox> = {
	key: 'pyrus',
	displayName: 'Pyrus',
	nodeType: pyrus.NODE_TYPE,
	triggerType: pyrus.TRIGGER_TYPE,
	nodeTypes: pyrus.nodeTypes,
	credentialTypes: pyrus.credentialTypes,
	createSandbox: (options) => new PyrusSandbox({ ...base(options), rateLimit: options.rateLimit === false ? 0 : undefined }),
	credentials: (sandbox) => ({
		pyrusApi: { login: 'bot@sandbox', secretKey: 'sandbox-security-key', serverUrl: `${sandbox.baseUrl}/api/v4` },
	}),
	prepare: (sandbox) => {
		if (!sandbox.forms.has(DEMO_FORM.id)) sandbox.addForm(DEMO_FORM);
	},
	seedTasks: (sandbox, count, prefix = 'Task ') =>
		Array.from({ length: count }, (_, n) =>
			String(sandbox.addTask({ form_id: DEMO_FORM.id, current_step: 1, fields: [], text: `${prefix}${n}` }).id),
		),
	storedTasks: (sandbox) => [...sandbox.tasks.values()].map((t) => ({ id: String(t.id), text: String(t.text ?? '') })),
	clearTasks: (sandbox) => sandbox.tasks.clear(),
	getAllParameters: { resource: 'task', operation: 'getAll', source: 'form', formId: String(DEMO_FORM.id), returnAll: true },
	createParameters: () => ({ resource: 'task', operation: 'create', taskKind: 'simple', text: '={{ $json.text }}' }),
	outputId: (json) => String(json.id),
	pageSize: PYRUS_REGISTER_CAP,
	bulkSize: 1,
	limitAnswer: '429 too_many_requests with X-RateLimit-Reset',
	limitStatus: 429,
	// A 429 means the 10-minute budget is spent: nothing to put up with.
	limitTolerance: { answers: 0, windowMs: 600_000 },
	blocked: () => false,
	setFaults: (sandbox, settings) => sandbox.faults.set(settings),
	limitAnswers: (sandbox) => byStatus(sandbox, 429),
};

// ---------------------------------------------------------------------------------------------
// Bitrix24: webhook `<baseUrl>/rest/1/sandboxsecret1234/` (test/sandbox/bitrix24.ts).
// ---------------------------------------------------------------------------------------------

/**
 * The Bitrix24 sandbox whose injected limit answers are the portal's own: 503
 * QUERY_LIMIT_EXCEEDED (the framework draws them as 429; a scripted 503 is one too).
 */
export class FaultyBitrix24Sandbox extends Bitrix24Sandbox {
	protected override faultResponse(status: number): SandboxResponse {
		if (status === 429 || status === 503) {
			this.queryLimitRejections++;
			return { status: 503, body: { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' } };
		}
		return { status, body: { error: 'INTERNAL_SERVER_ERROR', error_description: 'Internal server error' } };
	}
}

export const bitrix24: VendorAdapter<FaultyBitrix24Sandbox> = {
	key: 'bitrix24',
	displayName: 'Bitrix24',
	nodeType: b24.NODE_TYPE,
	triggerType: b24.TRIGGER_TYPE,
	nodeTypes: b24.nodeTypes,
	credentialTypes: b24.credentialTypes,
	createSandbox: (options) => new FaultyBitrix24Sandbox({ ...base(options), rateLimit: options.rateLimit ?? true }),
	credentials: (sandbox) => b24.webhookCredentials(sandbox.baseUrl),
	prepare: () => undefined,
	seedTasks: (sandbox, count, prefix = 'Task ') =>
		Array.from({ length: count }, (_, n) => String(sandbox.addTask({ title: `${prefix}${n}`, responsibleId: '1' }).id)),
	storedTasks: (sandbox) => [...sandbox.tasks.values()].map((t) => ({ id: String(t.id), text: t.title })),
	clearTasks: (sandbox) => sandbox.tasks.clear(),
	getAllParameters: { resource: 'task', operation: 'getAll', returnAll: true },
	createParameters: () => ({ resource: 'task', operation: 'create', title: '={{ $json.text }}', responsibleId: '1' }),
	outputId: (json) => String(json.id),
	pageSize: B24_PAGE,
	bulkSize: B24_MAX_BATCH,
	limitAnswer: '503 QUERY_LIMIT_EXCEEDED',
	limitStatus: 503,
	// No documented number ("sustained heavy load" gets a webhook blocked): held to amoCRM's.
	limitTolerance: { answers: 20, windowMs: 60_000 },
	blocked: () => false,
	setFaults: (sandbox, settings) => sandbox.faults.set(settings),
	limitAnswers: (sandbox) => sandbox.queryLimitRejections,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAdapter = VendorAdapter<any>;

export const VENDORS: AnyAdapter[] = [amoCrm, moySklad, pyrusAdapter, bitrix24];

export function vendor(key: VendorKey): AnyAdapter {
	const found = VENDORS.find((v) => v.key === key);
	if (!found) throw new Error(`unknown vendor ${key}`);
	return found;
}

/** One run of the vendor's node against its started sandbox, through n8n-core's engine. */
export async function runAgainst(
	adapter: AnyAdapter,
	sandbox: SandboxServer,
	parameters: INodeParameters,
	input: IDataObject[],
	options: { continueOnFail?: boolean } = {},
): Promise<RunWorkflowResult> {
	return await runWorkflow({
		nodeTypes: adapter.nodeTypes,
		credentialTypes: adapter.credentialTypes,
		credentials: adapter.credentials(sandbox),
		node: { type: adapter.nodeType, parameters },
		input,
		continueOnFail: options.continueOnFail,
	});
}

/**
 * A started sandbox of the vendor for a describe block, on the given time scale (shared with the
 * node): prepared once, stopped at the end; each test starts with no tasks and a clean process
 * state. Returns the started sandbox (call it inside hooks and tests).
 */
export function useVendorSandbox(adapter: AnyAdapter, options: { timeScale: number; seed?: number }): () => SandboxServer {
	let sandbox: SandboxServer | undefined;
	beforeAll(async () => {
		setTimeScale(options.timeScale);
		const created = adapter.createSandbox(options);
		sandbox = created;
		await created.start();
		adapter.prepare(created);
	});
	afterAll(async () => {
		await sandbox?.stop();
		setTimeScale(1);
	});
	beforeEach(() => {
		resetProcessState();
		adapter.clearTasks(sandbox!);
	});
	return () => sandbox!;
}
