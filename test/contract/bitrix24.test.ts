/**
 * Bitrix24's documented request/answer pairs (test/contract/bitrix24/*.json), run twice:
 * against the sandbox (it must answer each documented request with the documented status and
 * an answer of the documented shape) and through the node in n8n's engine (nock answering the
 * node's request with the documented answer; the node's items or error as the pair says).
 *
 * A pair's `request.path` is the method (`tasks.task.get`, `api/…` for REST 3.0). It goes out
 * with the sandbox webhook of user 1, or, when the documented body carries `auth`, in the OAuth
 * form `/rest/{method}`. A pair's `sandbox` sets the portal up before the request:
 * `users`, `groups`, `tasks` (stored task fields), `comments` (by task id) to seed it;
 * `webhookScopes` (of the webhook), `expiredTokens`, `operationLimited` (method → refusals),
 * `rateLimitExhausted`.
 */
import { resetProcessState } from '../../nodes/shared/transport/clock';
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { runNode, useVendorEnvironment } from '../harness';
import { NODE_TYPE, SECRET, credentialTypes, nodeTypes, webhookCredentials } from '../bitrix24/fixtures';
import { B24_ALL_SCOPES, Bitrix24Sandbox, type B24Comment, type B24Task } from '../sandbox/bitrix24';
import { loadContracts, shapeDiff, substitute, type ContractPair, type ContractRequest } from './contract';

useVendorEnvironment({ allowLocalhost: true });

const pairs = loadContracts('bitrix24');
const REMOTE = 'https://contract.bitrix24.com';

/**
 * PHP encodes an empty map as `[]` (the documented answers show it: `"result_error": []` in
 * https://apidocs.bitrix24.com/settings/how-to-call-rest-api/batch.html, `"accomplicesData": []` in
 * https://apidocs.bitrix24.com/api-reference/tasks/tasks-task-list.html): where the documentation shows an
 * object, an answered [] stands for the empty object.
 */
function phpEmptyMaps(documented: unknown, actual: unknown): unknown {
	if (documented !== null && typeof documented === 'object' && !Array.isArray(documented)) {
		if (Array.isArray(actual) && actual.length === 0) return {};
		if (actual !== null && typeof actual === 'object' && !Array.isArray(actual)) {
			const out: Record<string, unknown> = { ...(actual as Record<string, unknown>) };
			for (const [key, value] of Object.entries(documented)) if (key in out) out[key] = phpEmptyMaps(value, out[key]);
			return out;
		}
		return actual;
	}
	if (Array.isArray(documented) && Array.isArray(actual) && documented.length > 0) {
		return actual.map((entry) => phpEmptyMaps(documented[0], entry));
	}
	return actual;
}

function urlPath(request: ContractRequest): string {
	const oauth = (request.body as IDataObject | undefined)?.auth !== undefined;
	const [, v3, method] = /^(api\/)?(.+)$/.exec(request.path)!;
	return oauth ? `/rest/${v3 ?? ''}${method}` : `/rest/${v3 ?? ''}1/${SECRET}/${method}`;
}

function setUp(sandbox: Bitrix24Sandbox, setup: IDataObject = {}): void {
	for (const user of (setup.users as IDataObject[] | undefined) ?? []) sandbox.addUser(user as { ID: string });
	for (const group of (setup.groups as IDataObject[] | undefined) ?? []) sandbox.addGroup(group as { ID: string; NAME: string });
	for (const task of (setup.tasks as IDataObject[] | undefined) ?? []) sandbox.addTask(task as Partial<B24Task>);
	for (const [taskId, comments] of Object.entries((setup.comments as IDataObject | undefined) ?? {})) {
		sandbox.comments.set(Number(taskId), comments as unknown as B24Comment[]);
	}
	if (setup.webhookScopes) sandbox.webhookScopes.set('1', setup.webhookScopes as string[]);
	for (const token of (setup.expiredTokens as string[] | undefined) ?? []) sandbox.expiredTokens.add(token);
	for (const [method, count] of Object.entries((setup.operationLimited as IDataObject | undefined) ?? {})) {
		sandbox.operationLimited.set(method, Number(count));
	}
	if (setup.rateLimitExhausted) sandbox.exhaustRateLimit();
}

describe('Bitrix24 sandbox answers each documented request as documented', () => {
	const sandbox = new Bitrix24Sandbox({ rateLimit: false });
	let base = '';
	beforeAll(async () => {
		base = await sandbox.start();
	});
	afterAll(async () => await sandbox.stop());
	beforeEach(() => {
		sandbox.resetData();
		sandbox.rateLimitEnabled = false;
		sandbox.resetRateLimit();
		sandbox.webhookScopes.clear();
		sandbox.oauthScopes = [...B24_ALL_SCOPES];
		sandbox.expiredTokens.clear();
		sandbox.operationLimited.clear();
	});

	async function send(request: ContractRequest): Promise<{ status: number; body: unknown }> {
		const response = await fetch(`${base}${urlPath(request)}`, {
			method: request.method,
			headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...request.headers },
			body: request.body === undefined ? undefined : JSON.stringify(request.body),
		});
		const text = await response.text();
		return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
	}

	it.each(pairs.map((pair) => [pair.file, pair] as const))('%s', async (_file, pair: ContractPair) => {
		setUp(sandbox, pair.sandbox);
		const vars: Record<string, string> = {};
		for (const step of pair.given ?? []) {
			const answer = await send(substitute(step.request, vars));
			expect(answer.status).toBeLessThan(300);
			for (const [name, path] of Object.entries(step.save ?? {})) {
				vars[name] = String(path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)?.[key], answer.body));
			}
		}

		const answer = await send(substitute(pair.request, vars));

		expect(answer.status).toBe(pair.response.status);
		expect(shapeDiff(pair.response.body, phpEmptyMaps(pair.response.body, answer.body), pair.optional)).toEqual([]);
	});
});

describe('the node reads each documented answer', () => {
	beforeEach(() => resetProcessState());
	const withNode = pairs.filter((pair) => pair.node);

	it.each(withNode.map((pair) => [pair.file, pair] as const))('%s', async (_file, pair: ContractPair) => {
		const node = pair.node!;
		const [, v3, method] = /^(api\/)?(.+)$/.exec(pair.request.path)!;
		nock(REMOTE)
			.post(`/rest/${v3 ?? ''}7/${SECRET}/${method}`)
			.times(10)
			.reply(pair.response.status, pair.response.body as nock.Body);
		if (v3) {
			// The node reads the task's chat id before it writes to the chat.
			const taskId = String((node.parameters.taskId as IDataObject).value);
			nock(REMOTE).post(`/rest/7/${SECRET}/tasks.task.get`).reply(200, { result: { task: { id: taskId, chatId: '12' } } });
		}

		const result = await runNode(
			{ nodeTypes, credentialTypes, type: NODE_TYPE },
			webhookCredentials('', { webhookSecretUrl: `${REMOTE}/rest/7/${SECRET}/` }),
			node.parameters as INodeParameters,
			{ input: node.input, continueOnFail: node.continueOnFail },
		);

		if (node.error !== undefined) {
			expect(result.error?.message ?? String(result.items[0]?.json.error)).toContain(node.error);
		} else {
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(node.items!.length);
			node.items!.forEach((item, index) => expect(result.items[index].json).toMatchObject(item));
		}
	});
});
