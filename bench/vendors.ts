/**
 * The benchmark's view of each vendor: its loopback sandbox (with the vendor's real limits
 * on or off), a credential that works against it, N seeded tasks, the node parameters of
 * Return All and of a bulk create, and the vendor facts the floors are computed from
 * (page and bulk sizes from the vendors' API documentation, the limit the sandbox enforces).
 */
import type { IDataObject, INodeParameters, INodeType } from 'n8n-workflow';

import { AmoCrmApi } from '../credentials/AmoCrmApi.credentials';
import { Bitrix24WebhookApi } from '../credentials/Bitrix24WebhookApi.credentials';
import { MoySkladApi } from '../credentials/MoySkladApi.credentials';
import { PyrusApi } from '../credentials/PyrusApi.credentials';
import { AmoCrm } from '../nodes/AmoCrm/AmoCrm.node';
import { Bitrix24 } from '../nodes/Bitrix24/Bitrix24.node';
import { MoySklad } from '../nodes/MoySklad/MoySklad.node';
import { Pyrus } from '../nodes/Pyrus/Pyrus.node';
import type { CredentialDataMap } from '../test/harness/credentials';
import { AmoCrmSandbox, seedDemo as seedAmo } from '../test/sandbox/amocrm';
import { Bitrix24Sandbox, seedDemo as seedB24 } from '../test/sandbox/bitrix24';
import type { SandboxServer } from '../test/sandbox/framework';
import { MoySkladSandbox, MS_API_PATH, seedDemo as seedMs } from '../test/sandbox/moysklad';
import { PyrusSandbox, seedDemo as seedPyrus } from '../test/sandbox/pyrus';

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

export interface Floor {
	requests: number;
	/** How the request floor is computed, in words. */
	how: string;
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
	credentials(sandbox: SandboxServer): CredentialDataMap;
	/** Tasks stored in the sandbox now. */
	storedTasks(sandbox: SandboxServer): number;
	listParameters: INodeParameters;
	createParameters(sandbox: SandboxServer): INodeParameters;
	createInput(count: number): IDataObject[];
	listFloor(tasks: number): Floor;
	createFloor(tasks: number): Floor;
}

const due = new Date(Date.now() + 7 * 86_400_000).toISOString();
const inputs = (count: number): IDataObject[] =>
	Array.from({ length: count }, (_, i) => ({ text: `Bench task ${i + 1}`, due }));

const amocrm: VendorBench = {
	name: 'amocrm',
	title: 'amoCRM',
	nodeType: 'n8n-nodes-crm-tasks.amoCrm',
	nodeTypes: { 'n8n-nodes-crm-tasks.amoCrm': new AmoCrm() },
	credentialTypes: { amoCrmApi: new AmoCrmApi() },
	rate: { kind: 'window', limit: 7, windowMs: 1000, text: '7 requests in any 1 s (sliding window)' },
	async sandbox(limits, tasks) {
		const sandbox = new AmoCrmSandbox({ rateLimit: limits });
		await sandbox.start();
		seedAmo(sandbox, { tasks: 0 });
		for (let i = 0; i < tasks; i++) sandbox.addTask({ text: `Seeded task ${i + 1}` });
		return sandbox;
	},
	credentials: (sandbox) => ({ amoCrmApi: { domain: 'custom', baseUrl: sandbox.baseUrl, accessToken: 'test-token' } }),
	storedTasks: (sandbox) => (sandbox as AmoCrmSandbox).store.tasks.size,
	listParameters: { resource: 'task', operation: 'getAll', returnAll: true },
	createParameters: () => ({ resource: 'task', operation: 'create', text: '={{ $json.text }}', completeTill: '={{ $json.due }}' }),
	createInput: inputs,
	listFloor: (n) => ({ requests: Math.max(1, Math.ceil(n / 250)), how: `⌈${n} / 250⌉ pages (limit ≤ 250)` }),
	createFloor: (n) => ({
		requests: Math.ceil(n / 50) + Math.ceil(n / 250),
		how: `⌈${n} / 50⌉ bulk POSTs (≤ 50 a request) + ⌈${n} / 250⌉ reads by id (a create answers with ids only; the node outputs the tasks)`,
	}),
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
		const sandbox = new MoySkladSandbox({ rateLimit: limits });
		await sandbox.start();
		seedMs(sandbox, { tasks: 0 });
		for (let i = 0; i < tasks; i++) sandbox.addTask({ description: `Seeded task ${i + 1}` });
		return sandbox;
	},
	credentials: (sandbox) => ({
		moySkladApi: { authType: 'token', accessToken: 'test-token', requestCost: 4, baseUrl: `${sandbox.baseUrl}${MS_API_PATH}` },
	}),
	storedTasks: (sandbox) => (sandbox as MoySkladSandbox).store.tasks.size,
	listParameters: { resource: 'task', operation: 'getAll', returnAll: true },
	createParameters: (sandbox) => ({
		resource: 'task',
		operation: 'create',
		description: '={{ $json.text }}',
		assignee: (sandbox as MoySkladSandbox).currentUserId,
	}),
	createInput: inputs,
	listFloor: (n) => ({ requests: Math.max(1, Math.ceil(n / 1000)), how: `⌈${n} / 1000⌉ pages (limit ≤ 1000 without expand)` }),
	createFloor: (n) => ({ requests: Math.ceil(n / 1000), how: `⌈${n} / 1000⌉ bulk POSTs (≤ 1000 elements; the answer holds the full tasks)` }),
};

