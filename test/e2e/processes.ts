/**
 * `npm start` as a user or a process supervisor runs it: a child process whose output is kept,
 * the process tree under it (read from /proc), and whether any of it is left after a stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

import { portInUse } from '../../scripts/start/lib/ports';

export interface Launched {
	child: ChildProcess;
	/** stdout and stderr so far, interleaved. */
	output(): string;
	stderr(): string;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function launch(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Launched {
	const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	let stderr = '';
	child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr!.on('data', (chunk: Buffer) => {
		output += chunk.toString();
		stderr += chunk.toString();
	});
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.once('exit', (code, signal) => resolve({ code, signal })),
	);
	return { child, output: () => output, stderr: () => stderr, exited };
}

/** Parent of every process now running (a process may end while it is read). */
function parents(): Map<number, number> {
	const map = new Map<number, number>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			map.set(Number(entry), ppid);
		} catch {
			// gone meanwhile
		}
	}
	return map;
}

/** The process and everything under it (n8n runs in a process group of its own, still under it). */
export function processTree(root: number): number[] {
	const byParent = parents();
	const tree = [root];
	for (let i = 0; i < tree.length; i++) {
		for (const [pid, ppid] of byParent) if (ppid === tree[i]) tree.push(pid);
	}
	return tree;
}

export function commandLine(pid: number): string {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
	} catch {
		return '';
	}
}

/** Running (not ended, not a zombie waiting to be reaped) processes among `pids`. */
export function stillRunning(pids: number[]): Array<{ pid: number; command: string }> {
	return pids
		.filter((pid) => {
			try {
				const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
				return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
			} catch {
				return false;
			}
		})
		.map((pid) => ({ pid, command: commandLine(pid) }));
}

/** Ports among `ports` that something still listens on. */
export async function portsInUse(ports: number[]): Promise<number[]> {
	const taken: number[] = [];
	for (const port of ports) if (await portInUse(port)) taken.push(port);
	return taken;
}
