/**
 * `runWorkflow`: one execution through n8n-core's `WorkflowExecute`, as n8n runs a manual
 * execution.
 */
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionError,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	IRun,
	IRunData,
	IWorkflowBase,
	OnError,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow, createRunExecutionData, deepCopy } from 'n8n-workflow';

import { buildAdditionalData } from './additional-data';
import type { CredentialActivity, HarnessBaseOptions, HarnessNodeSpec } from './common';
import { DEFAULT_TIMEZONE, buildNode, plainStaticData } from './common';
import type { CredentialDataMap } from './credentials';
import { HarnessCredentialsHelper } from './credentials';
import { HarnessNodeTypes, ITEMS_NODE_TYPE, MANUAL_TRIGGER_TYPE } from './node-types';

export interface RunWorkflowOptions extends HarnessBaseOptions {
	/** Convenience form: the node under test, fed by `Manual Trigger → Input (input items)`. */
	node?: HarnessNodeSpec;
	/** Convenience form: the items the node under test receives (default `[{}]`). */
	input?: IDataObject[];
	/** Convenience form: `onError: 'continueRegularOutput'` on the node under test. */
	continueOnFail?: boolean;
	/** Convenience form: any `onError` setting (wins over `continueOnFail`). */
	onError?: OnError;

	/**
	 * Workflow-JSON form: nodes and connections. It must contain a node of type
	 * `n8n-nodes-base.manualTrigger` (the harness supplies that type).
	 */
	workflow?: { nodes: INode[]; connections: IConnections };
	/** Workflow-JSON form: node whose output is reported (default: the last node). */
	resultNode?: string;

	/** Workflow static data to start from (`$getWorkflowStaticData`). */
	staticData?: IDataObject;
	/** Execution mode; default `manual` (what the editor and `n8n execute` use). */
	mode?: WorkflowExecuteMode;
}

export interface RunWorkflowResult extends CredentialActivity {
	/** Main output 0 of the reported node, last run (`[]` when it produced nothing). */
	items: INodeExecutionData[];
	/** All main outputs of the reported node, last run. */
	outputs: INodeExecutionData[][];
	/** The reported node's error as stored in run data (a plain object for non-n8n errors). */
	error?: ExecutionError;
	/** The execution's own error (set when a node failed without continueOnFail). */
	executionError?: ExecutionError;
	status: IRun['status'];
	runData: IRunData;
	/** Workflow static data after the run, as plain JSON. */
	staticData: IDataObject;
	/** The whole run as n8n-core returned it. */
	run: IRun;
}

const INPUT_NODE = 'Input';
const TRIGGER_NODE = 'Manual Trigger';

function convenienceWorkflow(options: RunWorkflowOptions, credentials: CredentialDataMap) {
	const node = buildNode(options.node!, options.nodeTypes, credentials, [440, 0]);
	if (options.onError) node.onError = options.onError;
	else if (options.continueOnFail) node.onError = 'continueRegularOutput';
	const nodes: INode[] = [
		{
			id: 'node-trigger',
			name: TRIGGER_NODE,
			type: MANUAL_TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'node-input',
			name: INPUT_NODE,
			type: ITEMS_NODE_TYPE,
			typeVersion: 1,
			position: [220, 0],
			parameters: { items: JSON.stringify(options.input ?? [{}]) },
		},
		node,
	];
	const connections: IConnections = {
		[TRIGGER_NODE]: { main: [[{ node: INPUT_NODE, type: 'main', index: 0 }]] },
		[INPUT_NODE]: { main: [[{ node: node.name, type: 'main', index: 0 }]] },
	};
	return { nodes, connections, resultNode: node.name };
}

export async function runWorkflow(options: RunWorkflowOptions): Promise<RunWorkflowResult> {
	const credentials = options.credentials ?? {};
	const credentialsHelper = new HarnessCredentialsHelper(options.credentialTypes ?? {}, credentials);

	let nodes: INode[];
	let connections: IConnections;
	let resultNode: string;
	if (options.node) {
		({ nodes, connections, resultNode } = convenienceWorkflow(options, credentials));
	} else if (options.workflow) {
		// n8n-workflow's Workflow fills parameter defaults into the nodes in place: copy first.
		({ nodes, connections } = deepCopy(options.workflow));
		resultNode = options.resultNode ?? nodes[nodes.length - 1].name;
	} else {
		throw new Error('harness: runWorkflow needs `node` or `workflow`');
	}

	const settings = { timezone: options.timezone ?? DEFAULT_TIMEZONE, executionOrder: 'v1' as const };
	const workflowId = 'harness-workflow';
	const workflow = new Workflow({
		id: workflowId,
		name: 'Harness workflow',
		nodes,
		connections,
		active: false,
		nodeTypes: new HarnessNodeTypes(options.nodeTypes),
		staticData: options.staticData ? JSON.parse(JSON.stringify(options.staticData)) : undefined,
		settings,
	});

	const startNode = workflow.getStartNode();
	if (!startNode) throw new Error('harness: the workflow has no Manual Trigger to start from');

	const mode = options.mode ?? 'manual';
	const executionId = 'harness-execution';
	const workflowData = {
		id: workflowId,
		name: workflow.name,
		active: false,
		activeVersionId: null,
		isArchived: false,
		nodes,
		connections,
		settings,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as unknown as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	// n8n-core calls this hook last, with the full run (the CLI saves the execution here).
	const finished = new Promise<IRun>((resolve) =>
		hooks.addHandler('workflowExecuteAfter', (fullRunData) => resolve(fullRunData)),
	);

	const additionalData = buildAdditionalData({
		credentialsHelper,
		hooks,
		executionId,
		workflowId,
		workflowSettings: settings,
	});

	// What `WorkflowExecute.run()` would put on the stack: the trigger with one empty item.
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [[{ json: {} }]] }, source: null }],
		},
	});
	const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
	await workflowExecute.processRunExecutionData(workflow);
	const run = await finished;

	const { runData } = run.data.resultData;
	const taskData = runData[resultNode]?.at(-1);
	const outputs = taskData?.data?.main?.map((output) => output ?? []) ?? [];
	return {
		items: outputs[0] ?? [],
		outputs,
		error: taskData?.error,
		executionError: run.data.resultData.error,
		status: run.status,
		runData,
		staticData: plainStaticData(workflow.staticData),
		run,
		credentials,
		preAuthenticationCalls: credentialsHelper.preAuthenticationCalls,
		credentialUpdates: credentialsHelper.updates,
	};
}
