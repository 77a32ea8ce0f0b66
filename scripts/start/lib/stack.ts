/**
 * Everything `npm start` and the end-to-end tests run: the vendor sandboxes (unless a real
 * account is configured) with the data of their last run, n8n with this package as a community
 * package, the owner account, one credential per vendor, the example workflows, and the control
 * server of `npm run sandbox`. With `queue`, n8n runs in queue mode (lib/queue.ts): PostgreSQL,
 * Redis, the main instance and `n8n worker` processes, the package installed in each.
 */
import { join } from 'node:path';

import type { SandboxServer } from '../../../test/sandbox/framework';
import { VENDORS } from '../vendors';
import type { StartedSandbox, VendorEntry } from '../vendors/types';
import { N8nClient, type CredentialSummary } from './client';
import { bindCredentials, loadExamples, type Example } from './examples';
import { startControlServer, type ControlServer } from './control';
import { info, step } from './log';
import { startN8n, type N8nProcess } from './n8n';
import { buildAndInstallPackage, buildAndPack, npmInstallPackage, shippedCredentialTypes } from './pack';
import { repoRoot } from './paths';
import { ensureRuntime, type Runtime } from './runtime';
import { startQueueBackend, startWorker, type QueueBackend } from './queue';
import { previousPorts, startKeptSandbox, writeLauncherFile } from './sandboxes';
import type { Settings } from './settings';
import { Stopper } from './stopper';

export interface StackOptions {
	settings: Settings;
	userFolder: string;
	brokerPort: number;
	logFile: string;
	/** Where the parts get registered as they start (the launcher stops them on a signal). */
	stopper?: Stopper;
	/** The n8n to run; default runtime.ts's N8N_VERSION (the 1.x smoke test: N8N_V1_VERSION). */
	n8nVersion?: string;
	/** n8n in queue mode: main (`userFolder`, `logFile`) plus one worker per entry of `workers`. */
	queue?: QueueOptions;
}

export interface QueueOptions {
	/** PostgreSQL's and Redis's data, the workers' n8n folders and logs. */
	dir: string;
	/** Delete PostgreSQL's and Redis's data when the stack stops (tests); kept otherwise. */
	removeData?: boolean;
	/** Per worker: its health check port, its task runner broker port, executions at once (default 10). */
	workers: Array<{ healthPort: number; brokerPort: number; concurrency?: number }>;
}

export interface QueueWorker {
	userFolder: string;
	logFile: string;
	/** The running process (replaced when the worker is started again). */
	process: N8nProcess;
}

export interface QueueStack {
	backend: QueueBackend;
	workers: QueueWorker[];
	/** Stops worker `index` (SIGTERM: n8n lets it finish its executions first). */
	stopWorker(index: number): Promise<void>;
	/** Starts worker `index` again (after it was stopped or killed); resolves when it is ready. */
	restartWorker(index: number, options?: { concurrency?: number }): Promise<N8nProcess>;
}

export interface RunningVendor {
	entry: VendorEntry;
	/** Undefined when the vendor uses a real account from the settings. */
	sandbox?: StartedSandbox<SandboxServer>;
	credential: CredentialSummary;
}

export interface ImportedExample extends Example {
	id: string;
}

