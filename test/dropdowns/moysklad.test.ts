/** MoySklad dropdowns and searches through n8n-core's load-options context, with nock. */
import nock from 'nock';

import { MoySkladApi } from '../../credentials/MoySkladApi.credentials';
import { MoySklad } from '../../nodes/MoySklad/MoySklad.node';
import { MoySkladTrigger } from '../../nodes/MoySklad/MoySkladTrigger.node';
import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import { recordRequests, runLoadOptions, setupNock } from '../harness';

setupNock();
const HOST = 'https://api.moysklad.ru';
const API = '/api/remap/1.2';
const TYPE = 'n8n-nodes-crm-tasks.moySklad';
const TRIGGER = 'n8n-nodes-crm-tasks.moySkladTrigger';
const id = (n: number) => `98fa7086-8aa1-11e8-7210-${n.toString(16).padStart(12, '0')}`;

beforeAll(() => setTimeScale(1000));
afterAll(() => setTimeScale(1));
beforeEach(() => resetProcessState());

const load = (method: string, extra: { kind?: 'listSearch'; filter?: string; paginationToken?: string; type?: string } = {}) =>
	runLoadOptions({
		nodeTypes: { [TYPE]: new MoySklad(), [TRIGGER]: new MoySkladTrigger() },
		credentialTypes: { moySkladApi: new MoySkladApi() },
		credentials: { moySkladApi: { authType: 'token', accessToken: 'dropdown-token', requestCost: 4, baseUrl: `${HOST}${API}` } },
		node: { type: extra.type ?? TYPE, parameters: extra.type ? { event: 'taskCreated' } : { resource: 'task', operation: 'create' } },
		method,
		...extra,
	});

function list(rows: object[], size = rows.length, offset = 0) {
	return { meta: { size, limit: 1000, offset }, rows };
}

describe('MoySklad dropdowns', () => {
	it('lists active employees over every page, sorted by name', async () => {
		const first = Array.from({ length: 1000 }, (_, n) => ({ id: id(n + 10), name: `Employee ${String(n).padStart(4, '0')}` }));
		const scope = nock(HOST)
			.get(`${API}/entity/employee`)
			.query({ filter: 'archived=false', limit: '1000', offset: '0' })
			.reply(200, list(first, 1001))
			.get(`${API}/entity/employee`)
			.query({ filter: 'archived=false', limit: '1000', offset: '1000' })
			.reply(200, list([{ id: id(1), name: 'Anna' }], 1001, 1000));
		const log = recordRequests(scope);

		const options = (await load('getEmployees')) as Array<{ name: string; value: string }>;

		log.stop();
		expect(log.requests).toHaveLength(2);
		expect(log.requests[0].headers).toMatchObject({ authorization: 'Bearer dropdown-token', 'accept-encoding': 'gzip' });
		expect(options).toHaveLength(1001);
		expect(options[0]).toEqual({ name: 'Anna', value: id(1) });
	});

	it('lists task types by id, and by name for the filters', async () => {
		const states = { states: [{ id: id(5), name: 'Встреча', color: 1 }, { id: id(6), name: 'Связаться', color: 2 }] };
		nock(HOST).get(`${API}/entity/task/metadata`).times(2).reply(200, states);

		expect(await load('getTaskStates')).toEqual([
			{ name: 'Встреча', value: id(5) },
			{ name: 'Связаться', value: id(6) },
		]);
		expect(await load('getTaskStateNames', { type: TRIGGER })).toEqual([
			{ name: 'Встреча', value: 'Встреча' },
			{ name: 'Связаться', value: 'Связаться' },
		]);
	});

	it('searches counterparties with the typed text, paging by offset', async () => {
		const scope = nock(HOST)
			.get(`${API}/entity/counterparty`)
			.query({ search: 'ромаш', limit: '50', offset: '0' })
			.reply(200, { meta: { size: 51, limit: 50, offset: 0 }, rows: Array.from({ length: 50 }, (_, n) => ({ id: id(n), name: `Ромашка ${n}` })) });
		const log = recordRequests(scope);

		const result = (await load('searchCounterparties', { kind: 'listSearch', filter: 'ромаш' })) as {
			results: Array<{ name: string; value: string }>;
			paginationToken?: string;
		};

		log.stop();
		expect(log.requests).toHaveLength(1);
		expect(result.results[0]).toEqual({ name: 'Ромашка 0', value: id(0) });
		expect(result.paginationToken).toBe('50');
	});

	it('searches open tasks by description, newest first, with web links', async () => {
		const taskId = id(77);
		const scope = nock(HOST)
			.get(`${API}/entity/task`)
			.query({ filter: 'done=false;description~call\\;now', order: 'created,desc', limit: '50', offset: '10' })
			.reply(200, { meta: { size: 11, limit: 50, offset: 10 }, rows: [{ id: taskId, description: 'Call; now\nsecond line' }] });
		const log = recordRequests(scope);

		const result = (await load('searchTasks', { kind: 'listSearch', filter: 'call;now', paginationToken: '10' })) as {
			results: Array<{ name: string; value: string; url?: string }>;
			paginationToken?: string;
		};

		log.stop();
		expect(log.requests).toHaveLength(1);
		expect(result).toEqual({
			// No uuidHref in the answer: no link (MoySklad documents no web-app route for tasks).
			results: [{ name: 'Call; now', value: taskId, url: undefined }],
			paginationToken: undefined,
		});
	});
});
