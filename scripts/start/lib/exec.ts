import { spawn, type SpawnOptions } from 'node:child_process';

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
		let output = '';
		const collect = (chunk: Buffer) => {
			const text = chunk.toString();
			output = (output + text).slice(-200_000);
			if (options.verbose) process.stdout.write(text);
		};
		child.stdout?.on('data', collect);
		child.stderr?.on('data', collect);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			if (code === 0) return resolve(output);
			const tail = output.trim().split('\n').slice(-25).join('\n');
			reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail}`));
		});
	});
}
