/**
 * The per-account throttle on its own. Waits are checked as lower bounds only (a throttle
 * must never be early); nothing asserts that something happened within a time.
 */
import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import { AccountGovernor, CircuitOpenError, governorFor } from '../../nodes/shared/transport/rateGovernor';

const SCALE = 10;

beforeEach(() => {
	resetProcessState();
	setTimeScale(SCALE);
});

afterAll(() => {
	resetProcessState();
	setTimeScale(1);
});

async function pause(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Acquires and returns when it was granted and the release function. */
async function acquire(governor: AccountGovernor): Promise<{ at: number; release: () => void }> {
	const release = await governor.acquire();
	return { at: Date.now(), release };
}

describe('token bucket', () => {
	it('lets `capacity` requests go at once, then spaces the rest by the refill rate', async () => {
		// 10 a second at scale 10: one every 10 ms after a burst of 3.
		const start = Date.now();
		const governor = new AccountGovernor({ capacity: 3, refillPerSecond: 10, maxInFlight: 100 });

		const grants: number[] = [];
		for (let i = 0; i < 6; i++) grants.push((await acquire(governor)).at);

		// Three more tokens took three refills of 100 ms / 10.
		expect(grants[5] - start).toBeGreaterThanOrEqual(30);
	});

	it('serves waiting requests in arrival order', async () => {
		const governor = new AccountGovernor({ capacity: 1, refillPerSecond: 50, maxInFlight: 100 });
		const order: number[] = [];

		await Promise.all([0, 1, 2, 3, 4].map(async (n) => {
			await governor.acquire();
			order.push(n);
		}));

		expect(order).toEqual([0, 1, 2, 3, 4]);
	});
});

describe('requests in flight', () => {
	it('holds a request while `maxInFlight` are out, and lets it go when one comes back', async () => {
		const governor = new AccountGovernor({ capacity: 10, refillPerSecond: 1000, maxInFlight: 2 });
		const first = await acquire(governor);
		await acquire(governor);
		let third = false;
		const waiting = governor.acquire().then((release) => {
			third = true;
			return release;
		});

		await pause(30);
		expect(third).toBe(false);

		first.release();
		first.release(); // a second release of the same slot changes nothing
		await waiting;
		expect(third).toBe(true);
	});
});

describe('sliding window on answer times', () => {
	const policy = { capacity: 10, refillPerSecond: 1000, maxInFlight: 10, window: { limit: 2, windowMs: 1000 } };

	it('sends nothing while `limit` requests answered within the window', async () => {
		const governor = new AccountGovernor(policy);
		const a = await acquire(governor);
		const b = await acquire(governor);
		a.release();
		const answeredAt = Date.now();
		b.release();

		const third = await acquire(governor);

		// 1 s at scale 10 after the first answer.
		expect(third.at - answeredAt).toBeGreaterThanOrEqual(1000 / SCALE);
	});

	it('counts requests still in flight: waits for an answer, then for the window after it', async () => {
		const governor = new AccountGovernor(policy);
		const a = await acquire(governor);
		await acquire(governor);
		let granted = false;
		const waiting = acquire(governor).then((grant) => {
			granted = true;
			return grant;
		});

		await pause(1000 / SCALE + 20);
		expect(granted).toBe(false);

		a.release();
		const answeredAt = Date.now();
		const third = await waiting;
		expect(third.at - answeredAt).toBeGreaterThanOrEqual(1000 / SCALE);
	});
});

describe('pause after a limit answer', () => {
	it('holds every request of the account for the wait, scaled', async () => {
		const governor = new AccountGovernor({ capacity: 10, refillPerSecond: 1000, maxInFlight: 10 });
		const pausedAt = Date.now();
		governor.pause(2000);

		const [one, two] = await Promise.all([acquire(governor), acquire(governor)]);

		expect(one.at - pausedAt).toBeGreaterThanOrEqual(2000 / SCALE);
		expect(two.at - pausedAt).toBeGreaterThanOrEqual(2000 / SCALE);
	});
});

describe('circuit breaker', () => {
	it('opens after 10 limit answers within a minute and refuses requests without waiting', async () => {
		const governor = new AccountGovernor({ capacity: 10, refillPerSecond: 1000, maxInFlight: 10 });
		for (let i = 0; i < 9; i++) governor.recordLimitAnswer();
		expect(() => governor.checkCircuit()).not.toThrow();

		governor.recordLimitAnswer();

		expect(() => governor.checkCircuit()).toThrow(CircuitOpenError);
		await expect(governor.acquire()).rejects.toBeInstanceOf(CircuitOpenError);
		const error = (() => {
			try {
				governor.checkCircuit();
			} catch (caught) {
				return caught as CircuitOpenError;
			}
			return undefined;
		})();
		// Reported in unscaled ms: a minute of cool-down.
		expect(error?.retryInMs).toBeGreaterThan(50_000);
		expect(error?.retryInMs).toBeLessThanOrEqual(60_000);
	});

	it('forgets limit answers older than the window', async () => {
		setTimeScale(60_000 / 20); // a minute is 20 ms
		const governor = new AccountGovernor({ capacity: 10, refillPerSecond: 1000, maxInFlight: 10 });
		for (let i = 0; i < 9; i++) governor.recordLimitAnswer();
		await pause(40);

		governor.recordLimitAnswer();

		expect(() => governor.checkCircuit()).not.toThrow();
	});

	it('closes again after the cool-down', async () => {
		setTimeScale(60_000 / 20);
		const governor = new AccountGovernor({ capacity: 10, refillPerSecond: 1000, maxInFlight: 10 });
		for (let i = 0; i < 10; i++) governor.recordLimitAnswer();
		expect(() => governor.checkCircuit()).toThrow(CircuitOpenError);

		await pause(40);

		expect(() => governor.checkCircuit()).not.toThrow();
		const release = await governor.acquire();
		release();
	});
});

describe('sharing the account with other processes (queue-mode workers)', () => {
	it('after a limit answer, drops the stored burst and sends at half the rate', async () => {
		// 10 a second at scale 10: one every 10 ms; at half the share, one every 20 ms.
		const governor = new AccountGovernor({ capacity: 3, refillPerSecond: 10, maxInFlight: 100 });
		governor.recordLimitAnswer();
		const answeredAt = Date.now();

		const next = await acquire(governor);

		expect(next.at - answeredAt).toBeGreaterThanOrEqual(19);
	});

	it('halves the requests in flight, and wins them back with the answers that follow', async () => {
		const governor = new AccountGovernor({ capacity: 100, refillPerSecond: 10_000, maxInFlight: 4 });
		governor.recordLimitAnswer();

		const held = [await acquire(governor), await acquire(governor)];
		let third = false;
		const waiting = governor.acquire().then((release) => {
			third = true;
			return release;
		});
		await pause(20);
		expect(third).toBe(false);
		held[0].release();
		(await waiting)();
		held[1].release();

		// 50 answers later the share is whole again: four at once.
		for (let i = 0; i < 50; i++) (await governor.acquire())();
		const four = await Promise.all([0, 1, 2, 3].map(async () => await governor.acquire()));
		expect(four).toHaveLength(4);
		four.forEach((release) => release());
	});
});

describe('a burst while other processes may spend the account (issue 15, point 12b)', () => {
	// Fake timers: `sleep` waits on a fake setTimeout and the monotonic clock advances with it;
	// what is counted is how many acquisitions are granted without any time passing.
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	/** Starts `count` acquisitions at once; how many are granted before any time passes. */
	async function grantedAtOnce(governor: AccountGovernor, count: number): Promise<number> {
		let granted = 0;
		const waiting = Array.from({ length: count }, async () => {
			const release = await governor.acquire();
			granted++;
			release();
		});
		await jest.advanceTimersByTimeAsync(0);
		const atOnce = granted;
		await jest.advanceTimersByTimeAsync(60_000);
		await Promise.all(waiting);
		return atOnce;
	}

	/**
	 * One request after another, each answered: 50 make a halved share whole again. A token
	 * comes every 20 ms or less (10 a second at half share, scale 10): 50 take 1.25 s (12.5 s scaled).
	 */
	async function answer(governor: AccountGovernor, count: number): Promise<void> {
		for (let i = 0; i < count; i++) {
			const granted = governor.acquire();
			await jest.advanceTimersByTimeAsync(25);
			(await granted)();
		}
	}

	// 10 a second at scale 10: the bucket of 4 is full again after 40 ms of fake time (80 ms at half share).
	const policy = { capacity: 4, refillPerSecond: 10, maxInFlight: 10 };

	it('spends the whole bucket at once while no limit answer came', async () => {
		const governor = new AccountGovernor(policy);

		expect(await grantedAtOnce(governor, 4)).toBe(4);
	});

	it('after a limit answer, sends one at a time for a minute, even with its share whole again and the bucket refilled', async () => {
		const governor = new AccountGovernor(policy);
		governor.recordLimitAnswer();
		await answer(governor, 50);
		// 10 s scaled without a request: a full bucket's refill, well within the minute.
		await jest.advanceTimersByTimeAsync(1_000);

		expect(await grantedAtOnce(governor, 4)).toBe(1);
	});

	it('bursts again a minute after the last limit answer', async () => {
		const governor = new AccountGovernor(policy);
		governor.recordLimitAnswer();
		await answer(governor, 50);
		// A minute is 6 s at scale 10.
		await jest.advanceTimersByTimeAsync(6_000);

		expect(await grantedAtOnce(governor, 4)).toBe(4);
	});

	it('bursts only its share of the bucket: half of it at half the share', async () => {
		const governor = new AccountGovernor(policy);
		governor.recordLimitAnswer();
		// A quiet minute, no answers: the share is still half.
		await jest.advanceTimersByTimeAsync(6_000);

		expect(await grantedAtOnce(governor, 4)).toBe(2);
	});
});

describe('governorFor', () => {
	it('gives one governor per account key, until reset', () => {
		const policy = { capacity: 1, refillPerSecond: 1, maxInFlight: 1 };
		const a = governorFor('vendor\u0000account-a', policy);

		expect(governorFor('vendor\u0000account-a', policy)).toBe(a);
		expect(governorFor('vendor\u0000account-b', policy)).not.toBe(a);
		resetProcessState();
		expect(governorFor('vendor\u0000account-a', policy)).not.toBe(a);
	});
});

describe('when n8n\'s wall clock steps back (an NTP correction, a resumed VM)', () => {
	// Fake timers: `sleep` waits on a fake setTimeout, the monotonic clock advances with it,
	// and `setSystemTime` moves only the wall clock (Date).
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	/** Starts an acquire and tells whether it has been granted after `ms` of fake time. */
	async function grantedWithin(governor: AccountGovernor, ms: number): Promise<boolean> {
		let granted = false;
		const waiting = governor.acquire().then((release) => {
			granted = true;
			release();
		});
		await jest.advanceTimersByTimeAsync(ms);
		const result = granted;
		// Let the waiting acquire end, however long it wanted to wait.
		await jest.advanceTimersByTimeAsync(24 * 3_600_000);
		await waiting;
		return result;
	}

	it('refills the bucket as before: the next token comes after one refill', async () => {
		// 1 a second at scale 10: one token every 100 ms.
		const governor = new AccountGovernor({ capacity: 1, refillPerSecond: 1, maxInFlight: 10 });
		(await governor.acquire())();
		jest.setSystemTime(Date.now() - 5 * 60_000);
		expect(await grantedWithin(governor, 150)).toBe(true);
	});

	it('ends a pause after its own length, not the length plus the step', async () => {
		const governor = new AccountGovernor({ capacity: 10, refillPerSecond: 100, maxInFlight: 10 });
		governor.pause(1_000); // 100 ms at scale 10
		jest.setSystemTime(Date.now() - 5 * 60_000);
		expect(await grantedWithin(governor, 150)).toBe(true);
	});
});