export interface Stack {
	runtime: Runtime;
	n8n: N8nProcess;
	client: N8nClient;
	vendors: RunningVendor[];
	examples: ImportedExample[];
	/** Example files left out because a credential type they need is missing. */
	skippedExamples: Example[];
	control: ControlServer;
	/** Present when n8n runs in queue mode. */
	queue?: QueueStack;
	stop(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
	const root = repoRoot();
	const { settings, userFolder } = options;
	const stopper = options.stopper ?? new Stopper();
	const stop = () => stopper.stop();
	const aborted = () => {
		if (stopper.stopRequested) throw new Error('stopped while starting');
	};
	try {
		const runtime = await ensureRuntime(options.n8nVersion);
		aborted();
		const workerFolders = (options.queue?.workers ?? []).map((_, i) => join(options.queue!.dir, `worker-${i + 1}`));
		if (options.queue) await npmInstallPackage(await buildAndPack(root), [userFolder, ...workerFolders]);
		else await buildAndInstallPackage(root, userFolder);
		aborted();
		const backend = options.queue
			? await startQueueBackend({ dir: options.queue.dir, logDir: join(options.queue.dir, 'logs'), stopper, removeData: options.queue.removeData })
			: undefined;
		aborted();

		const started: Array<{ entry: VendorEntry; sandbox?: StartedSandbox<SandboxServer> }> = [];
		const shipped = shippedCredentialTypes(root);
		// The ports of the last start, so the credentials n8n holds stay right.
		const ports = previousPorts(userFolder);
		for (const entry of VENDORS) {
			if (!shipped.includes(entry.credentialType)) {
				info(`${entry.title}: left out, the package does not ship its nodes yet (package.json "n8n" lists no ${entry.credentialType})`);
				continue;
			}
			if (settings.accounts[entry.id]) {
				info(`${entry.title}: using the account from the settings (no sandbox)`);
				started.push({ entry });
				continue;
			}
			const sandbox = await step(`${entry.title}: starting the sandbox`, () => startKeptSandbox(entry, userFolder, ports[entry.id]));
			stopper.add(`the ${entry.title} sandbox`, () => sandbox.stop());
			info(`${entry.title} sandbox: ${sandbox.baseUrl}`);
			started.push({ entry, sandbox });
		}
		const withSandbox = started.filter((v): v is { entry: VendorEntry; sandbox: StartedSandbox<SandboxServer> } => !!v.sandbox);
		const control = await startControlServer(withSandbox);
		stopper.add('the control server', () => control.stop());
		writeLauncherFile(userFolder, {
			pid: process.pid,
			control: control.url,
			sandboxes: Object.fromEntries(withSandbox.map((v) => [v.entry.id, v.sandbox.baseUrl])),
		});
		aborted();

		const mode = backend ? ' in queue mode (main instance)' : '';
		const n8n = await step(`starting n8n${mode} on 127.0.0.1:${settings.port} (log: ${options.logFile})`, async () => {
			const server = startN8n({
				runtime,
				userFolder,
				port: settings.port,
				brokerPort: options.brokerPort,
				owner: settings.owner,
				logFile: options.logFile,
				env: backend?.env,
			});
			stopper.add('n8n', () => server.stop());
			await server.ready;
			return server;
		});
		const queue = backend ? await startWorkers(options.queue!, backend, workerFolders, { runtime, settings, n8n, stopper }) : undefined;
		const n8n1 = options.n8nVersion?.startsWith('1.') ?? false;
		const client = new N8nClient(n8n.url, runtime.n8nDir, n8n1);
		if (n8n1) await client.setUpOwner(settings.owner);
		await client.login(settings.owner.email, settings.owner.password);

		const vendors: RunningVendor[] = [];
		await step('credentials pointing at the sandboxes / configured accounts', async () => {
			for (const { entry, sandbox } of started) {
				const account = settings.accounts[entry.id];
				const credential = sandbox
					? await client.upsertCredential(`${entry.title} sandbox`, entry.credentialType, sandbox.credentialData)
					: await client.upsertCredential(`${entry.title} account`, account.credentialType ?? entry.credentialType, account.data);
				vendors.push({ entry, sandbox, credential });
			}
		});

		const { examples, skipped } = await step('example workflows', () => importExamples(client, root, vendors));
		return { runtime, n8n, client, vendors, examples, skippedExamples: skipped, control, queue, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

/** Starts the queue-mode workers (in parallel) once main is ready; stopped before main. */
async function startWorkers(
	options: QueueOptions,
	backend: QueueBackend,
	folders: string[],
	parts: { runtime: Runtime; settings: Settings; n8n: N8nProcess; stopper: Stopper },
): Promise<QueueStack> {
	const launch = async (index: number, concurrency?: number): Promise<N8nProcess> => {
		const ports = options.workers[index];
		const worker = startWorker({
			runtime: parts.runtime,
			backend,
			userFolder: folders[index],
			healthPort: ports.healthPort,
			brokerPort: ports.brokerPort,
			mainUrl: parts.n8n.url,
			owner: parts.settings.owner,
			logFile: join(options.dir, 'logs', `worker-${index + 1}.log`),
			concurrency: concurrency ?? ports.concurrency,
		});
		parts.stopper.add(`worker ${index + 1}`, () => worker.stop());
		await worker.ready;
		return worker;
	};
	const processes = await step(`starting ${options.workers.length} n8n workers (logs: ${join(options.dir, 'logs')})`, () =>
		Promise.all(options.workers.map((_, index) => launch(index))),
	);
	const workers = processes.map((process, index) => ({
		userFolder: folders[index],
		logFile: join(options.dir, 'logs', `worker-${index + 1}.log`),
		process,
	}));
	return {
		backend,
		workers,
		async stopWorker(index) {
			await workers[index].process.stop();
		},
		async restartWorker(index, restart = {}) {
			await workers[index].process.stop();
			workers[index].process = await launch(index, restart.concurrency);
			return workers[index].process;
		},
	};
}

/** Imports each example not yet in n8n (by name); a user's edits of an imported one are kept. */
async function importExamples(client: N8nClient, root: string, vendors: RunningVendor[]) {
	const byType = new Map(vendors.map((v) => [v.credential.type, v.credential]));
	const existing = new Map((await client.workflows()).map((w) => [w.name, w.id]));
	const examples: ImportedExample[] = [];
	const skipped: Example[] = [];
	for (const example of loadExamples(join(root, 'examples'))) {
		if (!example.credentialTypes.every((type) => byType.has(type))) {
			skipped.push(example);
			continue;
		}
		const id =
			existing.get(example.workflow.name) ?? (await client.createWorkflow(bindCredentials(example, byType))).id;
		examples.push({ ...example, id });
	}
	return { examples, skipped };
}
