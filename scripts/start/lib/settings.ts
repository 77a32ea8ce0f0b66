/**
 * Settings of `npm start`: scripts/start/settings.json (git-ignored; copy settings.example.json),
 * or the file named by CRM_TASKS_SETTINGS. Everything is optional. A vendor listed under
 * `accounts` uses that real account instead of its sandbox.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Owner } from './n8n';
import { repoRoot } from './paths';

export interface AccountSettings {
	/** n8n credential type; default: the one the vendor's sandbox credential uses. */
	credentialType?: string;
	/** The credential's fields, as in n8n's credential form (property names). */
	data: Record<string, unknown>;
}

export interface Settings {
	port: number;
	owner: Owner;
	accounts: Record<string, AccountSettings>;
}

export const DEFAULT_SETTINGS: Settings = {
	port: 5678,
	owner: { email: 'owner@example.com', password: 'CrmTasks-demo-1', firstName: 'Demo', lastName: 'Owner' },
	accounts: {},
};

export function settingsPath(): string {
	return process.env.CRM_TASKS_SETTINGS ?? join(repoRoot(), 'scripts', 'start', 'settings.json');
}

export function loadSettings(file = settingsPath()): Settings & { file?: string } {
	if (!existsSync(file)) return { ...DEFAULT_SETTINGS };
	const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<Settings>;
	return {
		port: raw.port ?? DEFAULT_SETTINGS.port,
		owner: { ...DEFAULT_SETTINGS.owner, ...raw.owner },
		accounts: raw.accounts ?? {},
		file,
	};
}
