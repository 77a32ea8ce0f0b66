/**
 * `npm start`: n8n 2.41.1 on http://127.0.0.1:5678 with this package installed as a community
 * package, the vendor sandboxes (demo data the first time, then the data they had when they
 * stopped), credentials and example workflows.
 * `npm start -- --reset` starts all over: deletes the n8n folder (workflows, credentials,
 * executions, and the sandboxes' data kept beside them).
 * `npm start -- --queue`: n8n in queue mode as README describes it (lib/queue.ts): PostgreSQL and
 * Redis on loopback (installed from Debian packages when missing), the main instance and two
 * `n8n worker` processes, the package installed in each; its own n8n folder (.cache/n8n-queue),
 * so the data of a regular start stays apart. Combines with --reset.
 * Environment: CRM_TASKS_PORT (n8n's port; its task runner broker takes the next one),
 * CRM_TASKS_SETTINGS (settings file), CRM_TASKS_N8N_FOLDER (n8n's folder instead of .cache/n8n),
 * CRM_TASKS_CACHE_DIR (where Node 24 and n8n are installed).
 *
 * Stopping: SIGINT (Ctrl-C), SIGTERM or SIGHUP to this process, or to `npm start` (npm hands
 * them on), stops n8n and its task runner, then the sandboxes (which save their data), at any
 * moment, also while installing or starting. Started by npm, it also stops when npm is gone.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { stopRunningCommands } from './lib/exec';
import { info } from './lib/log';
import { firstTaken, freePair, freePort } from './lib/ports';
import { repoRoot } from './lib/paths';
import { loadSettings } from './lib/settings';
import { startStack, type Stack } from './lib/stack';
import { Stopper } from './lib/stopper';

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** Calls `onGone` when the process that started this one (npm) has ended. */
function watchParent(onGone: () => void): void {
	const parent = process.ppid;
	const timer = setInterval(() => {
		if (process.ppid !== parent) {
			clearInterval(timer);
			onGone();
		}
	}, 500);
	timer.unref();
}

/** Workers of `--queue`: two, so executions spread as they would in production. */
const QUEUE_WORKERS = 2;

/** Free ports for each worker's health check and task runner broker. */
async function workerPorts(count: number): Promise<Array<{ healthPort: number; brokerPort: number }>> {
	const ports = [];
	for (let i = 0; i < count; i++) ports.push({ healthPort: await freePort(), brokerPort: await freePort() });
	return ports;
}

export async function main(args: string[]): Promise<void> {
	const started = Date.now();
	const root = repoRoot();
	const settings = loadSettings();
	const brokerPort = settings.port + 1;

	// Before anything is installed or started: a port taken by another program is one line here,
	// not n8n failing after minutes of installing.
	const taken = await firstTaken([
		{ port: settings.port, use: 'n8n: editor and API' },
		{ port: brokerPort, use: `n8n's task runner broker, the n8n port + 1` },
	]);
	if (taken) {
		const other = await freePair(settings.port + 1);
		process.stderr.write(
			`[crm-tasks] port ${taken.port} (${taken.use}) is already in use: stop the program that uses it, or start on another port: ` +
				`CRM_TASKS_PORT=${other ?? '<port>'} npm start (or "port" in scripts/start/settings.json)\n`,
		);
		process.exit(1);
	}

	info(settings.file ? `settings: ${settings.file}` : 'settings: defaults (copy scripts/start/settings.example.json to scripts/start/settings.json to change them)');
	const queueMode = args.includes('--queue');
	const userFolder = process.env.CRM_TASKS_N8N_FOLDER ?? join(root, '.cache', queueMode ? 'n8n-queue' : 'n8n');
	if (args.includes('--reset')) {
		info(`--reset: deleting ${userFolder} (n8n's data and the sandboxes' data)`);
		rmSync(userFolder, { recursive: true, force: true });
	}

	const stopper = new Stopper();
	let stack: Stack | undefined;
	const stop = (reason: string, signal?: NodeJS.Signals) => {
		if (stopper.stopRequested) return;
		info(`${reason}: stopping n8n and the sandboxes ...`);
		stopRunningCommands();
		void stopper.stop().then(() => {
			info('stopped.');
			// Asked to stop once running: a clean exit. While starting: the signal's usual code.
			process.exit(stack || !signal ? 0 : 128 + (SIGNAL_NUMBERS[signal] ?? 0));
		});
	};
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal, signal));
	if (process.env.npm_lifecycle_event) watchParent(() => stop('npm has ended'));

	try {
		const queue = queueMode ? { dir: join(userFolder, 'queue'), workers: await workerPorts(QUEUE_WORKERS) } : undefined;
		stack = await startStack({ settings, userFolder, brokerPort, logFile: join(userFolder, 'n8n.log'), stopper, queue });
	} catch (error) {
		// A signal while starting: the stop above ends the process.
		if (stopper.stopRequested) return await new Promise<never>(() => undefined);
		throw error;
	}
	const running = stack;
	void running.n8n.exited.then((code) => {
		if (stopper.stopRequested) return;
		info(`n8n exited (code ${code}, log ${running.n8n.logFile}): stopping the sandboxes ...`);
		void stopper.stop().then(() => process.exit(1));
	});

	const lines = [
		'',
		`n8n${running.queue ? ' (queue mode)' : ''} is ready in ${((Date.now() - started) / 1000).toFixed(0)} s: ${running.n8n.url}`,
		...(running.queue
			? [
					`  ${running.queue.workers.length} workers (logs: ${running.queue.workers.map((w) => w.logFile).join(', ')}),` +
						` PostgreSQL on 127.0.0.1:${running.queue.backend.postgres.port}, Redis on 127.0.0.1:${running.queue.backend.redis.port}`,
				]
			: []),
		`  log in as ${settings.owner.email} / ${settings.owner.password}`,
		...running.vendors.map(
			(v) => `  ${v.entry.title}: credential "${v.credential.name}"${v.sandbox ? ` -> sandbox ${v.sandbox.baseUrl}` : ''}`,
		),
		`  example workflows: ${running.examples.map((e) => e.workflow.name).join('; ') || 'none'}`,
		...(running.skippedExamples.length
			? [`  not imported (a vendor is missing): ${running.skippedExamples.map((e) => e.file).join(', ')}`]
			: []),
		'  change a task in a sandbox so a trigger fires: npm run sandbox -- amocrm list (then complete <id>, create "<title>", update <id> "<text>")',
		'Press Ctrl-C to stop n8n and the sandboxes.',
	];
	process.stdout.write(`${lines.join('\n')}\n`);
}
