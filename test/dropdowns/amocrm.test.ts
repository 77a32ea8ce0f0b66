/** amoCRM dropdowns and task search through n8n-core's load-options context, with nock. */
import nock from 'nock';

import { AmoCrmApi } from '../../credentials/AmoCrmApi.credentials';
import { AmoCrm } from '../../nodes/AmoCrm/AmoCrm.node';
import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import { recordRequests, runLoadOptions, setupNock } from '../harness';

setupNock();
const API = 'https://acme.amocrm.ru';
const TYPE = 'n8n-nodes-crm-tasks.amoCrm';

beforeAll(() => setTimeScale(1000));
afterAll(() => setTimeScale(1));
beforeEach(() => resetProcessState());

const load = (method: string, extra: { kind?: 'listSearch'; filter?: string; paginationToken?: string } = {}) =>
	runLoadOptions({
		nodeTypes: { [TYPE]: new AmoCrm() },
		credentialTypes: { amoCrmApi: new AmoCrmApi() },
		credentials: { amoCrmApi: { domain: 'amocrm.ru', subdomain: 'acme', accessToken: 'dropdown-token' } },
		node: { type: TYPE, parameters: { resource: 'task', operation: 'get' } },
		method,
		...extra,
	});

describe('amoCRM dropdowns', () => {
	it('lists active users over every page, sorted by name', async () => {
		const scope = nock(API)
			.get('/api/v4/users')
			.query({ page: '1', limit: '250' })
			.reply(200, {
				_links: { next: { href: `${API}/api/v4/users?page=2&limit=250` } },
				_embedded: {
					users: Array.from({ length: 250 }, (_, n) => ({ id: 1000 + n, name: `User ${1000 + n}`, rights: { is_active: n !== 3 } })),
				},
			})
			.get('/api/v4/users')
			.query({ page: '2', limit: '250' })
			.reply(200, { _links: {}, _embedded: { users: [{ id: 7, name: 'Anna', rights: { is_active: true } }] } });
		const log = recordRequests(scope);
		const options = (await load('getUsers')) as Array<{ name: string; value: string }>;
		expect(log.requests).toHaveLength(2);
		expect(log.requests[0].headers.authorization).toBe('Bearer dropdown-token');
		expect(options).toHaveLength(250);
		expect(options[0]).toEqual({ name: 'Anna', value: '7' });
		expect(options.find((o) => o.value === '1003')).toBeUndefined();
	});

	it('falls back to the current user when listing users is forbidden', async () => {
		nock(API)
			.get('/api/v4/users')
			.query(true)
			.reply(403, { title: 'Forbidden', status: 403, detail: 'Access denied' }, { 'Content-Type': 'application/problem+json' })
			.get('/api/v4/account')
			.reply(200, { id: 1, current_user_id: 504141 });
		expect(await load('getUsers')).toEqual([{ name: 'Me (user 504141)', value: '504141' }]);
	});

	it('lists task types from the account', async () => {
		const scope = nock(API)
			.get('/api/v4/account')
			.query({ with: 'task_types' })
			.reply(200, {
				_embedded: {
					task_types: [
						{ id: 1, name: 'Follow-up' },
						{ id: 2710394, name: 'Send offer' },
					],
				},
			});
		const log = recordRequests(scope);
		expect(await load('getTaskTypes')).toEqual([
			{ name: 'Follow-up', value: '1' },
			{ name: 'Send offer', value: '2710394' },
		]);
		expect(log.requests).toHaveLength(1);
	});

	it('searches tasks newest first, with links and a next page token', async () => {
		const scope = nock(API)
			.get('/api/v4/tasks')
			.query({ 'order[id]': 'desc', page: '2', limit: '50' })
			.reply(200, {
				_links: { next: { href: 'x' } },
				_embedded: {
					tasks: [
						{ id: 9, text: 'Call Anna', entity_type: 'leads', entity_id: 55 },
						{ id: 8, text: 'Send the offer' },
					],
				},
			});
		const log = recordRequests(scope);
		const result = await load('searchTasks', { kind: 'listSearch', filter: 'anna', paginationToken: '2' });
		expect(log.requests).toHaveLength(1);
		expect(result).toEqual({
			results: [{ name: 'Call Anna (#9)', value: '9', url: `${API}/leads/detail/55` }],
			paginationToken: '3',
		});
	});
});