const pyrus: VendorBench = {
	name: 'pyrus',
	title: 'Pyrus',
	nodeType: 'n8n-nodes-crm-tasks.pyrus',
	nodeTypes: { 'n8n-nodes-crm-tasks.pyrus': new Pyrus() },
	credentialTypes: { pyrusApi: new PyrusApi() },
	rate: { kind: 'window', limit: 5000, windowMs: 600_000, text: '5,000 requests in any 10 min per user (token requests not counted)' },
	async sandbox(limits, tasks) {
		const sandbox = new PyrusSandbox({ rateLimit: limits ? 5000 : 0 });
		await sandbox.start();
		seedPyrus(sandbox, { tasks: 0 });
		for (let i = 0; i < tasks; i++) {
			sandbox.addTask({ form_id: 321, text: 'Purchase request', current_step: 1, fields: [{ id: 1, type: 'text', name: 'Purpose', value: `Purchase ${i + 1}` }] });
		}
		return sandbox;
	},
	// No token yet: the first request of a run gets one (preAuthentication), as a fresh credential would.
	credentials: (sandbox) => ({
		pyrusApi: { login: 'bot@sandbox', secretKey: 'sandbox-security-key', serverUrl: `${sandbox.baseUrl}/api/v4`, accessToken: '', apiUrl: '' },
	}),
	storedTasks: (sandbox) => (sandbox as PyrusSandbox).tasks.size,
	listParameters: { resource: 'task', operation: 'getAll', source: 'form', formId: '321', returnAll: true },
	createParameters: () => ({ resource: 'task', operation: 'create', taskKind: 'simple', text: '={{ $json.text }}' }),
	createInput: inputs,
	listFloor: (n) => ({
		requests: 1 + Math.max(1, Math.ceil((n + 1) / 20_000)),
		how: `1 token request + ⌈(${n} + 1) / 20,000⌉ register reads (item_count ≤ 20,000)`,
	}),
	createFloor: (n) => ({ requests: 1 + n, how: `1 token request + ${n} POSTs (Pyrus has no bulk create)` }),
};

const bitrix24: VendorBench = {
	name: 'bitrix24',
	title: 'Bitrix24',
	nodeType: 'n8n-nodes-crm-tasks.bitrix24',
	nodeTypes: { 'n8n-nodes-crm-tasks.bitrix24': new Bitrix24() },
	credentialTypes: { bitrix24WebhookApi: new Bitrix24WebhookApi() },
	rate: { kind: 'bucket', burst: 50, drainPerSecond: 2, text: 'leaky bucket: burst 50, drains 2 a second (non-Enterprise plan)' },
	async sandbox(limits, tasks) {
		const sandbox = new Bitrix24Sandbox({ rateLimit: limits });
		await sandbox.start();
		seedB24(sandbox, { tasks: 0 });
		for (let i = 0; i < tasks; i++) sandbox.addTask({ title: `Seeded task ${i + 1}`, responsibleId: '2' });
		return sandbox;
	},
	credentials: (sandbox) => ({ bitrix24WebhookApi: { webhookSecretUrl: `${sandbox.baseUrl}/rest/1/sandboxsecret1234/` } }),
	storedTasks: (sandbox) => (sandbox as Bitrix24Sandbox).tasks.size,
	listParameters: { resource: 'task', operation: 'getAll', returnAll: true },
	createParameters: () => ({ resource: 'task', operation: 'create', title: '={{ $json.text }}', responsibleId: '2' }),
	createInput: inputs,
	listFloor: (n) => {
		// Keyset pages of 50; a list whose size is a multiple of 50 needs one more (empty) page to end.
		const pages = Math.floor(n / 50) + 1;
		return { requests: Math.ceil(pages / 50), how: `⌊${n} / 50⌋ + 1 = ${pages} pages of 50, 50 pages per batch call` };
	},
	createFloor: (n) => ({ requests: Math.ceil(n / 50), how: `⌈${n} / 50⌉ batch calls of 50 tasks.task.add` }),
};

export const VENDORS: Record<VendorName, VendorBench> = { amocrm, moysklad, pyrus, bitrix24 };
