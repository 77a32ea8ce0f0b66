/**
 * Test harness: runs the package's nodes and polling triggers through n8n's own engine
 * (n8n-core's WorkflowExecute / PollContext / PollTriggerExecutor), with credentials
 * applied by the package's credential classes and HTTP intercepted by nock. It runs on
 * n8n-core 2.x (`npm test`) and 1.x (`npm run test:n8n1`); engine.ts says what differs.
 * See test/harness/harness.test.ts for worked examples.
 */
export { runWorkflow } from './run-workflow';
export type { RunWorkflowOptions, RunWorkflowResult } from './run-workflow';
export { runPoll } from './run-poll';
export { runLoadOptions } from './run-load-options';
export type { RunLoadOptionsOptions } from './run-load-options';
export type { RunPollOptions, RunPollResult } from './run-poll';
export { DEFAULT_TIMEZONE } from './common';
export {
	engineHas,
	itWhereEngineHas,
	itWhereEngineLacks,
	N8N_CORE_VERSION,
	N8N_MAJOR,
	N8N_WORKFLOW_VERSION,
	REQUESTS_BEFORE_REAUTHENTICATION,
	REQUESTS_FOR_A_REFUSED_OAUTH2_TOKEN,
	REQUESTS_FOR_A_REFUSED_TOKEN,
} from './engine';
export type { EngineFeature } from './engine';
export type { CredentialActivity, HarnessBaseOptions, HarnessNodeSpec } from './common';
export { HarnessCredentialsHelper, OAUTH2_API_CREDENTIAL } from './credentials';
export type {
	CredentialDataMap,
	CredentialTypeMap,
	CredentialUpdate,
	PreAuthenticationCall,
} from './credentials';
export { HarnessNodeTypes, ITEMS_NODE_TYPE, MANUAL_TRIGGER_TYPE } from './node-types';
export type { NodeTypeMap } from './node-types';
export { recordRequests, setupNock } from './nock';
export type { RecordedRequest, RequestLog, SetupNockOptions } from './nock';
export { byId, credentialExpressionResolver, expectInputError, pollSequence, requestLines, runNode, SUITE_TIME_SCALE, useVendorEnvironment } from './vendor-suite';
export type { BadInputCase, NodeUnderTest, PollStep, RunNodeOptions } from './vendor-suite';
