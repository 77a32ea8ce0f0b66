import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The checkout this code belongs to (works from the sources and from the compiled copy). */
export function repoRoot(): string {
	for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
		const manifest = join(dir, 'package.json');
		if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'n8n-nodes-crm-tasks') {
			return dir;
		}
	}
	throw new Error(`no n8n-nodes-crm-tasks checkout above ${__dirname}`);
}
