/**
 * Bitrix24 node, task operations, through n8n-core's engine against the loopback sandbox:
 * the requests that went out (method, webhook path, JSON body) and the items that came back.
 */
import type { IDataObject } from 'n8n-workflow';

import nock from 'nock';

import { recordRequests } from '../harness';
import { byId, hook, jsonOf, lines, runB24, useSandbox, webhookCredentials } from './fixtures';

const { sandbox, baseUrl } = useSandbox();

const bodies = () => sandbox.requests.map((request) => request.body as IDataObject);

describe('task: get', () => {
	it('reads one task By ID with every standard field and returns it as received (camelCase, string numbers)', async () => {
		sandbox.addTask({ id: '8017', title: 'Task Example', priority: '2', responsibleId: '3', auditors: ['2', '4'] });

		const result = await runB24(baseUrl(), { resource: 'task', operation: 'get', taskId: byId('8017') });

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual([`POST ${hook('tasks.task.get')}`]);
		expect(sandbox.requests[0].body).toEqual({ taskId: 8017, select: ['*'] });
		expect(sandbox.requests[0].headers['content-type']).toContain('application/json');
		expect(result.items).toHaveLength(1);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(result.items[0].json).toMatchObject({ id: '8017', title: 'Task Example', priority: '2', responsibleId: '3', auditors: ['2', '4'], status: '2' });
	});

	it('reads the task of a web link, named custom fields included', async () => {
		sandbox.addTask({ id: '55', custom: { UF_AUTO_REGION: 'North' } });

		const result = await runB24(baseUrl(), {
			resource: 'task',
			operation: 'get',
			taskId: { __rl: true, mode: 'url', value: 'https://acme.bitrix24.com/company/personal/user/1/tasks/task/view/55/' },
			customFields: ['UF_AUTO_REGION'],
		});

		expect(result.error).toBeUndefined();
		expect(sandbox.requests[0].body).toEqual({ taskId: 55, select: ['*', 'UF_AUTO_REGION'] });
		expect(result.items[0].json).toMatchObject({ id: '55', ufAutoRegion: 'North' });
	});

	it('simplifies: numbers normalised, dates in the workflow zone, status and link', async () => {
		sandbox.addTask({
			id: '9',
			title: 'Call',
			description: 'Ask about [B]delivery[/B]',
			status: '5',
			priority: '2',
			responsibleId: '3',
			createdBy: '2',
			groupId: '4',
			createdDate: '2025-06-04T16:15:55+03:00',
			changedDate: '2025-06-05T10:00:00+03:00',
			closedDate: '2025-06-05T10:00:00+03:00',
			deadline: '2025-10-24T19:00:00+03:00',
			accomplices: ['2'],
		});

		const result = await runB24(baseUrl(), { resource: 'task', operation: 'get', taskId: byId('9'), simplify: true }, { timezone: 'Europe/Berlin' });

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toEqual({
			vendor: 'bitrix24',
			id: '9',
			title: 'Call',
			text: 'Ask about [B]delivery[/B]',
			status: 'completed',
			vendorStatus: 'Completed',
			responsibleId: '3',
			authorId: '2',
			typeId: null,
			dueAt: '2025-10-24T18:00:00+02:00',
			createdAt: '2025-06-04T15:15:55+02:00',
			updatedAt: '2025-06-05T09:00:00+02:00',
			completedAt: '2025-06-05T09:00:00+02:00',
			entity: null,
			url: `${baseUrl()}/workgroups/group/4/tasks/task/view/9/`,
			statusCode: 5,
			subStatus: 5,
			priority: 2,
			groupId: '4',
			parentId: null,
			accomplices: ['2'],
			auditors: [],
			chatId: null,
		});
	});
});

