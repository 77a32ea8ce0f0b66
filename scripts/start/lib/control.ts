/**
 * The launcher's control server (loopback, a free port, written to launcher.json): how
 * `npm run sandbox -- <vendor> <command>` changes a task in a running sandbox without knowing
 * the vendor's API, and how the end-to-end tests see the sandboxes' traffic.
 *
 *   POST /command {"args": ["amocrm", "complete", "12"]}  -> 200 {"output": "..."} | 400 {"error": "..."}
 *   GET  /status  -> {"vendors": {"amocrm": {"baseUrl", "requests", "lastRequestAt"}}} (requests so far; epoch ms)
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { SandboxServer } from '../../../test/sandbox/framework';
import type { StartedSandbox, TaskLine, VendorEntry } from '../vendors/types';

export interface ControlledVendor {
	entry: VendorEntry;
	sandbox: StartedSandbox<SandboxServer>;
}

export const USAGE = [
	'usage: npm run sandbox -- <service> <command>',
	'  <service>  amocrm | moysklad | pyrus | bitrix24',
	'  list                         open tasks, newest first',
	'  create "<title>"             a new task (fires Task Created)',
	'  update <id> "<text>"         new title, or a comment in Pyrus (fires Task Updated)',
	'  complete <id> ["<result>"]   completes the task (fires Task Completed)',
	'An active trigger reports the change on its next poll (n8n polls once a minute).',
].join('\n');

class CommandError extends Error {}

function describe(task: TaskLine): string {
	return `${task.id}  ${task.title}  (${task.status})`;
}

/** Runs one `npm run sandbox` command; returns what to print. */
export function runCommand(vendors: ControlledVendor[], args: string[]): string {
	const [service, command, ...rest] = args;
	if (!service || !command) throw new CommandError(USAGE);
	const vendor = vendors.find((v) => v.entry.id === service.toLowerCase());
	if (!vendor) {
		const running = vendors.map((v) => v.entry.id).join(', ') || 'none';
		throw new CommandError(`no sandbox "${service}" is running (running: ${running}; a service with a real account in the settings has none)`);
	}
	const { entry } = vendor;
	const sandbox = vendor.sandbox.sandbox;
	const commands = entry.commands;
	const name = `${entry.title} sandbox`;
	const needId = () => {
		const id = rest[0];
		if (!id) throw new CommandError(`${command} needs a task id (npm run sandbox -- ${entry.id} list shows them)\n${USAGE}`);
		return id;
	};
	const needText = (value: string | undefined, what: string) => {
		if (!value?.trim()) throw new CommandError(`${command} needs ${what}\n${USAGE}`);
		return value.trim();
	};
	const changed = (task: TaskLine, what: string) =>
		`${name}: ${what} task ${describe(task)}\nAn active ${entry.nodeNames.trigger} reports it on its next poll (n8n polls once a minute).`;

	try {
		switch (command) {
			case 'list': {
				const open = commands.list(sandbox);
				return [`${name}: ${open.length} open tasks`, ...open.map((t) => `  ${describe(t)}`)].join('\n');
			}
			case 'create':
				return changed(commands.create(sandbox, needText(rest.join(' '), 'a title')), 'created');
			case 'update': {
				const id = needId();
				return changed(commands.update(sandbox, id, needText(rest.slice(1).join(' '), 'the new text')), 'updated');
			}
			case 'complete': {
				const id = needId();
				if (!commands.list(sandbox).some((t) => t.id === id)) {
					throw new CommandError(`${name}: no open task ${id} (npm run sandbox -- ${entry.id} list shows the open ones)`);
				}
				return changed(commands.complete(sandbox, id, rest.slice(1).join(' ').trim() || undefined), 'completed');
			}
			default:
				throw new CommandError(`unknown command "${command}"\n${USAGE}`);
		}
	} catch (error) {
		if (error instanceof CommandError) throw error;
		// The sandboxes' own "no task 12" and the like.
		throw new CommandError((error as Error).message);
	}
}

export interface ControlServer {
	url: string;
	stop(): Promise<void>;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

export async function startControlServer(vendors: ControlledVendor[]): Promise<ControlServer> {
	const server = http.createServer((req, res) => {
		const answer = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		void (async () => {
			if (req.method === 'GET' && req.url === '/status') {
				const status = Object.fromEntries(
					vendors.map((v) => {
						const log = v.sandbox.sandbox.requests;
						return [v.entry.id, { baseUrl: v.sandbox.baseUrl, requests: log.length, lastRequestAt: log.at(-1)?.at ?? null }];
					}),
				);
				return answer(200, { vendors: status });
			}
			if (req.method === 'POST' && req.url === '/command') {
				let args: unknown;
				try {
					args = (JSON.parse(await readBody(req)) as { args?: unknown }).args;
				} catch {
					return answer(400, { error: 'the body must be JSON: {"args": [...]}' });
				}
				if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
					return answer(400, { error: '"args" must be a list of strings' });
				}
				try {
					return answer(200, { output: runCommand(vendors, args) });
				} catch (error) {
					return answer(400, { error: (error as Error).message });
				}
			}
			answer(404, { error: 'POST /command or GET /status' });
		})().catch((error: unknown) => answer(500, { error: String(error) }));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		stop: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
