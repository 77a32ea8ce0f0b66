/**
 * The `IWorkflowExecuteAdditionalData` n8n-core needs to run nodes. n8n's CLI builds it
 * with `WorkflowExecuteAdditionalData.getBase()`; here only what a community node's
 * execution can reach is real: the credentials helper, the lifecycle hooks, URLs and
 * `$vars` for expressions. Everything that would start another workflow, agent or task
 * runner throws, so a node that reaches it fails loudly instead of hanging.
 */
import type { ExecutionLifecycleHooks } from 'n8n-core';
import { ExternalSecretsProxy } from 'n8n-core';
import type { ICredentialsHelper, IWorkflowExecuteAdditionalData, IWorkflowSettings } from 'n8n-workflow';

// n8n-core reports every failed node through its Logger (winston, straight to stdout).
// Quiet unless asked for: `N8N_LOG_LEVEL=debug npx jest ...` shows n8n's own logs.
process.env.N8N_LOG_LEVEL ??= 'silent';

const unsupported = (what: string) => () => {
	throw new Error(`harness: ${what} is not available in tests`);
};

export function buildAdditionalData(options: {
	credentialsHelper: ICredentialsHelper;
	hooks?: ExecutionLifecycleHooks;
	executionId?: string;
	workflowId: string;
	workflowSettings?: IWorkflowSettings;
}): IWorkflowExecuteAdditionalData {
	const base = 'http://127.0.0.1:5678';
	return {
		credentialsHelper: options.credentialsHelper,
		hooks: options.hooks,
		executionId: options.executionId,
		workflowId: options.workflowId,
		workflowSettings: options.workflowSettings,
		// n8n-core reads `hasProvider`/`getSecret` only for `$secrets` in credentials.
		externalSecretsProxy: new ExternalSecretsProxy(),
		currentNodeExecutionIndex: 0,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: `${base}/`,
		formBaseUrl: `${base}/form`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		formTestBaseUrl: `${base}/form-test`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		variables: {},
		logAiEvent: () => {},
		executeWorkflow: unsupported('executeWorkflow (sub-workflows)'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: unsupported('startRunnerTask (Code node task runners)'),
	} as IWorkflowExecuteAdditionalData;
}
