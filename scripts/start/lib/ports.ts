/** Whether the ports n8n needs are free, checked before anything is installed or started. */
import { createServer } from 'node:net';

export interface NeededPort {
	port: number;
	/** What listens there: "n8n (editor and API)". */
	use: string;
}

/** True when something on this machine listens on 127.0.0.1:`port` (or on every address). */
export async function portInUse(port: number): Promise<boolean> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', (error: NodeJS.ErrnoException) => {
			if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(true);
			else reject(error);
		});
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
	});
}

/** The first of `ports` that is taken, or undefined when all are free. */
export async function firstTaken(ports: NeededPort[]): Promise<NeededPort | undefined> {
	for (const needed of ports) if (await portInUse(needed.port)) return needed;
	return undefined;
}

/** The lowest port above `from` such that it and the next one are free (n8n + its broker). */
export async function freePair(from: number): Promise<number | undefined> {
	for (let port = from + 1; port < Math.min(from + 200, 65535); port++) {
		if (!(await portInUse(port)) && !(await portInUse(port + 1))) return port;
	}
	return undefined;
}

/** A port the system gives out as free now. */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}
