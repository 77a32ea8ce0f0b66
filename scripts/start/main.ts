/**
 * `npm start`: n8n 2.41.1 on http://127.0.0.1:5678 with this package installed as a community
 * package, the vendor sandboxes with demo data, credentials and example workflows.
 * `npm start -- --reset` starts from an empty n8n (deletes .cache/n8n: workflows, credentials).
 * Environment: CRM_TASKS_SETTINGS (settings file), CRM_TASKS_N8N_FOLDER (n8n's folder instead of
 * .cache/n8n), CRM_TASKS_CACHE_DIR (where Node 24 and n8n are installed).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { info } from './lib/log';
import { killStartedN8n } from './lib/n8n';
import { repoRoot } from './lib/paths';
import { loadSettings } from './lib/settings';
import { startStack } from './lib/stack';

export async function main(args: string[]): Promise<void> {
	const started = Date.now();
	const root = repoRoot();
	const settings = loadSettings();
	info(settings.file ? `settings: ${settings.file}` : 'settings: defaults (copy scripts/start/settings.example.json to scripts/start/settings.json to change them)');
	const userFolder = process.env.CRM_TASKS_N8N_FOLDER ?? join(root, '.cache', 'n8n');
	if (args.includes('--reset')) {
		info(`--reset: deleting ${userFolder}`);
		rmSync(userFolder, { recursive: true, force: true });
	}

	// Ctrl-C while starting: end the n8n being started too (it runs in its own process group).
	const abortStart = () => {
		info('Ctrl-C: stopping ...');
		killStartedN8n();
		process.exit(130);
	};
	process.once('SIGINT', abortStart);
	const stack = await startStack({
		settings,
		userFolder,
		brokerPort: settings.port + 1,
		logFile: join(userFolder, 'n8n.log'),
	});

	let stopping = false;
	const shutdown = async (reason: string, code: number) => {
		if (stopping) return;
		stopping = true;
		info(`${reason}: stopping n8n and the sandboxes ...`);
		await stack.stop();
		info('stopped.');
		process.exit(code);
	};
	process.off('SIGINT', abortStart);
	process.on('SIGINT', () => void shutdown('Ctrl-C', 0));
	process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
	void stack.n8n.exited.then((code) => shutdown(`n8n exited (code ${code}, log ${stack.n8n.logFile})`, 1));

	const lines = [
		'',
		`n8n is ready in ${((Date.now() - started) / 1000).toFixed(0)} s: ${stack.n8n.url}`,
		`  log in as ${settings.owner.email} / ${settings.owner.password}`,
		...stack.vendors.map(
			(v) => `  ${v.entry.title}: credential "${v.credential.name}"${v.sandbox ? ` -> sandbox ${v.sandbox.baseUrl}` : ''}`,
		),
		`  example workflows: ${stack.examples.map((e) => e.workflow.name).join('; ') || 'none'}`,
		...(stack.skippedExamples.length
			? [`  not imported (a vendor is missing): ${stack.skippedExamples.map((e) => e.file).join(', ')}`]
			: []),
		'Press Ctrl-C to stop n8n and the sandboxes.',
	];
	process.stdout.write(`${lines.join('\n')}\n`);
}
