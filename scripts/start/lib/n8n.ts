/** One n8n server process: started headless on loopback, ready when its readiness probe says so. */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { Runtime } from './runtime';

export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export interface N8nOptions {
	runtime: Runtime;
	/** N8N_USER_FOLDER: n8n keeps `<folder>/.n8n` (database, settings, community packages). */
	userFolder: string;
	port: number;
	/** The task runners' broker; a second n8n on the machine needs another one. */
	brokerPort: number;
	owner: Owner;
	logFile: string;
	env?: NodeJS.ProcessEnv;
	/**
	 * n8n's command: `['start']` (default), or a queue-mode worker `['worker', '--concurrency=10']`,
	 * whose readiness probe then answers on `port` (its QUEUE_HEALTH_CHECK_PORT).
	 */
	command?: string[];
}

export interface N8nProcess {
	url: string;
	pid: number;
	logFile: string;
	/** Resolves when the process has exited (for any reason). */
	exited: Promise<number | null>;
	stop(): Promise<void>;
}

function ownerPasswordHash(runtime: Runtime, password: string): string {
	// n8n's own bcrypt implementation, from its install.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const bcrypt = require(join(runtime.n8nDir, 'node_modules', 'bcryptjs')) as {
		hashSync(value: string, rounds: number): string;
	};
	return bcrypt.hashSync(password, 10);
}

/** The caller's environment without what a test runner adds (n8n changes behaviour under NODE_ENV=test). */
function baseEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	const clean = { ...env };
	for (const key of Object.keys(clean)) if (key === 'NODE_ENV' || key.startsWith('JEST_')) delete clean[key];
	return clean;
}

export function n8nEnvironment(options: N8nOptions): NodeJS.ProcessEnv {
	const { owner } = options;
	return {
		...baseEnvironment(options.runtime.env),
		N8N_USER_FOLDER: options.userFolder,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(options.port),
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${options.port}`,
		N8N_RUNNERS_BROKER_PORT: String(options.brokerPort),
		N8N_SECURE_COOKIE: 'false',
		DB_TYPE: 'sqlite',
		// n8n 2's default. n8n 1.x still defaults to 0, its deprecated "legacy" SQLite mode, in which
		// an execution's status and its data are written apart: a read between them sees the run
		// ended without its data.
		DB_SQLITE_POOL_SIZE: '3',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		// Dates in workflows (schedules, $now) in this machine's time zone, not n8n's default.
		GENERIC_TIMEZONE: process.env.GENERIC_TIMEZONE ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: owner.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: owner.firstName,
		N8N_INSTANCE_OWNER_LAST_NAME: owner.lastName,
		N8N_INSTANCE_OWNER_PASSWORD_HASH: ownerPasswordHash(options.runtime, owner.password),
		...options.env,
	};
}

function logTail(file: string, lines = 40): string {
	try {
		return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Stops a process group we started: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
async function stopGroup(child: ChildProcess, exited: Promise<unknown>, graceMs: number): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
	const signalGroup = (signal: NodeJS.Signals) => {
		try {
			process.kill(-child.pid!, signal);
		} catch {
			// already gone
		}
	};
	signalGroup('SIGTERM');
	let timer: NodeJS.Timeout | undefined;
	const grace = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs)));
	const timedOut = await Promise.race([exited.then(() => false), grace]);
	clearTimeout(timer);
	// The task runner child is in the same group: make sure nothing of the group survives.
	signalGroup('SIGKILL');
	if (timedOut) await exited;
}

/** Process groups of the n8n servers this process started and has not seen exit. */
const live = new Set<number>();

/**
 * Last resort when this process ends without having stopped n8n (an uncaught error): n8n runs
 * in a process group of its own, so nothing else would end it.
 */
process.once('exit', () => {
	for (const pid of live) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			// already gone
		}
	}
});

/**
 * Starts n8n and returns at once (so the caller can stop it even while it is starting);
 * `ready` resolves when its readiness probe answers.
 */
export function startN8n(options: N8nOptions): N8nProcess & { ready: Promise<void> } {
	mkdirSync(options.userFolder, { recursive: true });
	mkdirSync(dirname(options.logFile), { recursive: true });
	const log = openSync(options.logFile, 'a');
	// A process group of its own: the launcher stops n8n and its task runner together, after a
	// Ctrl-C or a signal to the launcher alone.
	const child = spawn(options.runtime.node, [options.runtime.n8nBin, ...(options.command ?? ['start'])], {
		env: n8nEnvironment(options),
		detached: true,
		stdio: ['ignore', log, log],
	});
	closeSync(log);
	live.add(child.pid!);
	const exited = new Promise<number | null>((resolve) =>
		child.once('exit', (code) => {
			live.delete(child.pid!);
			resolve(code);
		}),
	);
	const url = `http://127.0.0.1:${options.port}`;
	const stop = () => stopGroup(child, exited, 15_000);

	const ready = (async () => {
		let gone = false;
		void exited.then(() => (gone = true));
		const deadline = Date.now() + 180_000;
		while (Date.now() < deadline) {
			if (gone) throw new Error(`n8n exited during start-up (code ${await exited}); its log (${options.logFile}) ends:\n${logTail(options.logFile)}`);
			try {
				// A timeout: something else on the port may accept the connection and never answer.
				const response = await fetch(`${url}/healthz/readiness`, { signal: AbortSignal.timeout(5000) });
				if (response.ok) return;
			} catch {
				// not listening yet
			}
			await sleep(250);
		}
		await stop();
		throw new Error(`n8n was not ready within 3 minutes; its log (${options.logFile}) ends:\n${logTail(options.logFile)}`);
	})();
	return { url, pid: child.pid!, logFile: options.logFile, exited, stop, ready };
}
