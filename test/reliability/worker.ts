/**
 * One queue-mode worker of test/reliability/workers.test.ts, run as its own OS process:
 * `node -r ./scripts/ts-register.js test/reliability/worker.ts '<jobs JSON>'`.
 * Per job (one per vendor, each against that vendor's sandbox in the parent) it runs a bulk
 * job through the node (n8n-core's engine, real HTTP): creates the tasks in one execution,
 * then gets each of them by id in another. It prints `READY` once loaded, starts all jobs at
 * once when a line arrives on stdin (so the workers overlap), and ends with one
 * `RESULT {...}` line: what every item came back with, per job.
 */
import '../setup-env';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { setTimeScale } from '../../nodes/shared/transport/clock';
import { runWorkflow } from '../harness';
import type { CredentialDataMap, RunWorkflowResult } from '../harness';
import { type VendorKey, vendor } from './vendors';

export interface WorkerJob {
	vendor: VendorKey;
	timeScale: number;
	credentials: CredentialDataMap;
	createParameters: INodeParameters;
	/** Texts of the tasks to create, unique across workers. */
	texts: string[];
}

/** Per item: the task id it came back with, or its error. */
export interface ItemOutcome {
	id?: string;
	error?: string;
}

export interface WorkerResult {
	created: ItemOutcome[];
	read: ItemOutcome[];
}

async function runJob(job: WorkerJob): Promise<WorkerResult> {
	const adapter = vendor(job.vendor);
	const run = async (parameters: INodeParameters, input: IDataObject[]): Promise<RunWorkflowResult> =>
		await runWorkflow({
			nodeTypes: adapter.nodeTypes,
			credentialTypes: adapter.credentialTypes,
			credentials: job.credentials,
			node: { type: adapter.nodeType, parameters },
			input,
			continueOnFail: true,
		});
	const outcome = (result: RunWorkflowResult): ItemOutcome[] => {
		if (result.error) throw new Error(`the execution failed: ${result.error.message}`);
		return result.items.map((item) =>
			item.json.error === undefined
				? { id: adapter.outputId(item.json) }
				: { error: `${String(item.json.error)} ${String(item.json.description ?? '')}` },
		);
	};

	const created = outcome(await run(job.createParameters, job.texts.map((text) => ({ text }))));
	const ids = created.filter((item) => item.id !== undefined).map((item) => ({ id: item.id }));
	const read = outcome(
		await run({ resource: 'task', operation: 'get', taskId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } }, ids),
	);
	return { created, read };
}

async function main(jobs: WorkerJob[]): Promise<WorkerResult[]> {
	setTimeScale(jobs[0].timeScale);
	process.stdout.write('READY\n');
	await new Promise((resolve) => process.stdin.once('data', resolve));
	return await Promise.all(jobs.map(runJob));
}

main(JSON.parse(process.argv[2]) as WorkerJob[]).then(
	(results) => {
		process.stdout.write(`RESULT ${JSON.stringify(results)}\n`);
		process.exit(0);
	},
	(error: unknown) => {
		process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
		process.exit(1);
	},
);
