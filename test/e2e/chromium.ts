/** Debian's Chromium, installed with apt on first use (never a browser download from elsewhere). */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { chromium, type Browser } from 'playwright-core';

import { step } from '../../scripts/start/lib/log';

const CHROMIUM = '/usr/bin/chromium';

const FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-dev-shm-usage',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];

export async function ensureChromium(): Promise<string> {
	if (existsSync(CHROMIUM)) return CHROMIUM;
	await step('installing Chromium from Debian packages (apt-get install chromium)', () => {
		const apt = (...args: string[]) =>
			execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
		try {
			apt('install', '-y', '--no-install-recommends', 'chromium');
		} catch {
			apt('update');
			apt('install', '-y', '--no-install-recommends', 'chromium');
		}
	});
	return CHROMIUM;
}

export async function launchChromium(): Promise<Browser> {
	const executablePath = await ensureChromium();
	return await chromium.launch({ executablePath, headless: true, args: FLAGS });
}
