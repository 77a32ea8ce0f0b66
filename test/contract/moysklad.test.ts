/**
 * MoySklad's documented request/answer pairs (test/contract/moysklad/*.json, each naming its
 * source): the sandbox answers every documented request with the documented status and shape,
 * and the node, fed the documented answers through n8n's engine, gives the expected items.
 */
import * as http from 'node:http';
import { gunzipSync } from 'node:zlib';

import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { recordRequests, runNode } from '../harness';
import { MoySkladSandbox, fromMsk } from '../sandbox/moysklad';
import { BASE, HOST, NODE_TYPE, credentialTypes, nodeTypes, tokenCredentials, useMsEnvironment } from '../moysklad/fixtures';
import { loadContracts, pick, shapeDiff, substitute, type ContractPair, type ContractRequest } from './contract';

useMsEnvironment({ allowLocalhost: true });

const pairs = loadContracts('moysklad');

/**
 * Ids of the documented examples (https://dev.moysklad.ru/doc/api/remap/1.2/dictionaries/#suschnosti-zadacha),
 * so that the documented requests can be sent as they are.
 */
const DOC = {
	admin: '98fa7086-8aa1-11e8-7210-075e0000002c',
	organization: '9927bf0d-8aa1-11e8-7210-075e00000054',
	counterparty: '992b6965-8aa1-11e8-7210-075e00000057',
	supply: '7eb5b552-8aa3-11e8-7210-075e000000f1',
	task3: '47bc1d9b-8b87-11e8-d9ce-84d900000017',
	task1: 'aaca57a2-8b86-11e8-d9ce-84d900000007',
	legalTask: 'cfe5a6ae-8b87-11e8-d9ce-84d900000000',
	notesTask: 'a1ff58c4-726a-11ee-c0a8-e00e00000000',
};

/** The account the documented examples come from, as far as they show it. */
function documentedAccount(sandbox: MoySkladSandbox): void {
	const at = (text: string) => fromMsk(text)!;
	sandbox.addEmployee({ id: DOC.admin, name: 'Администратор', uid: 'admin@company' });
	sandbox.addOrganization('Юрлицо', DOC.organization);
	sandbox.addCounterparty('Контрагент', DOC.counterparty);
	sandbox.addState({ id: '4f70c518-60a1-11e7-6adb-ede500000003', name: 'Встреча', color: 15106326 });
	sandbox.addState({ id: '3b6eb61a-60c5-11e7-6adb-ede500000001', name: 'Связаться', color: 10667543 });
	sandbox.addState({ id: 'b56215dc-60c3-11e7-6adb-ede500000013', name: 'Связаться', color: 34617 });
	sandbox.addState({ id: '4dcb3f23-60c4-11e7-6adb-ede500000019', name: 'Встреча', color: 69446 });
	const task = { assignee: DOC.admin, author: DOC.admin };
	sandbox.addTask({
		...task,
		id: DOC.task3,
		description: 'task3',
		agent: { type: 'counterparty', id: DOC.counterparty },
		dueToDate: at('2018-07-20 22:09:00'),
		created: at('2018-07-19 22:09:37'),
		updated: at('2018-07-19 22:10:01'),
	});
	sandbox.addTask({
		...task,
		id: DOC.task1,
		description: 'task1',
		operation: { type: 'supply', id: DOC.supply },
		dueToDate: at('2018-07-20 22:05:00'),
		created: at('2018-07-19 22:05:14'),
		updated: at('2018-07-19 22:09:42'),
	});
	sandbox.addTask({
		...task,
		id: DOC.legalTask,
		description: 'Исправить реквизиты юрлица',
		agent: { type: 'organization', id: DOC.organization },
		dueToDate: at('2017-05-12 17:12:00'),
		created: at('2018-07-19 22:13:25'),
	});
	sandbox.addTask({ ...task, id: DOC.notesTask, description: 'Задача с комментариями' });
	const note = (id: string, taskId: string, text: string) =>
		sandbox.store.notes.set(id, { id, taskId, author: DOC.admin, text, moment: at('2018-07-19 22:10:01') });
	note('55eaa2cc-8b87-11e8-d9ce-84d900000025', DOC.task3, 'текст комментария 1');
	note('55eaac82-8b87-11e8-d9ce-84d900000026', DOC.task3, 'текст комментария 2');
	note('34f6344f-015e-11e6-9464-e4de0000006c', DOC.task3, 'текст комментария 1');
	note('a87d4d14-726a-11ee-c0a8-e00e00000011', DOC.notesTask, 'первый');
	note('836b63c4-726b-11ee-c0a8-e00e0000001d', DOC.notesTask, 'второй');
}

