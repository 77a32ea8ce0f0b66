/** Progress messages of the launcher and the end-to-end setup: one line per step, with its time. */
export function info(message: string): void {
	process.stdout.write(`[crm-tasks] ${message}\n`);
}

/** Runs one named step and says when it is done (and how long it took). */
export async function step<T>(message: string, run: () => Promise<T> | T): Promise<T> {
	const started = Date.now();
	info(`${message} ...`);
	const result = await run();
	info(`${message}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	return result;
}
