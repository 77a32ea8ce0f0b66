/** Pyrus dropdowns through n8n-core's load-options context, with nock. */
import type { INodeParameters } from 'n8n-workflow';

import { runLoadOptions } from '../harness';
import {
	API,
	BEARER,
	BOB,
	FORM_321,
	JOHN,
	NODE_TYPE,
	api,
	credentialTypes,
	formTask,
	nodeTypes,
	pyrusCredentials,
	record,
	usePyrusEnvironment,
} from '../pyrus/fixtures';

usePyrusEnvironment();

const load = async (method: string, parameters: INodeParameters = { resource: 'task', operation: 'create' }) =>
	(await runLoadOptions({
		nodeTypes,
		credentialTypes,
		credentials: pyrusCredentials(),
		node: { type: NODE_TYPE, parameters },
		method,
	})) as Array<{ name: string; value: string; description?: string }>;

describe('Pyrus dropdowns', () => {
	it('lists active members by name, fired and banned ones left out', async () => {
		const scope = api()
			.get(`${API}/members`)
			.reply(200, { members: [JOHN, BOB, { id: 9, first_name: 'Gone', last_name: 'Away', fired: true }, { id: 10, email: 'x@y.z', banned: true }] });
		const log = record(scope);

		const options = await load('getMembers');

		log.stop();
		expect(log.requests[0].headers.authorization).toBe(BEARER);
		expect(options).toEqual([
			{ name: 'Bob Smith', value: '1731', description: 'bob.smith@example.com' },
			{ name: 'John Snow', value: '1733', description: 'john.snow@example.com' },
		]);
	});

	it('lists open forms', async () => {
		const scope = api()
			.get(`${API}/forms`)
			.reply(200, { forms: [FORM_321, { id: 2, name: 'Archive', deleted_or_closed: true }, { id: 3, name: 'Absence' }] });
		const log = record(scope);

		const options = await load('getForms');

		log.stop();
		expect(log.requests).toHaveLength(1);
		expect(options).toEqual([
			{ name: 'Absence', value: '3' },
			{ name: 'Purchase request', value: '321' },
		]);
	});

	it('lists lists, nested ones under their parent\'s name', async () => {
		const scope = api()
			.get(`${API}/lists`)
			.reply(200, { lists: [{ id: 501, name: 'Projects', children: [{ id: 502, name: 'Website', children: [] }] }, { id: 9, name: 'Old', deleted: true, children: [] }] });
		const log = record(scope);

		const options = await load('getLists');

		log.stop();
		expect(log.requests).toHaveLength(1);
		expect(options).toEqual([
			{ name: 'Projects', value: '501' },
			{ name: 'Projects / Website', value: '502' },
		]);
	});

	it('lists the writable fields of the chosen form, nested ones included', async () => {
		const scope = api().get(`${API}/forms/321`).reply(200, FORM_321);
		const log = record(scope);

		const options = await load('getFormFields', { resource: 'task', operation: 'create', taskKind: 'form', formId: '321' });

		log.stop();
		expect(log.requests).toHaveLength(1);
		expect(options.map((o) => o.name)).toEqual([
			'Purpose',
			'Amount',
			'Quantity',
			'Delivery date',
			'Deadline',
			'Urgent',
			'Vendor',
			'Payment type',
			'Invoice number',
			'Approver',
			'Items',
			'Comment',
		]);
		expect(options[1]).toEqual({ name: 'Amount', value: '2', description: 'money' });
	});

	it('for Update, lists the fields of the form of the chosen task', async () => {
		const scope = api().get(`${API}/tasks/77`).reply(200, { task: formTask(77) }).get(`${API}/forms/321`).reply(200, FORM_321);
		const log = record(scope);

		const options = await load('getFormFields', {
			resource: 'task',
			operation: 'update',
			taskId: { __rl: true, mode: 'id', value: '77' },
		});

		log.stop();
		expect(log.requests.map((r) => r.path)).toEqual([`${API}/tasks/77`, `${API}/forms/321`]);
		expect(options[0]).toEqual({ name: 'Purpose', value: '1', description: 'text' });
	});

	it('searches the tasks of the inbox for From List: loose and grouped ones once each, by subject, text or id', async () => {
		const scope = api()
			.get(`${API}/inbox`)
			.query(true)
			.reply(200, {
				tasks: [
					{ id: 11, text: 'Pay the invoice\nfrom ACME', create_date: '2026-03-01T09:00:00Z' },
					{ id: 12, text: 'Call the vendor', create_date: '2026-03-01T09:00:00Z' },
				],
				task_groups: [
					{ id: 1, name: 'Purchases', has_more: false, tasks: [
						{ id: 11, text: 'Pay the invoice\nfrom ACME' },
						{ id: 13, subject: 'Invoice approval', text: 'Approve', form_id: 321 },
						{ id: 14, text: 'Unrelated' },
					] },
				],
				has_more: false,
			});
		const log = record(scope);
		const search = async (filter?: string) =>
			(await runLoadOptions({
				nodeTypes,
				credentialTypes,
				credentials: pyrusCredentials(),
				node: { type: NODE_TYPE, parameters: { resource: 'task', operation: 'get' } },
				method: 'searchTasks',
				kind: 'listSearch',
				filter,
			})) as { results: Array<{ name: string; value: string; url?: string }>; paginationToken?: string };

		const found = await search('INVOICE');

		log.stop();
		expect(log.requests).toHaveLength(1);
		expect(log.requests[0].path).toBe(`${API}/inbox`);
		expect(log.requests[0].query).toEqual({ item_count: '1000', group_item_count: '1000' });
		expect(log.requests[0].headers.authorization).toBe(BEARER);
		expect(found).toEqual({
			results: [
				{ name: 'Pay the invoice (#11)', value: '11', url: 'https://pyrus.com/t#id11' },
				{ name: 'Invoice approval (#13)', value: '13', url: 'https://pyrus.com/t#id13' },
			],
		});

		api().get(`${API}/inbox`).query(true).reply(200, { tasks: [{ id: 14, text: 'Unrelated' }, { id: 15, text: 'Other' }], task_groups: [] });
		expect((await search('14')).results.map((task) => task.value)).toEqual(['14']);
		api().get(`${API}/inbox`).query(true).reply(200, { tasks: [{ id: 14, text: 'Unrelated' }, { id: 15, text: 'Other' }], task_groups: [] });
		expect((await search()).results.map((task) => task.value)).toEqual(['14', '15']);
	});
});
