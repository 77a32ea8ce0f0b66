/**
 * Setup shared by the vendors' node suites (each vendor's fixtures.ts builds on it): the
 * per-file environment (nock, faster waits, fresh rate budgets), one run of a node with a
 * default credential, and the `METHOD /path` lines of recorded requests.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeParameters, INodeType } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { resetProcessState, setTimeScale } from '../../nodes/shared/transport/clock';
import type { CredentialDataMap, CredentialTypeMap } from './credentials';
import { setupNock, type SetupNockOptions } from './nock';
import { HarnessNodeTypes, type NodeTypeMap } from './node-types';
import { runPoll, type RunPollResult } from './run-poll';
import { runWorkflow, type RunWorkflowResult } from './run-workflow';

/** The time scale of the vendor suites: throttle and retry waits run this many times faster. */
export const SUITE_TIME_SCALE = 1000;

/**
 * Registers nock for the file, runs throttle and retry waits {@link SUITE_TIME_SCALE} times
 * faster and gives every test a fresh rate budget. Call once at the top of a test file.
 */
export function useVendorEnvironment(options: SetupNockOptions = {}): void {
	setupNock(options);
	beforeAll(() => setTimeScale(SUITE_TIME_SCALE));
	afterAll(() => setTimeScale(1));
	beforeEach(() => resetProcessState());
}

/** What a test may change about one run of a node. */
export interface RunNodeOptions {
	input?: IDataObject[];
	continueOnFail?: boolean;
	timezone?: string;
	credentials?: CredentialDataMap;
}

/** A vendor node as its suites run it. */
export interface NodeUnderTest {
	nodeTypes: NodeTypeMap;
	credentialTypes: CredentialTypeMap;
	/** Full type name of the node to run. */
	type: string;
}

/** One run of a node through n8n-core's engine, with `credentials` unless the options name others. */
export async function runNode(
	node: NodeUnderTest,
	credentials: CredentialDataMap,
	parameters: INodeParameters,
	options: RunNodeOptions = {},
): Promise<RunWorkflowResult> {
	return await runWorkflow({
		nodeTypes: node.nodeTypes,
		credentialTypes: node.credentialTypes,
		credentials: options.credentials ?? credentials,
		node: { type: node.type, parameters },
		input: options.input ?? [{}],
		continueOnFail: options.continueOnFail,
		timezone: options.timezone,
	});
}

/** `METHOD /path` of each request. */
export function requestLines(requests: ReadonlyArray<{ method: string; path: string }>): string[] {
	return requests.map((request) => `${request.method} ${request.path}`);
}

/** A resource locator parameter "By ID". */
export const byId = (value: string) => ({ __rl: true, mode: 'id', value });

/** What one poll of a {@link pollSequence} returned: the run, the emitted ids and their JSON. */
export interface PollStep {
	result: RunPollResult;
	ids: string[];
	json: IDataObject[];
}

/**
 * A trigger node polled again and again as n8n would, its static data carried from one poll
 * to the next. Each poll must succeed. `credentials` is read at every poll (a sandbox's address
 * is known only once it runs; the harness updates the returned object in place).
 */
export function pollSequence(
	node: NodeUnderTest,
	credentials: () => CredentialDataMap,
	parameters: INodeParameters,
	timezone = 'Europe/Moscow',
): {
	poll: (mode?: 'trigger' | 'manual', extra?: { pollBudgetMs?: number }) => Promise<PollStep>;
	state: () => IDataObject;
} {
	let staticData: IDataObject = {};
	const poll = async (mode: 'trigger' | 'manual' = 'trigger', extra: { pollBudgetMs?: number } = {}) => {
		const result = await runPoll({
			nodeTypes: node.nodeTypes,
			credentialTypes: node.credentialTypes,
			credentials: credentials(),
			node: { type: node.type, parameters },
			mode,
			staticData,
			timezone,
			...extra,
		});
		expect(result.error).toBeUndefined();
		staticData = result.staticData;
		return {
			result,
			ids: (result.items?.[0] ?? []).map((item) => String(item.json.id)),
			json: (result.items?.[0] ?? []).map((item) => item.json),
		};
	};
	return { poll, state: () => staticData };
}

/**
 * Resolves expressions of a credential type (`$credentials`, `$self`...) with n8n's own
 * expression engine, in a workflow of one node of the given type.
 */
export function credentialExpressionResolver(
	type: string,
	nodeType: INodeType,
): (expression: string, keys: Record<string, ICredentialDataDecryptedObject>) => unknown {
	const node: INode = { id: '1', name: 'Node', type, typeVersion: 1, position: [0, 0], parameters: {} };
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes({ [type]: nodeType }),
	});
	return (expression, keys) =>
		workflow.expression.getSimpleParameterValue(node, expression, 'internal', keys, undefined, '');
}

/** One bad-input case of a vendor's suite: the parameters and input item, and the error's start. */
export interface BadInputCase<Credentials = CredentialDataMap> {
	name: string;
	parameters: INodeParameters;
	input?: IDataObject;
	credentials?: Credentials;
	/** The start of the message: it names the parameter. */
	message: string;
}

/**
 * The run stopped on bad input of item `itemIndex`: a NodeOperationError whose message starts
 * with `message` (which names the parameter), and no output. That nothing was sent is the
 * caller's to assert (nock or sandbox log).
 */
export function expectInputError(result: RunWorkflowResult, message: string, itemIndex = 0): void {
	expect(result.status).toBe('error');
	expect(result.items).toEqual([]);
	expect(result.error).toMatchObject({ name: 'NodeOperationError', context: { itemIndex } });
	expect(result.error!.message.startsWith(message)).toBe(true);
}
