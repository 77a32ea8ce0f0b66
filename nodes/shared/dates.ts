import { DateTime } from 'luxon';
import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { inputError } from './transport/errors';

export interface DateInputContext {
	node: INode;
	parameter: string;
	timezone: string;
	itemIndex?: number;
}

/**
 * The context of a date parameter of one item: the node is read only when the date is refused
 * (n8n's getNode copies the whole node; read for every item it was a measurable part of a bulk
 * create's CPU).
 */
export function itemDateContext(
	ctx: Pick<IExecuteFunctions, 'getNode' | 'getTimezone'>,
	parameter: string,
	itemIndex: number,
	timezone: string = ctx.getTimezone(),
): DateInputContext {
	return {
		get node() {
			return ctx.getNode();
		},
		parameter,
		timezone,
		itemIndex,
	};
}

/** Epoch values below this are seconds, above it milliseconds (the year 5138 in seconds). */
const EPOCH_MS_THRESHOLD = 1e11;

function fromEpoch(value: number, timezone: string): DateTime {
	const ms = Math.abs(value) < EPOCH_MS_THRESHOLD ? value * 1000 : value;
	return DateTime.fromMillis(ms, { zone: timezone });
}

/**
 * The last date text read and what it gave (a DateTime is immutable): the items of a bulk write
 * often share one due date, and luxon's ISO parsing was ~37 µs an item (CPU profile).
 */
let lastText: { text: string; timezone: string; parsed: DateTime } = { text: '', timezone: '', parsed: DateTime.invalid('none') };

/**
 * Reads a date the way n8n users write them: ISO-8601 with or without an offset (without:
 * the workflow's time zone), "YYYY-MM-DD HH:mm[:ss]", epoch seconds or milliseconds, a JS Date
 * or a luxon DateTime from an expression.
 */
export function parseDateInput(value: unknown, context: DateInputContext): DateTime {
	const { timezone } = context;
	let parsed: DateTime | undefined;
	if (DateTime.isDateTime(value)) parsed = value;
	else if (value instanceof Date) parsed = DateTime.fromJSDate(value, { zone: timezone });
	else if (typeof value === 'number' && Number.isFinite(value)) parsed = fromEpoch(value, timezone);
	else if (typeof value === 'string' && value.trim() !== '') {
		const text = value.trim();
		if (/^-?\d+(\.\d+)?$/.test(text)) parsed = fromEpoch(Number(text), timezone);
		else if (lastText.text === text && lastText.timezone === timezone) parsed = lastText.parsed;
		else {
			parsed = DateTime.fromISO(text, { zone: timezone, setZone: true });
			if (!parsed.isValid) parsed = DateTime.fromSQL(text, { zone: timezone, setZone: true });
			lastText = { text, timezone, parsed };
		}
	}
	if (!parsed || !parsed.isValid) {
		throw inputError(
			context.node,
			context.parameter,
			`"${String(value)}" is not a date. Use ISO-8601 (2026-03-01T15:30:00+03:00, or without an offset in the workflow's time zone ${timezone}), or epoch seconds / milliseconds.`,
			context.itemIndex,
		);
	}
	return parsed;
}

export function toUnixSeconds(date: DateTime): number {
	return Math.floor(date.toMillis() / 1000);
}

/** ISO-8601 with the offset of the given zone, without milliseconds when they are zero. */
export function isoInZone(date: DateTime, timezone: string): string {
	return date.setZone(timezone).toISO({ suppressMilliseconds: true }) ?? date.toISO()!;
}

/** Unix seconds from a vendor, as ISO in the workflow's zone; null for missing or zero. */
export function unixSecondsToIso(value: unknown, timezone: string): string | null {
	const seconds = typeof value === 'string' ? Number(value) : value;
	if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return null;
	return isoInZone(DateTime.fromSeconds(seconds), timezone);
}
