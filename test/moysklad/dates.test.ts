/**
 * Moscow local time without offset, converted both ways: what the node sends for dates given
 * in the workflow's zone (around midnight and across other zones' DST switches; Moscow itself
 * has no DST, UTC+3 all year) and what Simplify makes of the API's times.
 */
import type { IDataObject } from 'n8n-workflow';

import { fromMoscow, moscowToIso, toMoscow } from '../../nodes/MoySklad/api';
import { DateTime } from 'luxon';
import nock from 'nock';

import { runPoll } from '../harness';
import { API, IDS, TRIGGER_TYPE, byId, credentialTypes, msTask, ms, nodeTypes, record, runMs, tokenCredentials, useMsEnvironment } from './fixtures';

useMsEnvironment();

describe('dates sent to MoySklad', () => {
	it.each([
		// [workflow zone, input, Moscow time sent]
		['UTC', '2026-03-01T21:30:00', '2026-03-02 00:30:00'], // after midnight in Moscow, the day before in UTC
		['UTC', '2026-03-01T20:59:59Z', '2026-03-01 23:59:59'],
		['Europe/Moscow', '2026-12-31T23:59:00', '2026-12-31 23:59:00'],
		['Europe/Berlin', '2026-03-29T01:30:00', '2026-03-29 03:30:00'], // Berlin still UTC+1
		['Europe/Berlin', '2026-03-29T03:30:00', '2026-03-29 04:30:00'], // Berlin now UTC+2: one hour less apart
		['Europe/Berlin', '2026-10-25T12:00:00', '2026-10-25 14:00:00'], // Berlin back on UTC+1
		['America/New_York', '2026-11-01T23:00:00', '2026-11-02 07:00:00'], // New York UTC-5 after its switch
		['Asia/Vladivostok', '2026-06-01T06:59:00', '2026-05-31 23:59:00'], // UTC+10: the day before in Moscow
		['UTC', '2026-06-01T12:00:00+05:00', '2026-06-01 10:00:00'], // an explicit offset wins over the zone
		['UTC', 1780000000, '2026-05-28 23:26:40'], // epoch seconds
	])('in %s, %s is sent as %s', async (timezone, due, moscow) => {
		const scope = ms().post(`${API}/entity/task`).reply(200, [msTask()]);
		const log = record(scope);

		const result = await runMs(
			{ resource: 'task', operation: 'create', description: 'x', assignee: IDS.employee, additionalFields: { dueToDate: '={{ $json.due }}' } },
			{ timezone: timezone as string, input: [{ due }] },
		);

		log.stop();
		expect(result.error).toBeUndefined();
		expect((log.requests[0].body as IDataObject[])[0].dueToDate).toBe(moscow);
	});
});

describe('dates read from MoySklad', () => {
	it.each([
		['UTC', '2026-03-02 00:30:00', '2026-03-01T21:30:00Z'],
		['Europe/Moscow', '2026-03-02 00:30:00.250', '2026-03-02T00:30:00.250+03:00'],
		['Europe/Berlin', '2026-03-29 03:30:00', '2026-03-29T01:30:00+01:00'],
		['Europe/Berlin', '2026-03-29 04:30:00', '2026-03-29T03:30:00+02:00'],
		['Asia/Vladivostok', '2026-05-31 23:59', '2026-06-01T06:59:00+10:00'],
	])('in %s, %s is output as %s', async (timezone, moscow, iso) => {
		ms().get(`${API}/entity/task/${IDS.task}`).reply(200, msTask(IDS.task, { dueToDate: moscow, updated: moscow }));

		const result = await runMs({ resource: 'task', operation: 'get', taskId: byId(IDS.task), simplify: true }, { timezone: timezone as string });

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ dueAt: iso, updatedAt: iso });
	});

	it('keeps the raw answer\'s times untouched without Simplify', async () => {
		ms().get(`${API}/entity/task/${IDS.task}`).reply(200, msTask());

		const result = await runMs({ resource: 'task', operation: 'get', taskId: byId(IDS.task) }, { timezone: 'Asia/Tokyo' });

		expect(result.items[0].json).toMatchObject({ dueToDate: '2026-05-12 17:12:00', updated: '2026-05-02 10:30:15.123' });
	});

	it('converts round trip at every hour of a day, Moscow being UTC+3 without DST', () => {
		for (let hour = 0; hour < 24; hour++) {
			for (const month of [1, 7]) {
				const utc = DateTime.fromObject({ year: 2026, month, day: 15, hour, minute: 5 }, { zone: 'UTC' });
				const text = toMoscow(utc);
				expect(fromMoscow(text)?.toMillis()).toBe(utc.toMillis());
				expect(fromMoscow(text)?.offset).toBe(180);
				expect(moscowToIso(text, 'UTC')).toBe(utc.toISO({ suppressMilliseconds: true }));
			}
		}
		expect(fromMoscow('not a date')).toBeUndefined();
		expect(moscowToIso(undefined, 'UTC')).toBeNull();
	});
});

