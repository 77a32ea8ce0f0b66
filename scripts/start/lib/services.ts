/**
 * The two services n8n's queue mode needs beside n8n: PostgreSQL (the database main and workers
 * share) and Redis (the queue of executions). Installed from Debian packages when missing (as the
 * end-to-end tests install Chromium), and run on loopback from a folder of their own as child
 * processes of this launcher, each in its own process group, stopped with it.
 * PostgreSQL refuses to run as root: under root its programs run as the `postgres` user the
 * Debian package creates.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { run } from './exec';
import { step } from './log';

export interface ServiceProcess {
	port: number;
	pid: number;
	logFile: string;
	exited: Promise<number | null>;
	stop(): Promise<void>;
}

export interface PostgresServer extends ServiceProcess {
	database: string;
	user: string;
	password: string;
}

export interface RedisServer extends ServiceProcess {
	password: string;
}

const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

/** The newest PostgreSQL installed by Debian's packages (`/usr/lib/postgresql/<version>/bin`), if any. */
export function postgresBinDir(): string | undefined {
	const base = '/usr/lib/postgresql';
	if (!existsSync(base)) return undefined;
	const versions = readdirSync(base)
		.filter((v) => existsSync(join(base, v, 'bin', 'postgres')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? join(base, versions[0], 'bin') : undefined;
}

const REDIS = '/usr/bin/redis-server';

/** Installs `redis-server` and `postgresql` with apt-get when either is missing. */
export async function ensureQueueServices(): Promise<void> {
	const missing = [...(existsSync(REDIS) ? [] : ['redis-server']), ...(postgresBinDir() ? [] : ['postgresql'])];
	if (missing.length === 0) return;
	if (process.getuid?.() !== 0) {
		throw new Error(`queue mode needs ${missing.join(' and ')}: install with \`sudo apt-get install -y ${missing.join(' ')}\``);
	}
	await step(`installing ${missing.join(' and ')} from Debian packages (apt-get install)`, async () => {
		const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env: APT_ENV });
		try {
			await install();
		} catch {
			await run('apt-get', ['update'], { env: APT_ENV });
			await install();
		}
	});
}

/** uid and gid of a system user, from /etc/passwd. */
function systemUser(name: string): { uid: number; gid: number } {
	const line = readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((l) => l.startsWith(`${name}:`));
	if (!line) throw new Error(`no user "${name}" on this machine (the postgresql package creates it)`);
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

/** Under root, PostgreSQL's programs run as `postgres`; otherwise as the current user. */
function postgresIdentity(): { uid: number; gid: number } | undefined {
	return process.getuid?.() === 0 ? systemUser('postgres') : undefined;
}

/** Process groups of the services this process started and has not seen exit. */
const live = new Set<number>();

process.once('exit', () => {
	for (const pid of live) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			// already gone
		}
	}
});

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function logTail(file: string): string {
	try {
		return readFileSync(file, 'utf8').trim().split('\n').slice(-15).join('\n');
	} catch {
		return '(no log)';
	}
}

/**
 * Starts a service in a process group of its own with its output in `logFile`. `stop` sends
 * `stopSignal` to the service, waits for it to exit (SIGKILL to the group after `graceMs`).
 */
function startService(
	command: string,
	args: string[],
	options: { logFile: string; port: number; cwd: string; identity?: { uid: number; gid: number }; stopSignal: NodeJS.Signals },
): ServiceProcess {
	const log = openSync(options.logFile, 'a');
	if (options.identity) chownSync(options.logFile, options.identity.uid, options.identity.gid);
	const child: ChildProcess = spawn(command, args, {
		cwd: options.cwd,
		detached: true,
		stdio: ['ignore', log, log],
		...(options.identity ?? {}),
	});
	closeSync(log);
	live.add(child.pid!);
	const exited = new Promise<number | null>((resolve) =>
		child.once('exit', (code) => {
			live.delete(child.pid!);
			resolve(code);
		}),
	);
	let stopping: Promise<void> | undefined;
	const stop = () =>
		(stopping ??= (async () => {
			if (child.exitCode === null && child.signalCode === null) {
				try {
					child.kill(options.stopSignal);
				} catch {
					// already gone
				}
				const timedOut = await Promise.race([exited.then(() => false), sleep(15_000).then(() => true)]);
				try {
					process.kill(-child.pid!, 'SIGKILL');
				} catch {
					// the group is empty
				}
				if (timedOut) await exited;
			}
		})());
	return { port: options.port, pid: child.pid!, logFile: options.logFile, exited, stop };
}

