/**
 * Settings of `npm start`: scripts/start/settings.json (git-ignored; copy settings.example.json),
 * or the file named by CRM_TASKS_SETTINGS. Everything is optional. A vendor listed under
 * `accounts` uses that real account instead of its sandbox. CRM_TASKS_PORT overrides `port`.
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

/** CRM_TASKS_PORT, when set. */
function portFromEnvironment(): number | undefined {
	const value = process.env.CRM_TASKS_PORT;
	if (value === undefined || value === '') return undefined;
	const port = Number(value);
	// n8n's task runner broker takes the next port.
	if (!Number.isInteger(port) || port < 1 || port > 65534) {
		throw new Error(`CRM_TASKS_PORT must be a port number from 1 to 65534 (it is "${value}")`);
	}
	return port;
}

export function loadSettings(file = settingsPath()): Settings & { file?: string } {
	const envPort = portFromEnvironment();
	if (!existsSync(file)) return { ...DEFAULT_SETTINGS, port: envPort ?? DEFAULT_SETTINGS.port };
	const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<Settings>;
	return {
		port: envPort ?? raw.port ?? DEFAULT_SETTINGS.port,
		owner: { ...DEFAULT_SETTINGS.owner, ...raw.owner },
		accounts: raw.accounts ?? {},
		file,
	};
}
