/**
 * Builds the package and installs it into n8n the way a user's n8n installs a community
 * package: the `npm pack` tarball (only the files package.json publishes) unpacked into
 * `<N8N_USER_FOLDER>/.n8n/nodes/node_modules/n8n-nodes-crm-tasks`. Node types then carry the
 * package name as prefix (`n8n-nodes-crm-tasks.amoCrm`).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';

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

export async function buildAndInstallPackage(repoRoot: string, userFolder: string): Promise<void> {
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
	await step(`installing it into n8n as the community package ${PACKAGE_NAME}`, async () => {
		const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
		await run('npm', ['pack', '--pack-destination', packDir], { cwd: repoRoot });
		await run('tar', ['-xzf', join(packDir, `${PACKAGE_NAME}-${version}.tgz`), '-C', packDir]);
		const target = join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
		rmSync(target, { recursive: true, force: true });
		mkdirSync(join(target, '..'), { recursive: true });
		renameSync(join(packDir, 'package'), target);
	});
}
