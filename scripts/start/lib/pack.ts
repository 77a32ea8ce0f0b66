/**
 * Builds the package and installs it into n8n the way a user's n8n installs a community
 * package: the `npm pack` tarball (only the files package.json publishes) unpacked into
 * `<N8N_USER_FOLDER>/.n8n/nodes/node_modules/n8n-nodes-crm-tasks`. Node types then carry the
 * package name as prefix (`n8n-nodes-crm-tasks.amoCrm`).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { run } from './exec';
import { info, step } from './log';

export const PACKAGE_NAME = 'n8n-nodes-crm-tasks';

/**
 * Credential types the package ships, from its package.json `n8n.credentials` list
 * (`dist/credentials/AmoCrmApi.credentials.js` -> `amoCrmApi`, n8n's naming convention).
 */
export function shippedCredentialTypes(repoRoot: string): string[] {
	const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { n8n?: { credentials?: string[] } };
	return (manifest.n8n?.credentials ?? []).map((file) => {
		const className = basename(file).replace(/\.credentials\.js$/, '');
		return className.charAt(0).toLowerCase() + className.slice(1);
	});
}

/** Builds the package (unless CRM_TASKS_NO_BUILD=1) and packs it; returns the tarball's path. */
export async function buildAndPack(repoRoot: string): Promise<string> {
	if (process.env.CRM_TASKS_NO_BUILD === '1') {
		// For working on the launcher while the sources do not compile: the dist/ already there.
		if (!existsSync(join(repoRoot, 'dist'))) throw new Error('CRM_TASKS_NO_BUILD=1 but there is no dist/: run npm run build');
		info('CRM_TASKS_NO_BUILD=1: packing the existing dist/ without building');
	} else {
		await step('building the package (npm run build)', () => run('npm', ['run', 'build'], { cwd: repoRoot }));
	}
	const packDir = join(repoRoot, '.cache', 'start', 'pack');
	rmSync(packDir, { recursive: true, force: true });
	mkdirSync(packDir, { recursive: true });
	const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
	await run('npm', ['pack', '--pack-destination', packDir], { cwd: repoRoot });
	return join(packDir, `${PACKAGE_NAME}-${version}.tgz`);
}

export async function buildAndInstallPackage(repoRoot: string, userFolder: string): Promise<void> {
	const tarball = await buildAndPack(repoRoot);
	const packDir = dirname(tarball);
	await step(`installing it into n8n as the community package ${PACKAGE_NAME}`, async () => {
		await run('tar', ['-xzf', tarball, '-C', packDir]);
		const target = join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
		rmSync(target, { recursive: true, force: true });
		mkdirSync(join(target, '..'), { recursive: true });
		renameSync(join(packDir, 'package'), target);
	});
}

/**
 * Installs the packed tarball into each n8n folder exactly as README tells users (queue mode:
 * main and every worker): `npm install --omit=peer <tarball>` in `<folder>/.n8n/nodes`.
 */
export async function npmInstallPackage(tarball: string, userFolders: string[]): Promise<void> {
	await step(`npm install --omit=peer ${basename(tarball)} into ${userFolders.length} n8n folders`, async () => {
		await Promise.all(
			userFolders.map(async (folder) => {
				// The folder holds only this package here: a fresh install each start (the tarball at the
				// same path changes with every build, which a kept lockfile would refuse).
				const nodes = join(folder, '.n8n', 'nodes');
				rmSync(nodes, { recursive: true, force: true });
				mkdirSync(nodes, { recursive: true });
				// The manifest n8n itself keeps there; without one, npm would install into the
				// nearest folder above that has one (this checkout).
				writeFileSync(join(nodes, 'package.json'), `${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2)}\n`);
				await run('npm', ['install', '--omit=peer', '--no-audit', '--no-fund', tarball], {
					cwd: nodes,
					env: withoutNpmConfig(process.env),
				});
			}),
		);
	});
}

/** npm's own settings for this project (`ignore-scripts`, its prefix) must not steer an install elsewhere. */
function withoutNpmConfig(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	return Object.fromEntries(Object.entries(env).filter(([key]) => !/^npm_/i.test(key)));
}
