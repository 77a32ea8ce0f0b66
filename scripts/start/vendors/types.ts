/**
 * One vendor's entry for `npm start` and the end-to-end tests: how to start its sandbox with
 * demo data, the n8n credential that points at it, and what its example workflows and its
 * polling trigger must produce. Adding a vendor = one file like amocrm.ts + a line in index.ts.
 */
import type { expect } from '@jest/globals';

import type { SandboxServer } from '../../../test/sandbox/framework';
import type { Execution } from '../lib/client';

/** Jest's `expect`, handed in by the end-to-end test (the launcher never runs the checks). */
export type Expect = typeof expect;

export interface StartedSandbox<S extends SandboxServer> {
	sandbox: S;
	/** Where it listens (loopback, a free port). */
	baseUrl: string;
	/** n8n credential data (of the entry's `credentialType`) that works against it. */
	credentialData: Record<string, unknown>;
	stop(): Promise<void>;
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
	startSandbox(): Promise<StartedSandbox<S>>;
	/** Example files (in examples/) this vendor's checks cover, with their checks. */
	examples: Record<string, ExampleCheck<S>>;
	trigger: TriggerScenario<S>;
}
