#!/usr/bin/env node
// `npm run sandbox -- <service> <command>`: changes a task in a sandbox that `npm start` runs,
// as a user of the service would, so an active trigger fires without knowing the service's API.
// `npm run sandbox` alone prints the commands. It finds the running launcher through
// <n8n folder>/sandboxes/launcher.json (n8n folder: CRM_TASKS_N8N_FOLDER, default .cache/n8n).
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const userFolder = process.env.CRM_TASKS_N8N_FOLDER || join(root, '.cache', 'n8n');
const launcherFile = join(userFolder, 'sandboxes', 'launcher.json');
const notRunning = `the sandboxes are not running: start them with \`npm start\` (in another terminal) first`;

function fail(message) {
	process.stderr.write(`${message}\n`);
	process.exit(1);
}

async function main() {
	if (!existsSync(launcherFile)) fail(notRunning);
	const { control } = JSON.parse(readFileSync(launcherFile, 'utf8'));
	if (!control) fail(notRunning);
	let response;
	try {
		response = await fetch(`${control}/command`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ args: process.argv.slice(2) }),
		});
	} catch {
		fail(notRunning);
	}
	const body = await response.json();
	if (!response.ok) fail(body.error);
	process.stdout.write(`${body.output}\n`);
}

main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