/** A pair's `sandbox` entries: a switch is set, a method (`spendBudget`) is called with the value. */
function applySwitches(sandbox: MoySkladSandbox, switches: IDataObject = {}): void {
	const target = sandbox as unknown as Record<string, unknown>;
	for (const [name, value] of Object.entries(switches)) {
		if (!(name in target)) throw new Error(`the sandbox has no switch "${name}"`);
		if (typeof target[name] === 'function') (target[name] as (value: unknown) => void).call(sandbox, value);
		else target[name] = value;
	}
}

interface Answer {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: unknown;
}

/** One request to the sandbox as the documentation shows it (gzip and a token added), its answer gunzipped. */
function send(sandbox: MoySkladSandbox, request: ContractRequest): Promise<Answer> {
	const url = new URL(`${sandbox.api}/${request.path}`);
	for (const [key, value] of Object.entries(request.query ?? {})) {
		for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(key, one);
	}
	const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{
				method: request.method,
				headers: {
					'Accept-Encoding': 'gzip',
					Authorization: 'Bearer test-token',
					...(payload ? { 'Content-Type': 'application/json' } : {}),
					...request.headers,
				},
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => {
					let raw = Buffer.concat(chunks);
					if (res.headers['content-encoding'] === 'gzip' && raw.length > 0) raw = gunzipSync(raw);
					const text = raw.toString('utf8');
					resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined });
				});
			},
		);
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

const cases = pairs.map((pair) => [pair.file, pair] as const);

describe('the MoySklad sandbox answers every documented request as documented', () => {
	let sandbox: MoySkladSandbox;

	beforeEach(async () => {
		sandbox = new MoySkladSandbox({ rateLimit: false });
		await sandbox.start();
		documentedAccount(sandbox);
	});
	afterEach(async () => await sandbox.stop());

	it.each(cases)('%s', async (_file, pair: ContractPair) => {
		const vars: Record<string, string> = {};
		for (const step of pair.given ?? []) {
			const answer = await send(sandbox, substitute(step.request, vars));
			expect(answer.status).toBe(200);
			for (const [name, path] of Object.entries(step.save ?? {})) vars[name] = pick(answer.body, path);
		}
		applySwitches(sandbox, pair.sandbox);

		const answer = await send(sandbox, substitute(pair.request, vars));

		expect(answer.status).toBe(pair.response.status);
		if (pair.response.body === undefined) expect(answer.body).toBeUndefined();
		else expect(shapeDiff(pair.response.body, answer.body, pair.optional)).toEqual([]);
		for (const header of Object.keys(pair.response.headers ?? {})) {
			expect(answer.headers).toHaveProperty(header.toLowerCase());
		}
	});
});

describe('the MoySklad node reads every documented answer', () => {
	const withNode = cases.filter(([, pair]) => pair.node !== undefined);

	it.each(withNode)('%s', async (_file, pair: ContractPair) => {
		const node = pair.node!;
		const { status, body, headers } = pair.response;
		// Whatever the node asks for, MoySklad answers with the documented answer.
		const scope = nock(HOST).persist();
		for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
			scope.intercept((path) => path.startsWith(new URL(BASE).pathname), method).query(true).reply(status, body as nock.Body, headers);
		}
		const log = recordRequests(scope);

		const result = await runNode({ nodeTypes, credentialTypes, type: NODE_TYPE }, tokenCredentials(), node.parameters, {
			input: node.input,
			continueOnFail: node.continueOnFail,
			timezone: 'Europe/Moscow',
		});

		log.stop();
		nock.cleanAll();
		expect(log.requests.length).toBeGreaterThan(0);
		if (node.items) {
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(node.items.length);
			node.items.forEach((item, index) => expect(result.items[index].json).toMatchObject(item));
		}
		if (node.error) {
			if (node.continueOnFail) for (const item of result.items) expect(String(item.json.error)).toContain(node.error);
			else expect(result.error?.message).toContain(node.error);
		}
	});
});