async function waitUntil(what: string, service: ServiceProcess, probe: () => Promise<boolean>): Promise<void> {
	let gone = false;
	void service.exited.then(() => (gone = true));
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		if (gone) throw new Error(`${what} exited during start-up; its log (${service.logFile}) ends:\n${logTail(service.logFile)}`);
		if (await probe()) return;
		await sleep(200);
	}
	await service.stop();
	throw new Error(`${what} was not ready within a minute; its log (${service.logFile}) ends:\n${logTail(service.logFile)}`);
}

/** A password kept in `file` (made the first time), so a kept data folder keeps working. */
function keptSecret(file: string): string {
	if (existsSync(file)) return readFileSync(file, 'utf8').trim();
	const secret = randomBytes(18).toString('base64url');
	writeFileSync(file, `${secret}\n`, { mode: 0o600 });
	return secret;
}

/**
 * PostgreSQL with its data in `<dir>/data` (created on first use, kept otherwise), listening on
 * 127.0.0.1:`port` only, user `n8n` with a password (kept in `<dir>/password`), database `n8n`.
 * Under root, `dir` must be reachable by the `postgres` user (its parent folders executable by others).
 */
export async function startPostgres(options: { dir: string; port: number; logFile: string }): Promise<PostgresServer> {
	const bin = postgresBinDir();
	if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
	const identity = postgresIdentity();
	const { dir, port } = options;
	mkdirSync(dir, { recursive: true });
	const password = keptSecret(join(dir, 'password'));
	const data = join(dir, 'data');
	const socketDir = join(dir, 'socket');
	mkdirSync(socketDir, { recursive: true });
	if (identity) {
		chownSync(dir, identity.uid, identity.gid);
		chownSync(socketDir, identity.uid, identity.gid);
	}
	chmodSync(dir, 0o700);
	const asPostgres = { ...(identity ?? {}), env: { ...process.env, LC_ALL: 'C' } };
	const created = !existsSync(join(data, 'PG_VERSION'));
	if (created) {
		const pwfile = join(dir, 'initdb-password');
		writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
		if (identity) chownSync(pwfile, identity.uid, identity.gid);
		await run(join(bin, 'initdb'), ['-D', data, '-U', 'n8n', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C'], asPostgres);
	}
	const server = startService(
		join(bin, 'postgres'),
		['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir}`, '-c', 'synchronous_commit=off'],
		// SIGINT: PostgreSQL's "fast" shutdown (ends the sessions, then stops cleanly).
		{ logFile: options.logFile, port, cwd: dir, identity, stopSignal: 'SIGINT' },
	);
	const clientEnv = { ...process.env, PGPASSWORD: password };
	await waitUntil('PostgreSQL', server, async () => {
		try {
			await run(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', '-d', 'postgres'], { env: clientEnv });
			return true;
		} catch {
			return false;
		}
	});
	if (created) await run(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', 'n8n'], { env: clientEnv });
	return { ...server, database: 'n8n', user: 'n8n', password };
}

/**
 * Redis on 127.0.0.1:`port` with a password (kept in `<dir>/password`), nothing written to disk:
 * the queue holds only executions in flight, whose records live in PostgreSQL.
 */
export async function startRedis(options: { dir: string; port: number; logFile: string }): Promise<RedisServer> {
	mkdirSync(options.dir, { recursive: true });
	const password = keptSecret(join(options.dir, 'password'));
	const config = join(options.dir, 'redis.conf');
	// The password in a config file, not on the command line (where `ps` shows it).
	writeFileSync(
		config,
		[
			`port ${options.port}`,
			'bind 127.0.0.1',
			'protected-mode yes',
			`dir ${options.dir}`,
			'save ""',
			'appendonly no',
			'daemonize no',
			`requirepass ${password}`,
			'',
		].join('\n'),
		{ mode: 0o600 },
	);
	const server = startService(REDIS, [config], {
		logFile: options.logFile,
		port: options.port,
		cwd: options.dir,
		stopSignal: 'SIGTERM',
	});
	await waitUntil('Redis', server, async () => await redisAnswers(options.port, password));
	return { ...server, password };
}

/** Whether Redis on `port` answers PING (after AUTH) with PONG. */
async function redisAnswers(port: number, password: string): Promise<boolean> {
	const { connect } = await import('node:net');
	return await new Promise<boolean>((resolve) => {
		const socket = connect(port, '127.0.0.1');
		let answer = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(2000, () => done(false));
		socket.once('error', () => done(false));
		socket.on('data', (chunk: Buffer) => {
			answer += chunk.toString();
			if (answer.includes('+PONG')) done(true);
			else if (answer.includes('-')) done(false);
		});
		socket.once('connect', () => socket.write(`AUTH ${password}\r\nPING\r\n`));
	});
}