describe('times with fewer fraction digits, and times that do not parse', () => {
	it.each([
		['2026-05-01 10:00:00.12', '2026-05-01T10:00:00.120+03:00'],
		['2026-05-01 10:00:00.2', '2026-05-01T10:00:00.200+03:00'],
		['2026-05-01 10:00:00.123', '2026-05-01T10:00:00.123+03:00'],
		['2026-05-01 10:00:00', '2026-05-01T10:00:00+03:00'],
	])('%s is read as %s', async (moscow, iso) => {
		ms().get(`${API}/entity/task/${IDS.task}`).reply(200, msTask(IDS.task, { created: moscow, updated: moscow, done: true, completed: moscow }));

		const result = await runMs({ resource: 'task', operation: 'get', taskId: byId(IDS.task), simplify: true }, { timezone: 'Europe/Moscow' });

		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ createdAt: iso, updatedAt: iso, completedAt: iso });
	});

	it.each([['2026-05-01 10:00:00.1234'], ['2026-13-01 10:00:00'], ['yesterday']])('Simplify of a task whose "created" is %s fails, naming the field', async (bad) => {
		ms().get(`${API}/entity/task/${IDS.task}`).reply(200, msTask(IDS.task, { created: bad }));

		const result = await runMs({ resource: 'task', operation: 'get', taskId: byId(IDS.task), simplify: true });

		expect(result.error?.message).toBe(`Task ${IDS.task}: "created" is "${bad}", not a MoySklad time (YYYY-MM-DD HH:MM:SS, Moscow time)`);
	});

	it('a poll meeting a task whose "updated" does not parse fails naming the field, and keeps its cursor', async () => {
		const list = (rows: IDataObject[]) => ({ meta: { size: rows.length, limit: 1000, offset: 0 }, rows });
		ms().get(`${API}/entity/task`).query(true).times(3).reply(200, list([]), { Date: new Date().toUTCString() });
		const first = await runPoll({ nodeTypes, credentialTypes, credentials: tokenCredentials(), node: { type: TRIGGER_TYPE, parameters: { event: 'taskUpdated' } } });
		expect(first.error).toBeUndefined();
		nock.cleanAll();

		ms().get(`${API}/entity/task`).query(true).times(3).reply(200, list([msTask(IDS.task, { updated: '2026-05-01 10:00:00,5' })]), { Date: new Date().toUTCString() });
		const second = await runPoll({
			nodeTypes,
			credentialTypes,
			credentials: tokenCredentials(),
			node: { type: TRIGGER_TYPE, parameters: { event: 'taskUpdated' } },
			staticData: first.staticData,
		});

		expect(second.items).toBeNull();
		expect(second.error?.message).toBe(`Task ${IDS.task}: "updated" is "2026-05-01 10:00:00,5", not a MoySklad time (YYYY-MM-DD HH:MM:SS, Moscow time)`);
		expect(second.staticData).toEqual(first.staticData);
	});
});
