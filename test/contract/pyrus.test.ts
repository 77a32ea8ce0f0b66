/**
 * Pyrus's documented request/answer pairs (test/contract/pyrus/*.json, each naming its source):
 *
 * - against the loopback sandbox: each documented request, after its `given` requests, is
 *   answered with the documented status, the documented headers and an answer of the documented
 *   shape ({@link shapeDiff});
 * - through the node (n8n's engine, nock answering with the documented answer): the node sends
 *   the documented method and path (and, where the pair says so, the documented body), and turns
 *   the documented answer into the pair's items or error.
 *
 * The sandbox holds what the examples refer to: the account of the authorization example, the
 * people, form 1345 "Payments" with catalog 277, and the lists of the lists page.
 */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { recordRequests } from '../harness';
import { PyrusSandbox, type PyrusPerson, type PyrusSandboxSwitches } from '../sandbox/pyrus';
import { API, API_HOST, AUTH_HOST, runPyrus, usePyrusEnvironment, pyrusCredentials } from '../pyrus/fixtures';
import { type ContractPair, type ContractRequest, emptyWhereDocumented, loadContracts, pick, shapeDiff, substitute } from './contract';

/** The node side of a Pyrus pair: other requests the run makes, and whether it sends the documented body. */
interface PyrusPair extends ContractPair {
	node?: ContractPair['node'] & {
		/** Answers to the run's other requests (paths below the API base). */
		otherAnswers?: Array<{ method: string; path: string; status?: number; body: unknown }>;
		/** The node's request carries exactly the documented body. */
		sendsDocumentedBody?: boolean;
	};
}

const pairs = loadContracts('pyrus') as PyrusPair[];

usePyrusEnvironment({ allowLocalhost: true });

// ------------------------------------------------------------------ against the sandbox

const person = (id: number, first: string, last: string, email: string): PyrusPerson => ({ id, first_name: first, last_name: last, email, type: 'user' });
/**
 * The people of the examples of https://pyrus.com/ru/help/api/tasks; Bob Smith is the account of the
 * authorization example.
 */
const BOB = person(1731, 'Bob', 'Smith', 'Bob.Smith@gmail.com');

function contractSandbox(): PyrusSandbox {
	// Real time: the lowered rate limit and the deletion quota of the error pairs outlast each pair.
	const sandbox = new PyrusSandbox({
		accounts: [{ login: 'bill.smith@somedomain.edu', securityKey: 'czSHwEAthJKMshQ*****', person: BOB }],
	});
	sandbox.addMember(person(1733, 'John', 'Snow', 'John.Snow@gmail.com'));
	sandbox.addMember(person(1730, 'John', 'Snow', 'John.Snow@gmail.com'));
	sandbox.addMember(person(1725, 'Jane', 'Doe', 'Jane.Doe@gmail.com'));
	sandbox.addCatalog(277, { 845: ['IT Conference'] }, ['Payment types']);
	// Form 1345 of the tasks page, its table columns as the page's create request writes them.
	sandbox.addForm({
		id: 1345,
		name: 'Payments',
		steps: { '1': 'Manager', '2': 'Accounting' },
		fields: [
			{ id: 1, type: 'text', name: 'Purpose' },
			{ id: 2, type: 'money', name: 'Amount' },
			{ id: 3, type: 'catalog', name: 'Payment type', info: { catalog_id: 277 } },
			{ id: 4, type: 'table', name: 'Payment Schedule', info: { columns: [{ id: 6, type: 'date', name: 'Date' }, { id: 9, type: 'money', name: 'Amount' }] } },
		],
	});
	// The lists page's lists; list 2144 holds tasks changed within its example's window.
	sandbox.addList({ id: 1352, name: 'Branch offices', children: [{ id: 1465, name: 'Moscow', children: [], list_type: 'org_wide' }, { id: 3763, name: 'San Francisco', children: [], list_type: 'org_wide' }] });
	sandbox.addList({ id: 2144, name: 'Personal', list_type: 'private' });
	const inWindow = { create_date: '2022-03-20T07:34:23Z', last_modified_date: '2022-04-01T07:34:23Z', author: BOB, responsible: BOB, list_ids: [2144] };
	sandbox.addTask({ ...inWindow, text: 'Prepare Presentation', due_date: '2022-04-13' });
	sandbox.addTask({ ...inWindow, text: 'Order office supplies' });
	return sandbox;
}

