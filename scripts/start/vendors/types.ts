/**
 * One vendor's entry for `npm start` and the end-to-end tests: how to make its sandbox, fill it
 * with demo data and keep that data across starts, the n8n credential that points at it, the
 * changes `npm run sandbox` makes in it, and what its example workflows and its polling trigger
 * must produce. Adding a vendor = one file like amocrm.ts + a line in index.ts.
 */
import type { expect } from '@jest/globals';

import type { SandboxServer } from '../../../test/sandbox/framework';
import type { Execution } from '../lib/client';

/** Jest's `expect`, handed in by the end-to-end test (the launcher never runs the checks). */
export type Expect = typeof expect;

export interface StartedSandbox<S extends SandboxServer> {
	sandbox: S;
	/** Where it listens (loopback; the port of the previous start when it is free). */
	baseUrl: string;
	/** n8n credential data (of the entry's `credentialType`) that works against it. */
	credentialData: Record<string, unknown>;
	/** Saves its data (when it is kept) and stops it. */
	stop(): Promise<void>;
}

/** One task as `npm run sandbox` shows it. */
export interface TaskLine {
	id: string;
	title: string;
	status: string;
}

/**
 * What `npm run sandbox -- <vendor> <command>` does to a running sandbox: each change is made
 * as a user of the vendor's web app would make it (the task's change time moves to now), so an
 * active trigger reports it on its next poll.
 */
export interface SandboxCommands<S extends SandboxServer> {
	/** Open tasks, newest first. */
	list(sandbox: S): TaskLine[];
	create(sandbox: S, title: string): TaskLine;
	/**
	 * Changes the task: its title (its text, where the vendor has no title), or where tasks change
	 * through comments (Pyrus) a comment with that text.
	 */
	update(sandbox: S, id: string, text: string): TaskLine;
	/** Completes the task; `text` is its result / closing comment where the vendor keeps one. */
	complete(sandbox: S, id: string, text: string | undefined): TaskLine;
}

/** Checks one run of an example workflow. */
export type ExampleCheck<S extends SandboxServer> = (expect: Expect, execution: Execution, sandbox: S) => void;

export interface TriggerScenario<S extends SandboxServer> {
	/** Example workflow (file in examples/) whose polling trigger gets activated. */
	example: string;
	/** Makes one change in the sandbox that the trigger must report; returns the task's id. */
	change(sandbox: S): string;
	/** Checks the execution the change fired (exactly that task). */
	check(expect: Expect, execution: Execution, taskId: string, sandbox: S): void;
}

export interface VendorEntry<S extends SandboxServer = SandboxServer> {
	/** Key in the settings' `accounts` and in messages: 'amocrm'. */
	id: string;
	title: string;
	/** The n8n credential type the sandbox credential (and the examples) use. */
	credentialType: string;
	/** What a user types into the editor's node panel to find the nodes. */
	search: string;
	/** Display names of the action node and the trigger node. */
	nodeNames: { action: string; trigger: string };
	/** A new sandbox (not started, no data). */
	createSandbox(): S;
	/** Demo data for a sandbox started for the first time (or after `--reset`). */
	seedDemo(sandbox: S): void;
	/**
	 * The sandbox's properties that hold the account's data (tasks, users, id counters...):
	 * `npm start` saves them beside n8n's data and loads them on the next start.
	 */
	stateKeys: readonly string[];
	/** n8n credential data (of `credentialType`) that works against the started sandbox. */
	credentialData(sandbox: S): Record<string, unknown>;
	commands: SandboxCommands<S>;
	/** Example files (in examples/) this vendor's checks cover, with their checks. */
	examples: Record<string, ExampleCheck<S>>;
	trigger: TriggerScenario<S>;
}
