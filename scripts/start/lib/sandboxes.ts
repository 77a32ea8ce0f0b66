/**
 * The vendor sandboxes of `npm start`, with data that lasts: each sandbox's account (tasks,
 * users, id counters: the entry's `stateKeys`) is saved in `<n8n folder>/sandboxes/<vendor>.json`
 * whenever it changes and when it stops, and loaded on the next start instead of fresh demo
 * data, as a real account keeps its tasks while n8n is restarted. Active triggers then see no
 * change that did not happen. `npm start -- --reset` deletes the n8n folder, and with it this.
 *
 * `<n8n folder>/sandboxes/launcher.json` says where the running sandboxes and the launcher's
 * control server listen (for `npm run sandbox`), and which ports to ask for on the next start.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { SandboxServer } from '../../../test/sandbox/framework';
import type { StartedSandbox, VendorEntry } from '../vendors/types';
import { info } from './log';

/** How often a running sandbox's data is compared with what was saved last. */
const SAVE_EVERY_MS = 1000;

export interface LauncherFile {
	/** The launcher process (the one that runs n8n and the sandboxes). */
	pid: number;
	/** Its control server (`npm run sandbox` talks to it). */
	control?: string;
	/** Base URL of each running sandbox, by vendor id. */
	sandboxes: Record<string, string>;
}

export function sandboxesDir(userFolder: string): string {
	return join(userFolder, 'sandboxes');
}

export function launcherFile(userFolder: string): string {
	return join(sandboxesDir(userFolder), 'launcher.json');
}

export function readLauncherFile(userFolder: string): LauncherFile | undefined {
	const file = launcherFile(userFolder);
	if (!existsSync(file)) return undefined;
	return JSON.parse(readFileSync(file, 'utf8')) as LauncherFile;
}

export function writeLauncherFile(userFolder: string, content: LauncherFile): void {
	writeAtomically(launcherFile(userFolder), `${JSON.stringify(content, null, 2)}\n`);
}

/** A reader never sees half a file, even when the launcher is killed while writing. */
function writeAtomically(file: string, text: string): void {
	const temporary = `${file}.${process.pid}.tmp`;
	writeFileSync(temporary, text);
	renameSync(temporary, file);
}

/** The port each sandbox listened on in the previous start, by vendor id. */
export function previousPorts(userFolder: string): Record<string, number> {
	try {
		const urls = readLauncherFile(userFolder)?.sandboxes ?? {};
		return Object.fromEntries(Object.entries(urls).map(([id, url]) => [id, Number(new URL(url).port)]));
	} catch {
		return {};
	}
}

/** Listens on the previous start's port when it is free (credentials stay as they were), else on a free one. */
async function listen(sandbox: SandboxServer, port: number | undefined): Promise<string> {
	if (port !== undefined) {
		try {
			return await sandbox.start(port);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
		}
	}
	return await sandbox.start();
}

/**
 * Starts the vendor's sandbox with the data it had when it last stopped (or demo data the first
 * time) and keeps saving that data while it runs. It listens on `port` when that is free.
 */
export async function startKeptSandbox<S extends SandboxServer>(
	entry: VendorEntry<S>,
	userFolder: string,
	port?: number,
): Promise<StartedSandbox<S>> {
	const dir = sandboxesDir(userFolder);
	mkdirSync(dir, { recursive: true });
	const file = join(dir, `${entry.id}.json`);
	const sandbox = entry.createSandbox();
	let saved: string | undefined;
	if (existsSync(file)) {
		saved = readFileSync(file, 'utf8');
		try {
			sandbox.importState(saved, entry.stateKeys);
		} catch (error) {
			throw new Error(
				`${entry.title} sandbox: its saved data (${file}) cannot be loaded (${(error as Error).message}); ` +
					'delete that file to start it with fresh demo data, or `npm start -- --reset` to start all over',
			);
		}
	}
	const baseUrl = await listen(sandbox, port);
	if (saved === undefined) {
		entry.seedDemo(sandbox);
		info(`${entry.title} sandbox: demo data (kept in ${file})`);
	} else {
		info(`${entry.title} sandbox: the data of the last run (${file})`);
	}

	const save = () => {
		const state = sandbox.exportState(entry.stateKeys);
		if (state === saved) return;
		writeAtomically(file, state);
		saved = state;
	};
	save();
	const timer = setInterval(save, SAVE_EVERY_MS);
	timer.unref();
	let stopped = false;
	return {
		sandbox,
		baseUrl,
		credentialData: entry.credentialData(sandbox),
		async stop() {
			if (stopped) return;
			stopped = true;
			clearInterval(timer);
			save();
			await sandbox.stop();
		},
	};
}
