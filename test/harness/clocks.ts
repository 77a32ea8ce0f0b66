/**
 * Jest fake timers that fake n8n's wall clock only (`Date`): every timer, the monotonic clock
 * (`performance`) and `Intl` stay real. `jest.useFakeTimers({ doNotFake: ALL_BUT_DATE,
 * advanceTimers: true })`, then `jest.setSystemTime(...)` steps the wall clock as an NTP
 * correction or a resumed VM would.
 */
export const ALL_BUT_DATE = [
	'hrtime',
	'nextTick',
	'performance',
	'queueMicrotask',
	'requestAnimationFrame',
	'cancelAnimationFrame',
	'requestIdleCallback',
	'cancelIdleCallback',
	'setImmediate',
	'clearImmediate',
	'setInterval',
	'clearInterval',
	'setTimeout',
	'clearTimeout',
	// Real formatting too (luxon's zones); jest's types do not list it, its fake timers do.
	'Intl',
] as unknown as Array<'Date'>;
