/**
 * `runPoll`: one poll of a polling trigger through a real n8n-core `PollContext`.
 *
 * - `mode: 'trigger'` is an active workflow's scheduled poll. It runs through n8n-core's own
 *   `PollTriggerExecutor` (the code the CLI's poll jobs call) inside a staging scope, as
 *   n8n 2.41 does for durable poll cursors: the trigger's node static data is a snapshot
 *   for the duration of the poll; the snapshot is committed when the hand-off succeeds
 *   (items were emitted and the execution was created, or `null` was returned and the
 *   cursor committed); a poll that throws, or whose hand-off fails, leaves the stored
 *   static data as it was, so the next poll repeats the same window. Errors go to
 *   `__emitError` and are returned as `error`. Global static data
 *   (`getWorkflowStaticData('global')`) is not staged: it is the workflow's own object.
 *   On n8n 1.x (no `PollTriggerExecutor`, see engine.ts) the poll runs as 1.x's
 *   `ActiveWorkflows.activatePolling` runs it, on the workflow's own static data: what the
 *   poll wrote is kept whatever happens next, `committed` then says whether it changed.
 * - `activationPoll` makes it the poll n8n runs while activating the workflow (a "testing" poll,
 *   whose errors fail the activation): its node static data kept (n8n 1.x, 2.x without durable
 *   poll cursors) or discarded (2.x with durable cursors; an error on 1.x).
 * - `mode: 'manual'` is the editor's "test step" / manual run: n8n-core's `WorkflowExecute`
 *   builds a `PollContext` with activation `manual` and calls `poll()` directly; errors
 *   are thrown to the caller. n8n never saves static data after a manual execution, so the
 *   returned `staticData` is the one given (`pollStaticData` shows what the poll wrote).
 *
 * Chain polls by passing the returned `staticData` to the next call.
 */
