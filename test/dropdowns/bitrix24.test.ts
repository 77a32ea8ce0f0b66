/** Bitrix24 dropdowns and task search through n8n-core's load-options context, against the sandbox. */
import type { INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';

import { runLoadOptions } from '../harness';
import { NODE_TYPE, credentialTypes, hook, nodeTypes, useSandbox, webhookCredentials } from '../bitrix24/fixtures';

const { sandbox, baseUrl } = useSandbox();

const load = async (method: string, extra: { kind?: 'listSearch'; filter?: string; paginationToken?: string } = {}) =>
	await runLoadOptions({
		nodeTypes,
		credentialTypes,
		credentials: webhookCredentials(baseUrl()),
		node: { type: NODE_TYPE, parameters: { resource: 'task', operation: 'get' } },
		method,
		...extra,
	});

describe('Bitrix24 dropdowns', () => {
	it('lists active users over every page (user.get, start/next), sorted by name', async () => {
		for (let n = 10; n < 70; n++) sandbox.addUser({ ID: String(n), NAME: `Person`, LAST_NAME: `N${n}` });
		sandbox.addUser({ ID: '99', NAME: 'Gone', ACTIVE: false });

		const options = (await load('getUsers')) as INodePropertyOptions[];

		const userCalls = sandbox.requests.filter((request) => request.path === hook('user.get'));
		expect(userCalls.map((request) => (request.body as { start: number }).start)).toEqual([0, 50]);
		expect(userCalls[0].body).toMatchObject({ FILTER: { ACTIVE: true } });
		expect(options).toHaveLength(64);
		expect(options.find((option) => option.value === '99')).toBeUndefined();
		expect(options[0]).toEqual({ name: 'Person N10 (10)', value: '10' });
		for (let n = 10; n < 70; n++) sandbox.users.delete(String(n));
		sandbox.users.delete('99');
	});

	it('lists groups (sonet_group.get)', async () => {
		sandbox.addGroup({ ID: '1', NAME: 'Website relaunch' });
		sandbox.addGroup({ ID: '2', NAME: 'Sales team' });

		const options = (await load('getGroups')) as INodePropertyOptions[];

		expect(sandbox.requests.map((request) => request.path)).toEqual([hook('sonet_group.get')]);
		expect(options).toEqual([
			{ name: 'Website relaunch', value: '1' },
			{ name: 'Sales team', value: '2' },
		]);
	});

	it('lists task fields, custom ones included (tasks.task.getFields)', async () => {
		const options = (await load('getTaskFields')) as INodePropertyOptions[];

		expect(options).toContainEqual({ name: 'Region (UF_AUTO_REGION)', value: 'UF_AUTO_REGION' });
		expect(options).toContainEqual({ name: 'Deadline (DEADLINE)', value: 'DEADLINE' });
	});

	it('searches tasks by title on the portal, newest first, paging by key', async () => {
		for (let n = 0; n < 60; n++) sandbox.addTask({ title: n % 2 ? `Invoice ${n}` : `Call ${n}` });

		const first = (await load('searchTasks', { kind: 'listSearch', filter: 'invoice' })) as INodeListSearchResult;
		const second = (await load('searchTasks', { kind: 'listSearch', filter: 'invoice', paginationToken: first.paginationToken })) as INodeListSearchResult;

		expect(sandbox.requests[0].body).toMatchObject({ order: { ID: 'desc' }, filter: { '%TITLE': 'invoice' }, start: -1 });
		expect(first.results).toHaveLength(30);
		expect(first.results[0]).toEqual({ name: 'Invoice 59 (#60)', value: '60', url: `${baseUrl()}/company/personal/user/1/tasks/task/view/60/` });
		expect(first.paginationToken).toBeUndefined();
		expect(second.results).toHaveLength(30);
	});
});
