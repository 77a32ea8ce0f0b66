import { DateTime } from 'luxon';
import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isoInZone, parseDateInput, toUnixSeconds, unixSecondsToIso } from '../../nodes/shared/dates';

const node: INode = {
	id: 'node-1',
	name: 'Node',
	type: 'n8n-nodes-crm-tasks.test',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function parse(value: unknown, timezone = 'UTC', itemIndex?: number): DateTime {
	return parseDateInput(value, { node, parameter: 'Due Date', timezone, itemIndex });
}

/** Unix seconds of a UTC wall time. */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
	return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
}

describe('parseDateInput', () => {
	it('reads ISO-8601 with an offset as that instant, whatever the workflow zone', () => {
		const date = parse('2026-03-01T15:30:00+05:00', 'Europe/Moscow');

		expect(toUnixSeconds(date)).toBe(utc(2026, 3, 1, 10, 30));
		expect(isoInZone(date, 'Europe/Moscow')).toBe('2026-03-01T13:30:00+03:00');
		expect(toUnixSeconds(parse('2026-03-01T10:30:00Z', 'Asia/Tokyo'))).toBe(utc(2026, 3, 1, 10, 30));
	});

	it('reads ISO-8601 without an offset in the workflow zone (Europe/Moscow, UTC+3 all year)', () => {
		expect(toUnixSeconds(parse('2026-03-01T15:30:00', 'Europe/Moscow'))).toBe(utc(2026, 3, 1, 12, 30));
		expect(toUnixSeconds(parse('2026-07-01T15:30', 'Europe/Moscow'))).toBe(utc(2026, 7, 1, 12, 30));
		expect(isoInZone(parse('2026-03-01T15:30', 'Europe/Moscow'), 'Europe/Moscow')).toBe('2026-03-01T15:30:00+03:00');
	});

	it('reads local times in a zone with daylight saving time with the offset of that date', () => {
		// Europe/Berlin: UTC+1 in winter, UTC+2 in summer.
		expect(toUnixSeconds(parse('2026-01-15T10:00:00', 'Europe/Berlin'))).toBe(utc(2026, 1, 15, 9));
		expect(toUnixSeconds(parse('2026-07-15T10:00:00', 'Europe/Berlin'))).toBe(utc(2026, 7, 15, 8));
		// America/New_York: UTC-5 / UTC-4; the day after the spring change.
		expect(toUnixSeconds(parse('2026-03-09T09:00', 'America/New_York'))).toBe(utc(2026, 3, 9, 13));
		expect(isoInZone(parse('2026-03-09T09:00', 'America/New_York'), 'America/New_York')).toBe(
			'2026-03-09T09:00:00-04:00',
		);
	});

	it('reads "YYYY-MM-DD HH:mm" and "YYYY-MM-DD HH:mm:ss" in the workflow zone', () => {
		expect(toUnixSeconds(parse('2026-03-01 15:30', 'Europe/Moscow'))).toBe(utc(2026, 3, 1, 12, 30));
		expect(toUnixSeconds(parse('2026-03-01 15:30:45', 'Europe/Moscow'))).toBe(utc(2026, 3, 1, 12, 30, 45));
		expect(toUnixSeconds(parse('  2026-03-01 15:30  ', 'UTC'))).toBe(utc(2026, 3, 1, 15, 30));
	});

	it('reads a date alone as midnight in the workflow zone', () => {
		expect(toUnixSeconds(parse('2026-03-01', 'Europe/Moscow'))).toBe(utc(2026, 2, 28, 21));
	});

	it('tells epoch seconds from epoch milliseconds, as numbers and as text', () => {
		const seconds = utc(2026, 3, 1, 12, 30);

		expect(toUnixSeconds(parse(seconds))).toBe(seconds);
		expect(toUnixSeconds(parse(seconds * 1000))).toBe(seconds);
		expect(toUnixSeconds(parse(String(seconds)))).toBe(seconds);
		expect(toUnixSeconds(parse(String(seconds * 1000 + 999)))).toBe(seconds);
		expect(parse(seconds, 'Europe/Moscow').toMillis()).toBe(seconds * 1000);
	});

	it('takes a luxon DateTime and a JS Date from an expression as they are', () => {
		const luxon = DateTime.fromISO('2026-03-01T15:30:00', { zone: 'Asia/Tokyo' });

		expect(parse(luxon, 'Europe/Moscow').toMillis()).toBe(luxon.toMillis());
		expect(toUnixSeconds(parse(luxon, 'Europe/Moscow'))).toBe(utc(2026, 3, 1, 6, 30));
		expect(toUnixSeconds(parse(new Date(Date.UTC(2026, 2, 1, 6, 30)), 'Europe/Moscow'))).toBe(utc(2026, 3, 1, 6, 30));
	});

	it.each([
		['text', 'next tuesday-ish'],
		['an impossible date', '2026-02-30T10:00:00'],
		['an empty string', '   '],
		['null', null],
		['undefined', undefined],
		['NaN', Number.NaN],
		['an invalid Date', new Date('nope')],
		['an object', { at: 1 }],
	])('refuses %s with a NodeOperationError that names the parameter', (_what, value) => {
		let error: unknown;
		try {
			parse(value, 'Europe/Moscow', 3);
		} catch (caught) {
			error = caught;
		}

		expect(error).toBeInstanceOf(NodeOperationError);
		const { message, context } = error as NodeOperationError;
		expect(message.startsWith('Parameter "Due Date": ')).toBe(true);
		expect(message).toContain('is not a date');
		expect(message).toContain('Europe/Moscow');
		expect(context.itemIndex).toBe(3);
	});

	it('quotes the bad value in the message', () => {
		expect(() => parse('someday')).toThrow(
			'Parameter "Due Date": "someday" is not a date. Use ISO-8601 (2026-03-01T15:30:00+03:00, or without an offset in the workflow\'s time zone UTC), or epoch seconds / milliseconds.',
		);
	});
});

describe('vendor time conversions', () => {
	it('toUnixSeconds drops milliseconds', () => {
		expect(toUnixSeconds(DateTime.fromMillis(utc(2026, 3, 1) * 1000 + 999))).toBe(utc(2026, 3, 1));
	});

	it('isoInZone writes the offset of the zone, and milliseconds only when there are some', () => {
		const at = DateTime.fromMillis(utc(2026, 3, 1, 12, 30) * 1000, { zone: 'UTC' });

		expect(isoInZone(at, 'Europe/Moscow')).toBe('2026-03-01T15:30:00+03:00');
		expect(isoInZone(at, 'Asia/Novosibirsk')).toBe('2026-03-01T19:30:00+07:00');
		expect(isoInZone(at.plus({ milliseconds: 250 }), 'Europe/Moscow')).toBe('2026-03-01T15:30:00.250+03:00');
	});

	it('unixSecondsToIso turns vendor seconds into ISO in the workflow zone; missing or zero is null', () => {
		const seconds = utc(2026, 3, 1, 12, 30);

		expect(unixSecondsToIso(seconds, 'Europe/Moscow')).toBe('2026-03-01T15:30:00+03:00');
		expect(unixSecondsToIso(String(seconds), 'Europe/Berlin')).toBe('2026-03-01T13:30:00+01:00');
		expect(unixSecondsToIso(0, 'UTC')).toBeNull();
		expect(unixSecondsToIso(null, 'UTC')).toBeNull();
		expect(unixSecondsToIso(undefined, 'UTC')).toBeNull();
		expect(unixSecondsToIso('soon', 'UTC')).toBeNull();
	});
});
