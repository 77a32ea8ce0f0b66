import { sleep } from 'n8n-workflow';

import { getTimeScale, monotonicNow as now, processState, ServerClock } from './clock';
import type { RateLimitPolicy } from './types';

/** Limit answers within one minute that open the circuit for an account. */
const CIRCUIT_THRESHOLD = 10;
const CIRCUIT_WINDOW_MS = 60_000;
const CIRCUIT_COOLDOWN_MS = 60_000;
/**
 * Other processes (n8n queue-mode workers) may spend the same account's budget: each limit
 * answer halves the share of the policy's rate this process uses, and every answer after it
 * wins a little back, until the processes together stay under the vendor's limit.
 */
const MIN_SHARE = 1 / 16;
const SHARE_REGAINED_PER_ANSWER = 0.01;
/**
 * The bucket's burst (more than one request at once) assumes this process has the account's
 * budget to itself. Another process spending it shows only as limit answers, and each process
 * refills its bucket while it waits one out, so bursting again after it would hit the same spent
 * budget together, over and over. After a limit answer the bucket holds one token (even pacing)
 * until a minute passes without another; then it bursts only its share of the capacity. So a
 * process's bursts draw at most one burst of refusals a minute, far below any ban rate.
 */
const BURST_QUIET_MS = 60_000;

export class CircuitOpenError extends Error {
	constructor(readonly retryInMs: number) {
		super('circuit open');
	}
}

/**
 * The request budget of one account inside this n8n process: a token bucket, a cap on
 * requests in flight, a shared pause after a limit answer, and a circuit breaker that stops
 * sending after repeated limit answers (vendors ban clients that keep hammering).
 * All executions and workflows of the process that use the account share it. Its times are
 * monotonic: a step of the wall clock neither stalls nor rushes it.
 */
export class AccountGovernor {
	private tokens: number;
	private lastRefill = now();
	private inFlight = 0;
	private pausedUntil = 0;
	private openUntil = 0;
	private limitAnswers: number[] = [];
	private lastLimitAnswerAt = -Infinity;
	/** Share of the policy's rate, in-flight cap and window this process uses (1 = all). */
	private share = 1;
	/** When recent requests came back (ascending), for the policy's sliding window. */
	private answeredAt: number[] = [];
	private slotWaiters: Array<() => void> = [];
	/** Acquisitions are served in arrival order. */
	private queue: Promise<void> = Promise.resolve();
	/** The account's server clock, from the Date headers of its answers. */
	readonly serverClock = new ServerClock();

	constructor(private policy: RateLimitPolicy) {
		this.tokens = policy.capacity;
	}

	setPolicy(policy: RateLimitPolicy): void {
		if (policy === this.policy) return;
		this.policy = policy;
		this.tokens = Math.min(this.tokens, policy.capacity);
	}

	/** Waits for a slot and a token; returns the function that gives the slot back. */
	async acquire(): Promise<() => void> {
		const turn = this.queue.then(async () => await this.take());
		this.queue = turn.catch(() => undefined);
		await turn;
		let released = false;
		return () => {
			if (released) return;
			released = true;
			// +1: the clock has whole milliseconds; never count a request as older than it is.
			if (this.policy.window) this.answeredAt.push(now() + 1);
			this.share = Math.min(1, this.share + SHARE_REGAINED_PER_ANSWER);
			this.inFlight--;
			this.slotWaiters.shift()?.();
		};
	}

	/** Every request of the account waits at least this long (unscaled ms) from now. */
	pause(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, now() + ms / getTimeScale());
	}

	/** Counts a limit answer; opens the circuit when they come too often. */
	recordLimitAnswer(): void {
		const t = now();
		const scale = getTimeScale();
		this.limitAnswers = this.limitAnswers.filter((at) => t - at < CIRCUIT_WINDOW_MS / scale);
		this.limitAnswers.push(t);
		this.lastLimitAnswerAt = t;
		this.share = Math.max(MIN_SHARE, this.share / 2);
		// The server's budget is spent, whatever burst this process thought it had left.
		this.tokens = 0;
		this.lastRefill = t;
		if (this.limitAnswers.length >= CIRCUIT_THRESHOLD) {
			this.openUntil = t + CIRCUIT_COOLDOWN_MS / scale;
			this.limitAnswers = [];
		}
	}

	/** Throws when the circuit is open: no request may leave for this account now. */
	checkCircuit(): void {
		const remaining = this.openUntil - now();
		if (remaining > 0) throw new CircuitOpenError(remaining * getTimeScale());
	}

	/**
	 * How long to wait (ms) before the sliding window has room: undefined when it has room now,
	 * Infinity when only requests still in flight fill it (wait for one to come back).
	 */
	private windowWait(t: number): number | undefined {
		const window = this.policy.window;
		if (!window) return undefined;
		const span = window.windowMs / getTimeScale();
		this.answeredAt = this.answeredAt.filter((at) => at > t - span);
		if (this.inFlight + this.answeredAt.length < Math.max(1, Math.floor(window.limit * this.share))) return undefined;
		if (this.answeredAt.length === 0) return Infinity;
		return Math.max(1, Math.ceil(this.answeredAt[0] + span - t));
	}

	/** The bucket's size now: its share of the policy's, or 1 within a minute of a limit answer (see BURST_QUIET_MS). */
	private capacity(t: number): number {
		if (t - this.lastLimitAnswerAt < BURST_QUIET_MS / getTimeScale()) return 1;
		return Math.max(1, Math.floor(this.policy.capacity * this.share));
	}

	private refill(t: number): void {
		const perMs = (this.policy.refillPerSecond * this.share * getTimeScale()) / 1000;
		this.tokens = Math.min(this.capacity(t), this.tokens + (t - this.lastRefill) * perMs);
		this.lastRefill = t;
	}

	private async take(): Promise<void> {
		for (;;) {
			this.checkCircuit();
			if (this.inFlight >= Math.max(1, Math.round(this.policy.maxInFlight * this.share))) {
				await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
				continue;
			}
			const t = now();
			if (this.pausedUntil > t) {
				await sleep(this.pausedUntil - t);
				continue;
			}
			const windowWait = this.windowWait(t);
			if (windowWait === Infinity) {
				await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
				continue;
			}
			if (windowWait !== undefined) {
				await sleep(windowWait);
				continue;
			}
			this.refill(t);
			if (this.tokens >= 1) {
				this.tokens -= 1;
				this.inFlight++;
				return;
			}
			const perMs = (this.policy.refillPerSecond * this.share * getTimeScale()) / 1000;
			await sleep(Math.max(1, Math.ceil((1 - this.tokens) / perMs)));
		}
	}
}

/** Each account's governor, shared by every execution this n8n instance runs. */
const governors = () => processState('rateGovernors', () => new Map<string, AccountGovernor>());

export function governorFor(key: string, policy: RateLimitPolicy): AccountGovernor {
	let governor = governors().get(key);
	if (!governor) {
		governor = new AccountGovernor(policy);
		governors().set(key, governor);
	} else {
		governor.setPolicy(policy);
	}
	return governor;
}
