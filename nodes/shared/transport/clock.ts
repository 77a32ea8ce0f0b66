import { sleep } from 'n8n-workflow';

/**
 * The time source of the throttle and the retry waits. Tests run the helper and the
 * sandboxes on a shared faster time scale: with scale 10, "7 requests a second" becomes
 * 7 every 100 ms and a 2 s Retry-After becomes 200 ms. Production always runs at scale 1.
 */
let timeScale = 1;

export function setTimeScale(scale: number): void {
	if (!(scale > 0)) throw new RangeError('time scale must be positive');
	timeScale = scale;
}

export function getTimeScale(): number {
	return timeScale;
}

/** Milliseconds since the epoch, real time. */
export function now(): number {
	return Date.now();
}

/** Waits a duration given in unscaled milliseconds. */
export async function wait(ms: number): Promise<void> {
	if (ms <= 0) return;
	await sleep(ms / timeScale);
}
