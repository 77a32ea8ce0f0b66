/**
 * amoCRM's documented request/answer pairs (test/contract/amocrm/*.json, each naming its source):
 * the sandbox answers each documented request as documented, and the node reads each documented
 * answer into the items the pair expects.
 */
import type { IDataObject } from 'n8n-workflow';

import { useVendorEnvironment, SUITE_TIME_SCALE } from '../harness';
import { amo, runAmo } from '../amocrm/fixtures';
import { AmoCrmSandbox } from '../sandbox/amocrm';
import { loadContracts, pick, shapeDiff, substitute, type ContractRequest } from './contract';

useVendorEnvironment({ allowLocalhost: true });

const pairs = loadContracts('amocrm');
const API = '/api/v4/';

/**
 * The account the documented examples assume: the leads their tasks link to (the examples of
 * https://www.amocrm.ru/developers/content/crm_platform/tasks-api) and the custom task type of the «Account parameters» example
 * (https://developers.kommo.com/reference/account-parameters, with=task_types).
 */
function documentedAccount(sandbox: AmoCrmSandbox): void {
	sandbox.addEntity('leads', 167353, 1035487, 180765, 9785993);
	sandbox.addTaskType({ id: 2710394, name: 'Send offer', color: '#ffd1bd', icon_id: 5 });
}

interface Answer {
	status: number;
	headers: Headers;
	body: unknown;
}

async function send(base: string, request: ContractRequest): Promise<Answer> {
	const url = new URL(API + request.path, base);
	for (const [key, value] of Object.entries(request.query ?? {})) {
		for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(key, one);
	}
	const headers: Record<string, string> = { Authorization: 'Bearer test-token', ...(request.headers ?? {}) };
	if (request.body !== undefined) headers['Content-Type'] = 'application/json';
	const res = await fetch(url, {
		method: request.method,
		headers,
		body: request.body === undefined ? undefined : JSON.stringify(request.body),
	});
	const text = await res.text();
	return { status: res.status, headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

describe('amoCRM sandbox answers every documented request as documented', () => {
	let sandbox: AmoCrmSandbox;
	let base: string;

	beforeEach(async () => {
		sandbox = new AmoCrmSandbox({ timeScale: SUITE_TIME_SCALE });
		documentedAccount(sandbox);
		base = await sandbox.start();
	});
	afterEach(async () => {
		await sandbox.stop();
	});

	it.each(pairs.map((pair) => [pair.file, pair] as const))('%s', async (_file, pair) => {
		Object.assign(sandbox, pair.sandbox ?? {});
		const vars: Record<string, string> = {};
		for (const step of pair.given ?? []) {
			const answer = await send(base, substitute(step.request, vars));
			if (answer.status >= 300) {
				throw new Error(`given ${step.request.method} ${step.request.path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
			}
			for (const [name, path] of Object.entries(step.save ?? {})) vars[name] = pick(answer.body, path);
		}

		const answer = await send(base, substitute(pair.request, vars));

		expect(answer.status).toBe(pair.response.status);
		for (const [name, value] of Object.entries(pair.response.headers ?? {})) {
			expect(answer.headers.get(name)).toContain(value);
		}
		if (pair.response.body === undefined) expect(answer.body).toBeUndefined();
		else expect(shapeDiff(pair.response.body, answer.body, pair.optional)).toEqual([]);
	});
});

describe('the amoCRM node reads every documented answer', () => {
	const withNode = pairs.filter((pair) => pair.node);

	it.each(withNode.map((pair) => [pair.file, pair] as const))('%s', async (_file, pair) => {
		const node = pair.node!;
		// The documented answer answers the node's request of the documented method, whatever its
		// path and query; any other request of the run (a read after a write) gets no answer.
		amo()
			.intercept(/^\/api\/v4\//, pair.request.method)
			.query(true)
			.reply(pair.response.status, pair.response.body as IDataObject, pair.response.headers)
			.persist();

		const result = await runAmo(node.parameters, { input: node.input, continueOnFail: node.continueOnFail });

		if (node.error !== undefined) {
			const errors = node.continueOnFail
				? result.items.map((item) => `${String(item.json.error)}\n${String(item.json.description ?? '')}`)
				: [`${result.error?.message ?? ''}\n${String(result.error?.description ?? '')}`];
			expect(errors.length).toBeGreaterThan(0);
			for (const error of errors) expect(error).toContain(node.error);
		} else {
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(node.items?.length ?? 0);
			result.items.forEach((item, index) => expect(item.json).toMatchObject(node.items![index]));
		}
	});
});
