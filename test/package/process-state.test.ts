/**
 * Issue 15, point 6: the package reads time and keeps cross-execution state in one place,
 * nodes/shared/transport/clock.ts, which tests swap (time scale) and reset (process state). No
 * other file of nodes/ or credentials/ reads the system clock or exports a test hook.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';

import { governorFor } from '../../nodes/shared/transport/rateGovernor';
import { processState, resetProcessState } from '../../nodes/shared/transport/clock';

const ROOT = join(__dirname, '..', '..');
const CLOCK = 'nodes/shared/transport/clock.ts';

function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sources(path);
		return path.endsWith('.ts') ? [relative(ROOT, path)] : [];
	});
}

const files = [...sources(join(ROOT, 'nodes')), ...sources(join(ROOT, 'credentials'))];
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

test('only the clock reads the system clock (Date.now, performance.now, new Date())', () => {
	const readers = files.filter((file) => file !== CLOCK && /\bDate\.now\(|\bperformance\.now\(|new Date\(\)/.test(read(file)));
	expect(readers).toEqual([]);
});

test('only the clock exports hooks that reset or reconfigure the process (reset…, set…Scale)', () => {
	const hooks = files.flatMap((file) =>
		[...read(file).matchAll(/export function (reset\w*|set\w*Scale)\b/g)].map((match) => `${file}: ${match[1]}`),
	);
	expect(hooks).toEqual([`${CLOCK}: setTimeScale`, `${CLOCK}: resetProcessState`]);
});

describe('processState', () => {
	afterEach(() => resetProcessState());

	test('one instance per name until the process state is reset', () => {
		const first = processState('test-entry', () => new Set<string>());
		first.add('x');
		expect(processState('test-entry', () => new Set<string>())).toBe(first);
		resetProcessState();
		expect(processState('test-entry', () => new Set<string>()).has('x')).toBe(false);
	});

	test("an account's rate governor lives in it: the same until a reset, a fresh one after", () => {
		const policy = { capacity: 7, refillPerSecond: 7, maxInFlight: 5 };
		const governor = governorFor('https://acme.example', policy);
		expect(governorFor('https://acme.example', policy)).toBe(governor);
		resetProcessState();
		expect(governorFor('https://acme.example', policy)).not.toBe(governor);
	});
});