describe('Pyrus contract: the sandbox answers every documented request as documented', () => {
	let sandbox: PyrusSandbox;
	let base: string;
	let token: string;

	beforeEach(async () => {
		sandbox = contractSandbox();
		base = await sandbox.start();
		const answer = await send({ method: 'POST', path: 'auth', body: { login: 'bill.smith@somedomain.edu', security_key: 'czSHwEAthJKMshQ*****' } });
		token = String((answer.body as IDataObject).access_token);
	});

	afterEach(async () => await sandbox.stop());

	async function send(request: ContractRequest): Promise<{ status: number; headers: Headers; body: unknown }> {
		const query = new URLSearchParams();
		for (const [key, value] of Object.entries(request.query ?? {})) for (const one of [value].flat()) query.append(key, one);
		const headers: Record<string, string> = { ...request.headers };
		if (request.path !== 'auth') headers.Authorization = `Bearer ${token}`;
		if (request.body !== undefined) headers['Content-Type'] = 'application/json';
		const search = query.toString();
		const res = await fetch(`${base}/api/v4/${request.path}${search ? `?${search}` : ''}`, {
			method: request.method,
			headers,
			body: request.body === undefined ? undefined : JSON.stringify(request.body),
		});
		const text = await res.text();
		return { status: res.status, headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
	}

	/** A pair's sandbox state: switches, and the actions its documented answer needs. */
	function prepare(settings: IDataObject = {}): void {
		const { announceApiUrl, revokeTokens, expireTokens, rateLimit, ...switches } = settings;
		if (announceApiUrl === true) sandbox.announceApiUrl = true;
		if (revokeTokens === true) sandbox.revokeTokens();
		if (expireTokens === true) sandbox.expireTokens();
		if (typeof rateLimit === 'number') sandbox.setRateLimit(rateLimit);
		sandbox.setSwitches(switches as Partial<PyrusSandboxSwitches>);
	}

	it.each(pairs.map((pair) => [pair.file, pair] as const))('%s', async (_file, pair) => {
		prepare(pair.sandbox);
		const vars: Record<string, string> = {};
		for (const step of pair.given ?? []) {
			const answer = await send(substitute(step.request, vars));
			expect({ given: step.request.path, status: answer.status, body: answer.status < 300 ? undefined : answer.body }).toEqual({
				given: step.request.path,
				status: 200,
				body: undefined,
			});
			for (const [name, path] of Object.entries(step.save ?? {})) vars[name] = pick(answer.body, path);
		}

		const answer = await send(substitute(pair.request, vars));

		expect({ status: answer.status, body: answer.status === pair.response.status ? undefined : answer.body }).toEqual({ status: pair.response.status, body: undefined });
		expect(shapeDiff(pair.response.body, answer.body, pair.optional)).toEqual([]);
		expect(emptyWhereDocumented(pair.response.body, answer.body, pair.mayBeEmpty)).toEqual([]);
		for (const name of Object.keys(pair.response.headers ?? {})) expect({ [name]: answer.headers.get(name) !== null }).toEqual({ [name]: true });
	});
});

// ------------------------------------------------------------------ through the node

/** A documented path (with `{{placeholders}}`) as a pattern of the node's request path. */
function pathPattern(path: string): RegExp {
	const escaped = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\\?\{\w+\\?\}\\?\}|\{\{\w+\}\}/g, '[^/?]+');
	return new RegExp(`^${API}/${escaped}(\\?.*)?$`);
}

describe('Pyrus contract: the node turns every documented answer into its items', () => {
	const withNode = pairs.filter((pair) => pair.node);

	it('every pair but the ones the node cannot send has a node side', () => {
		expect(pairs.filter((pair) => !pair.node).map((pair) => pair.file)).toEqual(['17-error-text-missing.json']);
	});

	it.each(withNode.map((pair) => [pair.file, pair] as const))('%s', async (_file, pair) => {
		const node = pair.node!;
		const isAuth = pair.request.path === 'auth';
		const api = nock(API_HOST);
		const accounts = nock(AUTH_HOST);
		const answer = pair.response;
		if (isAuth) {
			accounts.post('/api/v4/auth').reply(answer.status, answer.body as nock.Body, answer.headers);
		} else {
			api.intercept(pathPattern(pair.request.path), pair.request.method).times(5).reply(answer.status, answer.body as nock.Body, answer.headers);
			// n8n asks for a new token once on a 401.
			accounts.post('/api/v4/auth').times(5).reply(200, { access_token: 'renewed-token', api_url: 'https://api.pyrus.com/v4/' });
		}
		for (const other of node.otherAnswers ?? []) api.intercept(pathPattern(other.path), other.method).reply(other.status ?? 200, other.body as nock.Body);
		const log = recordRequests(api, accounts);

		const result = await runPyrus(node.parameters as INodeParameters, {
			input: node.input,
			continueOnFail: node.continueOnFail,
			credentials: isAuth ? pyrusCredentials({ accessToken: '', apiUrl: '' }) : undefined,
		});

		log.stop();
		expect(log.unmatched).toEqual([]);
		const documented = log.requests.find((r) => r.method === pair.request.method && (isAuth ? r.path === '/api/v4/auth' : pathPattern(pair.request.path).test(r.path)));
		expect(documented).toBeDefined();
		if (node.sendsDocumentedBody) expect(documented?.body).toEqual(pair.request.body);
		if (isAuth) {
			// The documented token goes out with the next request.
			const token = (answer.body as IDataObject).access_token;
			expect(log.requests.filter((r) => r.path !== '/api/v4/auth').map((r) => r.headers.authorization)).toEqual([`Bearer ${String(token)}`]);
		}
		if (node.error !== undefined) {
			expect(result.error?.message ?? '').toContain(node.error);
		} else {
			expect(result.error).toBeUndefined();
			expect(result.items.map((item) => item.json)).toMatchObject(node.items ?? []);
			expect(result.items).toHaveLength((node.items ?? []).length);
		}
	});
});
