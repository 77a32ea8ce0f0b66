/**
 * n8n's queue mode as README describes it for users: one main instance and `n8n worker`
 * processes, PostgreSQL as their shared database and Redis as the queue of executions, one
 * encryption key for all of them, and this package installed in every n8n folder (main and each
 * worker). The main instance runs the editor, the API and the polling triggers and puts every
 * execution (manual ones too: OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS) on the queue; the workers
 * run them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { info, step } from './log';
import { startN8n, type N8nProcess, type Owner } from './n8n';
import { freePort } from './ports';
import type { Runtime } from './runtime';
import { ensureQueueServices, startPostgres, startRedis, type PostgresServer, type RedisServer } from './services';
import type { Stopper } from './stopper';

export interface QueueBackend {
	postgres: PostgresServer;
	redis: RedisServer;
	/** What main and every worker need in their environment (database, queue, encryption key). */
	env: NodeJS.ProcessEnv;
}

/** Whether the `postgres` user can reach `dir` (every folder above it is searchable by others). */
function reachableByOthers(dir: string): boolean {
	for (let d = dirname(dir); d !== dirname(d); d = dirname(d)) {
		if (existsSync(d) && (statSync(d).mode & 0o001) === 0) return false;
	}
	return true;
}

/**
 * PostgreSQL and Redis for queue mode, their data under `dir` (kept between starts). Under root,
 * PostgreSQL runs as `postgres`: when that user cannot reach `dir` (a checkout under /root), its
 * data goes to a folder of its own under /var/tmp instead.
 */
export async function startQueueBackend(options: {
	dir: string;
	logDir: string;
	stopper: Stopper;
	/** Delete PostgreSQL's and Redis's data once both have stopped (tests). */
	removeData?: boolean;
}): Promise<QueueBackend> {
	await ensureQueueServices();
	const { dir, logDir, stopper } = options;
	mkdirSync(dir, { recursive: true });
	mkdirSync(logDir, { recursive: true });
	let postgresDir = join(dir, 'postgres');
	if (process.getuid?.() === 0 && !reachableByOthers(postgresDir)) {
		postgresDir = join('/var/tmp', `n8n-nodes-crm-tasks-${Buffer.from(dir).toString('base64url').slice(-24)}`, 'postgres');
		info(`the postgres user cannot reach ${dir}: PostgreSQL keeps its data in ${postgresDir}`);
	}
	if (options.removeData) {
		// Added first, so stopped last: after PostgreSQL and Redis.
		const dataDirs = [postgresDir, join(dir, 'redis'), join(dir, 'encryption-key')];
		stopper.add('the queue services\' data', async () => {
			for (const data of dataDirs) rmSync(data, { recursive: true, force: true });
		});
	}
	const postgres = await step('starting PostgreSQL (n8n\'s shared database)', async () =>
		startPostgres({ dir: postgresDir, port: await freePort(), logFile: join(logDir, 'postgres.log') }),
	);
	stopper.add('PostgreSQL', () => postgres.stop());
	const redis = await step('starting Redis (the queue of executions)', async () =>
		startRedis({ dir: join(dir, 'redis'), port: await freePort(), logFile: join(logDir, 'redis.log') }),
	);
	stopper.add('Redis', () => redis.stop());
	return { postgres, redis, env: queueEnvironment(postgres, redis, encryptionKey(join(dir, 'encryption-key'))) };
}

/** One key for main and every worker (each would make its own otherwise, and could not read the others' credentials). */
function encryptionKey(file: string): string {
	if (existsSync(file)) return readFileSync(file, 'utf8').trim();
	const key = randomBytes(24).toString('base64url');
	writeFileSync(file, `${key}\n`, { mode: 0o600 });
	return key;
}

/** The environment README lists for queue mode (main and workers alike). */
export function queueEnvironment(postgres: PostgresServer, redis: RedisServer, key: string): NodeJS.ProcessEnv {
	return {
		EXECUTIONS_MODE: 'queue',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_ENCRYPTION_KEY: key,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		QUEUE_BULL_REDIS_PASSWORD: redis.password,
	};
}

export interface WorkerOptions {
	runtime: Runtime;
	backend: QueueBackend;
	/** The worker's own n8n folder (the package installed in its `.n8n/nodes`). */
	userFolder: string;
	/** Its health check server (`/healthz/readiness`), on 127.0.0.1. */
	healthPort: number;
	/** Its task runners' broker. */
	brokerPort: number;
	/** The main instance's URL (links the worker builds point there). */
	mainUrl: string;
	owner: Owner;
	logFile: string;
	/** Executions it runs at once (`n8n worker --concurrency`, default 10). */
	concurrency?: number;
}

/** Starts `n8n worker`; `ready` resolves when its readiness probe answers. */
export function startWorker(options: WorkerOptions): N8nProcess & { ready: Promise<void> } {
	return startN8n({
		runtime: options.runtime,
		userFolder: options.userFolder,
		port: options.healthPort,
		brokerPort: options.brokerPort,
		owner: options.owner,
		logFile: options.logFile,
		command: ['worker', `--concurrency=${options.concurrency ?? 10}`],
		env: {
			...options.backend.env,
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(options.healthPort),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			N8N_EDITOR_BASE_URL: options.mainUrl,
			WEBHOOK_URL: `${options.mainUrl}/`,
		},
	});
}

/**
 * Ids of the executions that have an event `eventName` in the event log of the n8n process whose
 * folder is `userFolder` (n8n writes every event there: `<folder>/.n8n/n8nEventLog.log` for main,
 * `n8nEventLog-worker.log` for a worker, rotated to `...-1.log` and on). A worker logs
 * `n8n.queue.job.dequeued` for each execution it takes, and `n8n.node.started` for each node it
 * runs. n8n 2.41's execution record names no worker, and where n8n takes itself for a Docker
 * container (as on the machines this was run on) every worker on one host gets the same host id
 * (`worker-<hostname>`): the event log of each worker's own folder is what says which one ran it.
 */
export function executionsInEventLog(userFolder: string, eventName: string): Set<string> {
	const dir = join(userFolder, '.n8n');
	const ids = new Set<string>();
	let files: string[] = [];
	try {
		files = readdirSync(dir).filter((f) => /^n8nEventLog.*\.log$/.test(f));
	} catch {
		return ids;
	}
	for (const file of files) {
		for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
			if (!line.includes(`"eventName":"${eventName}"`)) continue;
			try {
				const event = JSON.parse(line) as { payload?: { executionId?: string } };
				if (event.payload?.executionId !== undefined) ids.add(String(event.payload.executionId));
			} catch {
				// a line being written
			}
		}
	}
	return ids;
}