describe('self-hosted portal', () => {
	it('calls any host and port the webhook names, with Bitrix24\'s JSON headers', async () => {
		const portal = 'https://crm.company.example:8443';
		const scope = nock(portal)
			.post('/rest/5/abc123def456/tasks.task.get', { taskId: 77, select: ['*'] })
			.reply(200, { result: { task: { id: '77', title: 'On premise' } }, time: {} });
		const log = recordRequests(scope);

		const result = await runB24('', { resource: 'task', operation: 'get', taskId: byId('77') }, {
			credentials: webhookCredentials('', { webhookSecretUrl: `${portal}/rest/5/abc123def456/` }),
		});

		log.stop();
		expect(result.error).toBeUndefined();
		expect(log.unmatched).toEqual([]);
		expect(log.requests).toHaveLength(1);
		expect(log.requests[0]).toMatchObject({
			method: 'POST',
			url: `${portal}/rest/5/abc123def456/tasks.task.get`,
			headers: { accept: 'application/json', 'content-type': 'application/json' },
		});
		expect(result.items).toEqual([{ json: { id: '77', title: 'On premise' }, pairedItem: { item: 0 } }]);
	});
});

describe('task: getAll', () => {
	it('turns the filters into Bitrix24 operators and returns up to Limit in one call', async () => {
		for (let n = 1; n <= 5; n++) sandbox.addTask({ title: n % 2 ? `Invoice ${n}` : `Other ${n}`, responsibleId: '2', status: n === 5 ? '5' : '2', groupId: '3', tags: ['x'] });

		const result = await runB24(
			baseUrl(),
			{
				resource: 'task',
				operation: 'getAll',
				limit: 2,
				filters: {
					titleContains: 'invoice',
					responsibleIds: ['2'],
					statuses: ['2', '-1'],
					groupIds: ['3'],
					tag: 'x',
					createdAfter: '2020-01-01T00:00:00',
					deadlineBefore: '2030-01-01T10:00:00+05:00',
					customFilter: '{"!PRIORITY": 2}',
				},
				options: { select: ['TITLE', 'STATUS'] },
			},
			{ timezone: 'Europe/Moscow' },
		);

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual([`POST ${hook('tasks.task.list')}`]);
		expect(bodies()[0]).toEqual({
			order: { ID: 'asc' },
			filter: {
				'%TITLE': 'invoice',
				RESPONSIBLE_ID: [2],
				GROUP_ID: [3],
				TAG: 'x',
				REAL_STATUS: [2],
				STATUS: [-1],
				'>=CREATED_DATE': '2020-01-01T00:00:00+03:00',
				'<=DEADLINE': '2030-01-01T08:00:00+03:00',
				'!PRIORITY': 2,
			},
			select: ['ID', 'TITLE', 'STATUS'],
			start: -1,
		});
		// STATUS -1 (overdue) matches nothing here: no task has a past deadline.
		expect(jsonOf(result)).toEqual([]);
	});

	it('reads by key: several pages of one batch, each from the last id of the page before', async () => {
		for (let n = 0; n < 120; n++) sandbox.addTask({});

		const result = await runB24(baseUrl(), { resource: 'task', operation: 'getAll', limit: 120 });

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual([`POST ${hook('batch')}`]);
		const cmd = (bodies()[0].cmd ?? {}) as IDataObject;
		expect(Object.keys(cmd)).toEqual(['p0', 'p1', 'p2']);
		expect(cmd.p0).toMatch(/^tasks\.task\.list\?order\[ID\]=asc&select\[0\]=ID&.*&start=-1$/);
		expect(cmd.p0).not.toContain('ID]=$result');
		expect(cmd.p1).toContain('filter[%3EID]=$result[p0][tasks][49][id]');
		expect(cmd.p2).toContain('filter[%3EID]=$result[p1][tasks][49][id]');
		expect(bodies()[0].halt).toBe(0);
		expect(jsonOf(result).map((task) => Number(task.id))).toEqual(Array.from({ length: 120 }, (_, n) => n + 1));
		expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('Return All goes from the first full batch of 2 pages to batches of 50 pages', async () => {
		for (let n = 0; n < 1234; n++) sandbox.addTask({});

		const result = await runB24(baseUrl(), { resource: 'task', operation: 'getAll', returnAll: true });

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual(Array(2).fill(`POST ${hook('batch')}`));
		const sizes = bodies().map((body) => Object.keys(body.cmd as IDataObject).length);
		expect(sizes).toEqual([2, 50]);
		// The second batch starts after the last task of the first.
		expect((bodies()[1].cmd as IDataObject).p0).toContain('filter[%3EID]=100&');
		const ids = jsonOf(result).map((task) => Number(task.id));
		expect(ids).toHaveLength(1234);
		expect(new Set(ids).size).toBe(1234);
		expect(ids[1233]).toBe(1234);
	});

	it('Return All of 10,000 tasks takes 5 batch calls (the floor: 201 pages of 50, 50 commands a batch)', async () => {
		for (let n = 0; n < 10_000; n++) sandbox.addTask({});

		const result = await runB24(baseUrl(), { resource: 'task', operation: 'getAll', returnAll: true, options: { select: ['ID'] } });

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual(Array(5).fill(`POST ${hook('batch')}`));
		const commands = bodies().map((body) => body.cmd as Record<string, string>);
		expect(commands.map((cmd) => Object.keys(cmd).length)).toEqual([2, 50, 50, 50, 50]);
		// Each batch's first page starts after the last task read; each later page after the page before it.
		const firstIds = [undefined, 100, 2600, 5100, 7600];
		commands.forEach((cmd, batch) => {
			expect(Object.keys(cmd)).toEqual(Array.from({ length: Object.keys(cmd).length }, (_, page) => `p${page}`));
			const first = firstIds[batch];
			if (first === undefined) expect(cmd.p0).not.toContain('filter[%3EID]');
			else expect(cmd.p0).toContain(`filter[%3EID]=${first}&`);
			for (let page = 1; page < Object.keys(cmd).length; page++) {
				expect(cmd[`p${page}`]).toContain(`filter[%3EID]=$result[p${page - 1}][tasks][49][id]`);
			}
		});
		const ids = jsonOf(result).map((task) => Number(task.id));
		expect(ids).toEqual(Array.from({ length: 10_000 }, (_, n) => n + 1));
	});

	it('Return All of a short list costs one batch of 2 pages', async () => {
		for (let n = 0; n < 30; n++) sandbox.addTask({});

		const result = await runB24(baseUrl(), { resource: 'task', operation: 'getAll', returnAll: true });

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual([`POST ${hook('batch')}`]);
		expect(Object.keys(bodies()[0].cmd as IDataObject)).toEqual(['p0', 'p1']);
		expect(jsonOf(result)).toHaveLength(30);
	});

	it('Return All stops on the short page and ignores the commands after it', async () => {
		for (let n = 0; n < 60; n++) sandbox.addTask({});

		const result = await runB24(baseUrl(), { resource: 'task', operation: 'getAll', returnAll: true, options: { sortDirection: 'desc' } });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests).toHaveLength(1);
		expect((bodies()[0].cmd as IDataObject).p1).toContain('filter[%3CID]=$result[p0][tasks][49][id]');
		const ids = jsonOf(result).map((task) => Number(task.id));
		expect(ids).toEqual(Array.from({ length: 60 }, (_, n) => 60 - n));
	});

	it('sorts by another field with offset pages packed into one batch', async () => {
		for (let n = 0; n < 70; n++) sandbox.addTask({ priority: String(n % 3) });

		const result = await runB24(baseUrl(), { resource: 'task', operation: 'getAll', limit: 70, options: { sortBy: 'PRIORITY', sortDirection: 'desc' } });

		expect(result.error).toBeUndefined();
		const cmd = bodies()[0].cmd as IDataObject;
		expect(cmd.p0).toContain('order[PRIORITY]=desc&order[ID]=desc');
		expect(cmd.p0).toContain('start=0');
		expect(cmd.p1).toContain('start=50');
		const priorities = jsonOf(result).map((task) => Number(task.priority));
		expect(priorities).toHaveLength(70);
		expect([...priorities].sort((a, b) => b - a)).toEqual(priorities);
	});

	it('a failing page command fails the run with Bitrix24\'s message', async () => {
		for (let n = 0; n < 60; n++) sandbox.addTask({});

		const result = await runB24(baseUrl(), { resource: 'task', operation: 'getAll', limit: 60, filters: { customFilter: '{"NOT_A_FIELD": 1}' } });

		expect(result.error).toMatchObject({ name: 'NodeApiError', message: 'Bitrix24: Unknown filter field NOT_A_FIELD (ERROR_CORE)' });
	});
});

describe('task: create and update', () => {
	it('creates with required and additional fields in UPPER_CASE, dates with offset', async () => {
		const result = await runB24(
			baseUrl(),
			{
				resource: 'task',
				operation: 'create',
				title: 'Call the supplier',
				responsibleId: '2',
				additionalFields: {
					description: 'Ask about [B]delivery[/B]',
					deadline: '2025-12-31T18:00:00',
					priority: '2',
					accomplices: '3, 4',
					auditors: '2',
					crmLinks: 'D_10, C_7',
					tags: 'a, b',
					startDatePlan: '2025-12-01T09:00:00+03:00',
					endDatePlan: '2025-12-02T09:00:00+03:00',
					customFields: '{"UF_AUTO_REGION": "North"}',
				},
			},
			{ timezone: 'Europe/Moscow' },
		);

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual([`POST ${hook('tasks.task.add')}`]);
		expect(bodies()[0]).toEqual({
			fields: {
				TITLE: 'Call the supplier',
				RESPONSIBLE_ID: 2,
				DESCRIPTION: 'Ask about [B]delivery[/B]',
				DEADLINE: '2025-12-31T18:00:00+03:00',
				PRIORITY: 2,
				ACCOMPLICES: [3, 4],
				AUDITORS: [2],
				TAGS: ['a', 'b'],
				UF_CRM_TASK: ['D_10', 'C_7'],
				START_DATE_PLAN: '2025-12-01T09:00:00+03:00',
				END_DATE_PLAN: '2025-12-02T09:00:00+03:00',
				UF_AUTO_REGION: 'North',
			},
		});
		expect(result.items).toEqual([{ json: expect.objectContaining({ id: '1', title: 'Call the supplier', responsibleId: '2', priority: '2', deadline: '2025-12-31T18:00:00+03:00' }), pairedItem: { item: 0 } }]);
		expect(sandbox.tasks.get(1)).toMatchObject({ accomplices: ['3', '4'], ufCrmTask: ['D_10', 'C_7'], custom: { UF_AUTO_REGION: 'North' } });
	});

	it('updates only the given fields, taskId before fields', async () => {
		sandbox.addTask({ id: '7', title: 'Old' });

		const result = await runB24(baseUrl(), { resource: 'task', operation: 'update', taskId: byId('7'), updateFields: { title: 'New', responsibleId: '3' }, simplify: true });

		expect(result.error).toBeUndefined();
		expect(sandbox.requests[0].path).toBe(hook('tasks.task.update'));
		expect(Object.keys(bodies()[0])).toEqual(['taskId', 'fields']);
		expect(bodies()[0]).toEqual({ taskId: 7, fields: { TITLE: 'New', RESPONSIBLE_ID: 3 } });
		expect(result.items[0].json).toMatchObject({ vendor: 'bitrix24', id: '7', title: 'New', responsibleId: '3', status: 'open' });
	});
});

describe('task: delete and status operations', () => {
	it('deletes and answers { deleted: true }', async () => {
		sandbox.addTask({ id: '3' });

		const result = await runB24(baseUrl(), { resource: 'task', operation: 'delete', taskId: byId('3') });

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual([`POST ${hook('tasks.task.delete')}`]);
		expect(bodies()[0]).toEqual({ taskId: 3 });
		expect(result.items).toEqual([{ json: { deleted: true }, pairedItem: { item: 0 } }]);
		expect(sandbox.tasks.has(3)).toBe(false);
	});

	it.each([
		['start', 'tasks.task.start', '2', '3'],
		['pause', 'tasks.task.pause', '3', '2'],
		['defer', 'tasks.task.defer', '2', '6'],
		['complete', 'tasks.task.complete', '3', '5'],
		['reopen', 'tasks.task.renew', '5', '2'],
		['approve', 'tasks.task.approve', '4', '5'],
		['disapprove', 'tasks.task.disapprove', '4', '2'],
	])('%s calls %s and returns the task with its new status', async (operation, method, before, after) => {
		sandbox.addTask({ id: '12', status: before });

		const result = await runB24(baseUrl(), { resource: 'task', operation, taskId: byId('12') });

		expect(result.error).toBeUndefined();
		expect(lines(sandbox.requests)).toEqual([`POST ${hook(method)}`]);
		expect(bodies()[0]).toEqual({ taskId: 12 });
		expect(result.items).toEqual([{ json: expect.objectContaining({ id: '12', status: after }), pairedItem: { item: 0 } }]);
	});

	it('delegate hands the task to another user', async () => {
		sandbox.addTask({ id: '12', responsibleId: '2' });

		const result = await runB24(baseUrl(), { resource: 'task', operation: 'delegate', taskId: byId('12'), userId: '4', simplify: true });

		expect(result.error).toBeUndefined();
		expect(bodies()[0]).toEqual({ taskId: 12, userId: 4 });
		expect(result.items[0].json).toMatchObject({ id: '12', responsibleId: '4' });
	});

	it('a status change Bitrix24 refuses: its message, the status, a hint', async () => {
		sandbox.addTask({ id: '12', status: '5' });

		const result = await runB24(baseUrl(), { resource: 'task', operation: 'start', taskId: byId('12') });

		expect(sandbox.requests).toHaveLength(1);
		expect(result.error).toMatchObject({ name: 'NodeApiError', message: 'Bitrix24: Action on the task is not allowed (0)', httpCode: '400' });
		expect(result.error!.description).toContain('may not do this');
	});
});

describe('task type', () => {
	it('lists statuses and priorities without a request', async () => {
		const statuses = await runB24(baseUrl(), { resource: 'taskType', operation: 'getAll', list: 'statuses' });
		const priorities = await runB24(baseUrl(), { resource: 'taskType', operation: 'getAll', list: 'priorities' });

		expect(sandbox.requests).toHaveLength(0);
		expect(jsonOf(statuses)).toContainEqual({ id: '5', name: 'Completed', meta: false, legacy: false });
		expect(jsonOf(statuses)).toContainEqual({ id: '-1', name: 'Overdue', meta: true, legacy: false });
		expect(jsonOf(priorities)).toEqual([
			{ id: '0', name: 'Low' },
			{ id: '1', name: 'Medium' },
			{ id: '2', name: 'High' },
		]);
	});

	it('lists the portal\'s task fields from tasks.task.getFields', async () => {
		const result = await runB24(baseUrl(), { resource: 'taskType', operation: 'getAll', list: 'fields' });

		expect(lines(sandbox.requests)).toEqual([`POST ${hook('tasks.task.getFields')}`]);
		expect(jsonOf(result)).toContainEqual({ code: 'TITLE', title: 'Name', type: 'string', required: true });
		expect(jsonOf(result)).toContainEqual({ code: 'UF_AUTO_REGION', title: 'Region', type: 'string' });
	});
});
