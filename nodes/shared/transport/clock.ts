import { sleep } from 'n8n-workflow';

/**
 * The one place the package reads time and keeps state across executions, so that tests swap
 * both here and nowhere else:
 * - the clock: every read of the time in nodes/ goes through {@link now} / {@link monotonicNow},
 *   and every wait through {@link wait}. Tests run the helper and the sandboxes on a shared
 *   faster time scale ({@link setTimeScale}): with scale 10, "7 requests a second" becomes 7
 *   every 100 ms and a 2 s Retry-After becomes 200 ms. Production always runs at scale 1.
 * - the process state: what one n8n process learns and keeps between executions (each account's
 *   rate budget, renamed Bitrix24 portals, MoySklad hosts that refuse a repeated filter field)
 *   lives in {@link processState}; tests start from a clean slate with {@link resetProcessState}.
 */
let timeScale = 1;

export function setTimeScale(scale: number): void {
	if (!(scale > 0)) throw new RangeError('time scale must be positive');
	timeScale = scale;
}

export function getTimeScale(): number {
	return timeScale;
}

/** Milliseconds since the epoch, wall-clock time (steps when the system clock is set). */
export function now(): number {
	return Date.now();
}

/**
 * Milliseconds on a clock that only moves forward: for durations, waits and deadlines. A step
 * of the wall clock (an NTP correction, a resumed VM) does not move it.
 */
export function monotonicNow(): number {
	return performance.now();
}

/** Waits a duration given in unscaled milliseconds. */
export async function wait(ms: number): Promise<void> {
	if (ms <= 0) return;
	await sleep(ms / timeScale);
}

/**
 * The vendor's clock as its answers told it: each answer's `Date` header re-anchors it, and
 * between answers it advances on the monotonic clock, so a step of n8n's own clock neither
 * stops nor rushes it.
 */
export class ServerClock {
	private anchor: { serverMs: number; at: number } | undefined;

	observe(serverMs: number): void {
		this.anchor = { serverMs, at: monotonicNow() };
	}

	/** The server's present (epoch ms); undefined before any answer. */
	now(): number | undefined {
		return this.anchor ? this.anchor.serverMs + (monotonicNow() - this.anchor.at) : undefined;
	}
}

/** The process state by name: each entry made once by its `create`, until {@link resetProcessState}. */
const registry = new Map<string, unknown>();

/** The process-wide state named `name` (made by `create` the first time it is asked for). */
export function processState<T>(name: string, create: () => T): T {
	if (!registry.has(name)) registry.set(name, create());
	return registry.get(name) as T;
}

/** Forgets every process-wide state (tests start from a clean slate). */
export function resetProcessState(): void {
	registry.clear();
}