import { Container } from '@n8n/di';
import { PollContext, PollTriggerExecutor } from 'n8n-core';
import type {
	ExecutionError,
	IDataObject,
	INode,
	INodeExecutionData,
	IPollFunctions,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { buildAdditionalData } from './additional-data';
import type { CredentialActivity, HarnessBaseOptions, HarnessNodeSpec } from './common';
import { DEFAULT_TIMEZONE, buildNode, plainStaticData } from './common';
import { HarnessCredentialsHelper } from './credentials';
import { engineHas } from './engine';
import { HarnessNodeTypes } from './node-types';

export interface RunPollOptions extends HarnessBaseOptions {
	/** The polling trigger node. */
	node: HarnessNodeSpec;
	/** `trigger` (active workflow, default) or `manual` (editor test run). */
	mode?: 'trigger' | 'manual';
	/** Workflow static data to start from (the `staticData` a previous poll returned). */
	staticData?: IDataObject;
	/** `getActivationMode()`; default `manual` in manual mode, else `update` (as the CLI's poll jobs). */
	activation?: WorkflowActivateMode;
	/** What `this.getPollBudgetMs()` returns; default n8n-core's 5 minutes (2.x only: an error on 1.x). */
	pollBudgetMs?: number;
	/** Trigger mode: simulate a failed hand-off (the execution could not be created). */
	failHandOff?: boolean;
	/**
	 * Trigger mode: this is the poll n8n makes when it activates the workflow (n8n-core's
	 * `executePollTrigger(true)`, a "testing" poll; errors fail the activation). What it wrote
	 * into the node static data is `'kept'` by n8n 1.x and by 2.x without durable poll cursors
	 * (the node's static data is then the workflow's own object, saved after activation), and
	 * `'discarded'` by 2.x with durable poll cursors (a testing poll's staged cursor is never
	 * committed). Global static data is kept either way: n8n saves it after activating.
	 */
	activationPoll?: 'kept' | 'discarded';
}

export interface RunPollResult extends CredentialActivity {
	/** What `poll()` returned (`null`: nothing new). */
	items: INodeExecutionData[][] | null;
	/** Workflow static data as n8n would have stored it after this poll (plain JSON). */
	staticData: IDataObject;
	/** Static data as the poll left it, committed or not. */
	pollStaticData: IDataObject;
	/** Trigger mode: the error the poll reported through `__emitError`. */
	error?: ExecutionError | Error;
	/** Trigger mode: whether a changed node static data (cursor) was committed. */
	committed: boolean;
}

export async function runPoll(options: RunPollOptions): Promise<RunPollResult> {
	const credentials = options.credentials ?? {};
	const credentialsHelper = new HarnessCredentialsHelper(options.credentialTypes ?? {}, credentials);
	const node = buildNode(options.node, options.nodeTypes, credentials, [0, 0]);
	const mode = options.mode ?? 'trigger';
	const settings = { timezone: options.timezone ?? DEFAULT_TIMEZONE, executionOrder: 'v1' as const };
	const startStaticData = JSON.parse(JSON.stringify(options.staticData ?? {})) as IDataObject;

	const workflow = new Workflow({
		id: 'harness-workflow',
		name: 'Harness workflow',
		nodes: [node],
		connections: {},
		active: mode === 'trigger',
		nodeTypes: new HarnessNodeTypes(options.nodeTypes),
		staticData: JSON.parse(JSON.stringify(startStaticData)),
		settings,
	});
	const additionalData = buildAdditionalData({
		credentialsHelper,
		workflowId: workflow.id,
		workflowSettings: settings,
	});
	if (options.pollBudgetMs !== undefined && !engineHas('pollBudget')) {
		throw new Error('harness: this n8n gives a poll no time budget (getPollBudgetMs is n8n 2.x only)');
	}
	const budget = options.pollBudgetMs === undefined ? undefined : () => options.pollBudgetMs!;
	const activity = {
		credentials,
		preAuthenticationCalls: credentialsHelper.preAuthenticationCalls,
		credentialUpdates: credentialsHelper.updates,
	};

	if (mode === 'manual') {
		// As WorkflowExecute.executePollNode does in manual mode.
		const context = new PollContext(
			workflow,
			node,
			additionalData,
			'manual',
			options.activation ?? 'manual',
			undefined,
			undefined,
			undefined,
			undefined,
			undefined,
			budget,
		);
		const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		if (!nodeType.poll) throw new Error(`harness: node type "${node.type}" has no poll()`);
		const items = await nodeType.poll.call(context);
		return {
			items,
			staticData: startStaticData,
			pollStaticData: plainStaticData(workflow.staticData),
			committed: false,
			...activity,
		};
	}

	if (!engineHas('stagedPollCursor')) return await runPollOnN8n1(workflow, node, additionalData, options, activity);

	// Trigger mode: the staging scope the CLI gives a poll with a durable cursor.
	const nodeKey = `node:${node.name}`;
	let staged: IDataObject | undefined;
	let seed = '';
	let committed = false;
	let emitted: INodeExecutionData[][] | null = null;
	let error: ExecutionError | Error | undefined;
	// Like the CLI's takeStagedCursor: only a snapshot that changed since it was seeded is written.
	const commit = () => {
		if (staged === undefined || JSON.stringify(staged) === seed) return;
		workflow.staticData[nodeKey] = JSON.parse(JSON.stringify(staged)) as IDataObject;
		committed = true;
	};
	const context = new PollContext(
		workflow,
		node,
		additionalData,
		'trigger',
		options.activation ?? 'update',
		// __emit: the items are handed to a new execution; its creation commits the cursor.
		(data) => {
			emitted = data;
			if (!options.failHandOff) commit();
		},
		// __emitError: the CLI records a failed execution (or runs the error workflow).
		(pollError) => {
			error = pollError;
		},
		// __commitCursor: a poll that returned null commits its cursor alone.
		async () => {
			if (options.failHandOff) throw new Error('harness: simulated cursor commit failure');
			commit();
		},
		// __runPoll: each poll works on a copy of the stored node static data.
		async (poll) => {
			seed = JSON.stringify(workflow.staticData[nodeKey] ?? {});
			staged = JSON.parse(seed) as IDataObject;
			return await poll();
		},
		() => {
			if (staged === undefined) throw new Error('harness: static data read outside a poll');
			return staged;
		},
		budget,
	);

	const executor = Container.get(PollTriggerExecutor);
	const activation = options.activationPoll !== undefined;
	try {
		await executor.create(workflow, node, context as IPollFunctions, () => true)(activation);
	} catch (activationError) {
		// Only an activation poll throws: n8n fails the activation with its error.
		error = activationError as Error;
	}
	if (options.activationPoll === 'kept') commit();

	return {
		items: emitted,
		staticData: plainStaticData(workflow.staticData),
		pollStaticData: { ...plainStaticData(workflow.staticData), [nodeKey]: staged ?? {} },
		error,
		committed,
		...activity,
	};
}

/**
 * Trigger mode on n8n 1.x, step by step as n8n-core 1.x's `ActiveWorkflows.activatePolling`
 * (its `executeTrigger`) and the CLI's `getExecutePollFunctions` do it: n8n 1.x's
 * `PollContext` (no cursor hooks, no budget) on the workflow's own static data; items go to
 * `__emit` (the CLI saves the static data, then creates the execution), errors of a scheduled
 * poll to `__emitError`, errors of the activation poll fail the activation.
 */
async function runPollOnN8n1(
	workflow: Workflow,
	node: INode,
	additionalData: IWorkflowExecuteAdditionalData,
	options: RunPollOptions,
	activity: CredentialActivity,
): Promise<RunPollResult> {
	if (options.activationPoll === 'discarded') {
		throw new Error("harness: n8n 1.x keeps what the activation poll wrote ('discarded' is 2.x with durable poll cursors)");
	}
	const nodeKey = `node:${node.name}`;
	const seed = JSON.stringify(workflow.staticData[nodeKey] ?? {});
	let emitted: INodeExecutionData[][] | null = null;
	let error: ExecutionError | Error | undefined;
	const context = new PollContext(
		workflow,
		node,
		additionalData,
		'trigger',
		options.activation ?? 'update',
		// __emit: the static data is saved before the execution is created, so a failed hand-off
		// (`failHandOff`) loses the items and keeps the cursor.
		(data) => {
			emitted = data;
		},
		(pollError) => {
			error = pollError;
		},
	);
	const testingTrigger = options.activationPoll !== undefined;
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (!nodeType.poll) throw new Error(`harness: node type "${node.type}" has no poll()`);
	let ownsIsolate = false;
	try {
		if (!testingTrigger) ownsIsolate = await workflow.expression.acquireIsolate();
		const pollResponse = await nodeType.poll.call(context);
		if (pollResponse !== null) context.__emit(pollResponse);
	} catch (pollError) {
		// The activation poll's error fails the activation; a scheduled poll's goes to __emitError.
		if (testingTrigger) error = pollError as Error;
		else context.__emitError(pollError as ExecutionError);
	} finally {
		if (ownsIsolate) await workflow.expression.releaseIsolate();
	}
	const staticData = plainStaticData(workflow.staticData);
	return {
		items: emitted,
		staticData,
		pollStaticData: staticData,
		error,
		committed: JSON.stringify(staticData[nodeKey] ?? {}) !== seed,
		...activity,
	};
}
