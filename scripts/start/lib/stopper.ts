/**
 * What the launcher has started and must stop, stopped in the reverse order of starting: n8n
 * (which may still be running an execution against a sandbox) before the sandboxes, each
 * sandbox saving its data as it stops. A part that starts after a stop was asked for is
 * stopped at once, so a signal in the middle of starting leaves nothing behind.
 */
import { info } from './log';

export class Stopper {
	private readonly parts: Array<{ name: string; stop: () => Promise<void> }> = [];
	private stopping: Promise<void> | undefined;

	get stopRequested(): boolean {
		return this.stopping !== undefined;
	}

	add(name: string, stop: () => Promise<void>): void {
		if (this.stopping) {
			stop().catch((error: unknown) => info(`stopping ${name} failed: ${String(error)}`));
			return;
		}
		this.parts.push({ name, stop });
	}

	/** Stops everything added (once; later calls wait for the same stop). */
	stop(): Promise<void> {
		this.stopping ??= (async () => {
			for (const part of this.parts.splice(0).reverse()) {
				try {
					await part.stop();
				} catch (error) {
					info(`stopping ${part.name} failed: ${error instanceof Error ? error.message : String(error)}`);
				}
			}
		})();
		return this.stopping;
	}
}
