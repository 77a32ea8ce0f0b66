import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** Commands running now (installs, the build), so a stop can end them too. */
const running = new Set<ChildProcess>();

/** Ends every command `run` has going (the launcher was told to stop while installing or building). */
export function stopRunningCommands(): void {
	for (const child of running) child.kill('SIGTERM');
}

/**
 * Runs a command to completion. Its output goes to the terminal only when `verbose` is set
 * (installs are long and loud); on failure the last lines are shown with the error.
 */
export async function run(
	command: string,
	args: string[],
	options: SpawnOptions & { verbose?: boolean } = {},
): Promise<string> {
	return await new Promise<string>((resolve, reject) => {
		const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
		running.add(child);
		let output = '';
		const collect = (chunk: Buffer) => {
			const text = chunk.toString();
			output = (output + text).slice(-200_000);
			if (options.verbose) process.stdout.write(text);
		};
		child.stdout?.on('data', collect);
		child.stderr?.on('data', collect);
		child.on('error', (error) => {
			running.delete(child);
			reject(error);
		});
		child.on('close', (code, signal) => {
			running.delete(child);
			if (code === 0) return resolve(output);
			const tail = output.trim().split('\n').slice(-25).join('\n');
			reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail}`));
		});
	});
}
