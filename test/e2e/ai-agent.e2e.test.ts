/**
 * n8n's AI Agent with this package's action nodes as its tools, in real n8n 2.41.1 (the stack of
 * `npm start`, on free ports and in a fresh n8n folder). The agent's OpenAI Chat Model points at
 * a loopback fake of an OpenAI-compatible server (./fakeOpenAi.ts) that answers from a script:
 * first it creates one task in each of the four services, then it lists the tasks there, then it
 * answers with what the tools returned.
 *
 * Each tool node is what a user sets up in the editor: resource and operation fixed, the fields
 * the model fills given by `$fromAI(...)` (the ✨ button writes `$fromAI('<display name>', ...)`;
 * dropdowns take a hand-written expression), the tool description left on "Set Automatically".
 * Two runs: started by hand (Manual Trigger, the model answers in one piece), and as a chat
 * (public Chat Trigger answering by streaming, the model streams too).
 *
 * Asserted: what the model is given (each tool's name, description and JSON schema), that the
 * tasks land in the sandboxes with exactly the model's values, what the list tools return, and
 * that the agent's answer carries the tool results.
 */
import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';

import type { INodeTypeDescription } from 'n8n-workflow';

import { AmoCrm } from '../../nodes/AmoCrm/AmoCrm.node';
import { Bitrix24 } from '../../nodes/Bitrix24/Bitrix24.node';
import { MoySklad } from '../../nodes/MoySklad/MoySklad.node';
import { Pyrus } from '../../nodes/Pyrus/Pyrus.node';
import type { Execution, WorkflowData, WorkflowNode } from '../../scripts/start/lib/client';
import { nodeOutput } from '../../scripts/start/lib/client';
import { PACKAGE_NAME } from '../../scripts/start/lib/pack';
import type { AmoCrmSandbox } from '../sandbox/amocrm';
import type { Bitrix24Sandbox } from '../sandbox/bitrix24';
import type { MoySkladSandbox } from '../sandbox/moysklad';
import type { PyrusSandbox } from '../sandbox/pyrus';
import { FakeOpenAi, messageText, type ChatRequest, type ChatTool, type ScriptedAnswer } from './fakeOpenAi';
import { expectSucceeded, useStack } from './support';

const e2e = useStack('e2e-ai-agent');
const API_KEY = 'sk-fake-e2e-key';
const MODEL = 'fake-tools-model';
/** The demo list "Website" in Pyrus, where the workflow's Pyrus tools file and read tasks. */
const PYRUS_LIST = 502;

type VendorId = 'amocrm' | 'moysklad' | 'pyrus' | 'bitrix24';
const VENDOR_IDS: VendorId[] = ['amocrm', 'moysklad', 'pyrus', 'bitrix24'];

/** Tool nodes by vendor; n8n names each tool after its node (other characters than [A-Za-z0-9_-] become "_"). */
const TOOL_NODES: Record<VendorId, { create: string; list: string; type: string; service: string }> = {
	amocrm: { create: 'Create amoCRM task', list: 'List amoCRM tasks', type: 'amoCrm', service: 'amoCRM' },
	moysklad: { create: 'Create MoySklad task', list: 'List MoySklad tasks', type: 'moySklad', service: 'MoySklad' },
	pyrus: { create: 'Create Pyrus task', list: 'List Pyrus tasks', type: 'pyrus', service: 'Pyrus' },
	bitrix24: { create: 'Create Bitrix24 task', list: 'List Bitrix24 tasks', type: 'bitrix24', service: 'Bitrix24' },
};
const toolName = (nodeName: string) => nodeName.replace(/[^a-zA-Z0-9_-]+/g, '_');

/** One request to the agent: a task for one person in each service, then their newest tasks. */
interface Scenario {
	name: string;
	title: string;
	/** ISO 8601 with offset, as the user says it and the model passes it on. */
	due: string;
	limit: number;
	/** The responsible person in each service: amoCRM user, MoySklad employee (by name), Pyrus person, Bitrix24 user. */
	people: { amocrm: number; moysklad: string; pyrus: number; bitrix24: number };
}

const SCENARIOS: Scenario[] = [
	{
		name: 'started by hand',
		title: 'Call Acme Trading back about the delivery',
		due: '2031-03-14T15:00:00+03:00',
		limit: 5,
		// Boris Manager (amoCRM), Ivan Petrov (MoySklad), John Snow (Pyrus), Ivan Petrov (Bitrix24)
		people: { amocrm: 504142, moysklad: 'Ivan Petrov', pyrus: 1733, bitrix24: 2 },
	},
	{
		name: 'in a chat, streamed',
		title: 'Send Romashka the signed contract',
		due: '2031-04-02T10:30:00+03:00',
		limit: 3,
		// Anna Admin (amoCRM), the sandbox's own user (MoySklad), Jane Doe (Pyrus), Maria Sidorova (Bitrix24)
		people: { amocrm: 504141, moysklad: 'Sandbox Admin', pyrus: 1725, bitrix24: 3 },
	},
];

let fake: FakeOpenAi;

const running = (id: VendorId) => e2e.running(id);
const amocrm = () => running('amocrm').sandbox.sandbox as AmoCrmSandbox;
const moysklad = () => running('moysklad').sandbox.sandbox as MoySkladSandbox;
const pyrus = () => running('pyrus').sandbox.sandbox as PyrusSandbox;
const bitrix24 = () => running('bitrix24').sandbox.sandbox as Bitrix24Sandbox;

function employeeId(name: string): string {
	const employee = [...moysklad().store.employees.values()].find((e) => e.name === name);
	if (!employee) throw new Error(`the MoySklad demo account has no employee ${name}`);
	return employee.id;
}

function taskIds(id: VendorId): string[] {
	switch (id) {
		case 'amocrm':
			return [...amocrm().store.tasks.keys()].map(String);
		case 'moysklad':
			return [...moysklad().store.tasks.keys()];
		case 'pyrus':
			return [...pyrus().tasks.keys()].map(String);
		case 'bitrix24':
			return [...bitrix24().tasks.keys()].map(String);
	}
}

// ---------------------------------------------------------------------------------------------
// The model's side: a script over the conversation so far
// ---------------------------------------------------------------------------------------------

type Item = Record<string, unknown>;

/** What each tool call of the model came back with, by tool name (the tool's items, as JSON). */
function toolResults(request: ChatRequest): Map<string, Item[]> {
	const callNames = new Map<string, string>();
	for (const message of request.messages) {
		for (const call of message.tool_calls ?? []) callNames.set(call.id, call.function.name);
	}
	const results = new Map<string, Item[]>();
	for (const message of request.messages) {
		if (message.role !== 'tool') continue;
		const name = callNames.get(message.tool_call_id ?? '');
		if (!name) throw new Error(`a tool result answers no call the model made (${message.tool_call_id})`);
		const parsed = JSON.parse(messageText(message)) as unknown;
		if (!Array.isArray(parsed)) throw new Error(`${name} returned ${messageText(message).slice(0, 300)}`);
		results.set(name, parsed as Item[]);
	}
	return results;
}

/** The scenario a conversation is about: the one whose task title the user's message names. */
function scenarioOf(request: ChatRequest): Scenario {
	const asked = request.messages.filter((m) => m.role === 'user').map(messageText).join('\n');
	const found = SCENARIOS.find((s) => asked.includes(s.title));
	if (!found) throw new Error(`no scenario for the prompt ${JSON.stringify(asked.slice(0, 200))}`);
	return found;
}

/** The arguments the model fills in, named as the tools' JSON schemas name them. */
function createArguments(id: VendorId, s: Scenario): Item {
	switch (id) {
		case 'amocrm':
			return { Text: s.title, Due_Date: s.due, responsible_user_id: s.people.amocrm };
		case 'moysklad':
			return { Description: s.title, Due_Date: s.due, assignee_id: employeeId(s.people.moysklad) };
		case 'pyrus':
			return { Text: s.title, Due: s.due, responsible_id: s.people.pyrus };
		case 'bitrix24':
			return { Title: s.title, Deadline: s.due, responsible_user_id: s.people.bitrix24 };
	}
}

function listArguments(id: VendorId, s: Scenario): Item {
	switch (id) {
		case 'amocrm':
			return { Responsible_User_Names_or_IDs: String(s.people.amocrm), Limit: s.limit };
		case 'moysklad':
			return { assignee_id: employeeId(s.people.moysklad), Limit: s.limit };
		case 'pyrus':
			return { Limit: s.limit };
		case 'bitrix24':
			return { Responsible_User_Names_or_IDs: String(s.people.bitrix24), Limit: s.limit };
	}
}

/** The model's final answer, quoting the tool results. */
function finalAnswer(results: Map<string, Item[]>): string {
	const lines = VENDOR_IDS.map((id) => {
		const [created] = results.get(toolName(TOOL_NODES[id].create)) ?? [];
		if (!created?.id) throw new Error(`${TOOL_NODES[id].create} returned no task`);
		const listed = (results.get(toolName(TOOL_NODES[id].list)) ?? []).map((task) => `${task.id} "${task.title}"`);
		return `${TOOL_NODES[id].service}: new task ${created.id} "${created.title}" due ${created.dueAt}; newest tasks: ${listed.join(', ')}`;
	});
	return `Done.\n${lines.join('\n')}`;
}

const script = (request: ChatRequest): ScriptedAnswer => {
	const scenario = scenarioOf(request);
	const results = toolResults(request);
	if (results.size === 0) {
		return { toolCalls: VENDOR_IDS.map((id) => ({ name: toolName(TOOL_NODES[id].create), arguments: createArguments(id, scenario) })) };
	}
	if (VENDOR_IDS.some((id) => !results.has(toolName(TOOL_NODES[id].list)))) {
		return { toolCalls: VENDOR_IDS.map((id) => ({ name: toolName(TOOL_NODES[id].list), arguments: listArguments(id, scenario) })) };
	}
	return { text: finalAnswer(results) };
};

// ---------------------------------------------------------------------------------------------
// The workflows, as a user builds them in the editor
// ---------------------------------------------------------------------------------------------

function prompt(s: Scenario): string {
	return (
		`In each of our four systems create the task "${s.title}", due ${s.due}: in amoCRM for user ${s.people.amocrm}, ` +
		`in MoySklad for ${s.people.moysklad} (employee ${employeeId(s.people.moysklad)}), in Pyrus for person ${s.people.pyrus} ` +
		`and in Bitrix24 for user ${s.people.bitrix24}. Then show me the newest ${s.limit} tasks: each person's open tasks in ` +
		`amoCRM, MoySklad and Bitrix24, and the tasks of the Website list in Pyrus. Tell me the IDs of the new tasks.`
	);
}

/** The editor's ✨ "let the model define this parameter" (the key is the parameter's display name). */
const fromAiButton = (key: string, description = '', type = 'string') =>
	`={{ /*n8n-auto-generated-fromAI-override*/ $fromAI('${key}', \`${description}\`, '${type}') }}`;
/** A `$fromAI` typed in by hand (dropdowns have no ✨ button). */
const fromAi = (key: string, description: string, type = 'string') => `={{ $fromAI('${key}', \`${description}\`, '${type}') }}`;
const DATE_HINT = 'ISO 8601 date and time with its UTC offset';

function toolNode(vendor: VendorId, name: string, x: number, parameters: Record<string, unknown>): WorkflowNode {
	const { credential } = running(vendor);
	return {
		name,
		type: `${PACKAGE_NAME}.${TOOL_NODES[vendor].type}Tool`,
		typeVersion: 1,
		position: [x, 300],
		parameters,
		credentials: { [credential.type]: { id: credential.id, name: credential.name } },
	};
}

function toolNodes(): WorkflowNode[] {
	return [
		toolNode('amocrm', TOOL_NODES.amocrm.create, 0, {
			resource: 'task',
			operation: 'create',
			text: fromAiButton('Text'),
			completeTill: fromAiButton('Due_Date', DATE_HINT),
			additionalFields: { responsibleUserId: fromAi('responsible_user_id', 'ID of the amoCRM user who does the task', 'number') },
			simplify: true,
		}),
		toolNode('amocrm', TOOL_NODES.amocrm.list, 150, {
			resource: 'task',
			operation: 'getAll',
			limit: fromAiButton('Limit', '', 'number'),
			filters: { responsibleUserIds: fromAiButton('Responsible_User_Names_or_IDs', 'amoCRM user IDs, comma-separated'), status: 'open' },
			options: { sortBy: 'created_at', sortDirection: 'desc' },
			simplify: true,
		}),
		toolNode('moysklad', TOOL_NODES.moysklad.create, 300, {
			resource: 'task',
			operation: 'create',
			description: fromAiButton('Description'),
			assignee: fromAi('assignee_id', 'ID of the MoySklad employee who does the task', 'string'),
			additionalFields: { dueToDate: fromAiButton('Due_Date', DATE_HINT) },
			simplify: true,
		}),
		toolNode('moysklad', TOOL_NODES.moysklad.list, 450, {
			resource: 'task',
			operation: 'getAll',
			limit: fromAiButton('Limit', '', 'number'),
			filters: { assignee: fromAi('assignee_id', 'ID of the MoySklad employee whose tasks to list', 'string'), status: 'open' },
			options: { sortBy: 'created', sortDirection: 'desc' },
			simplify: true,
		}),
		toolNode('pyrus', TOOL_NODES.pyrus.create, 600, {
			resource: 'task',
			operation: 'create',
			taskKind: 'simple',
			text: fromAiButton('Text'),
			additionalFields: {
				due: fromAiButton('Due', DATE_HINT),
				responsible: fromAi('responsible_id', 'ID of the Pyrus person who does the task', 'number'),
				listIds: [PYRUS_LIST],
			},
			simplify: true,
		}),
		toolNode('pyrus', TOOL_NODES.pyrus.list, 750, {
			resource: 'task',
			operation: 'getAll',
			source: 'list',
			listId: PYRUS_LIST,
			limit: fromAiButton('Limit', '', 'number'),
			filters: {},
			simplify: true,
		}),
		toolNode('bitrix24', TOOL_NODES.bitrix24.create, 900, {
			resource: 'task',
			operation: 'create',
			title: fromAiButton('Title'),
			responsibleId: fromAi('responsible_user_id', 'ID of the Bitrix24 user who does the task', 'number'),
			additionalFields: { deadline: fromAiButton('Deadline', DATE_HINT) },
			simplify: true,
		}),
		toolNode('bitrix24', TOOL_NODES.bitrix24.list, 1050, {
			resource: 'task',
			operation: 'getAll',
			limit: fromAiButton('Limit', '', 'number'),
			// Open: pending or in progress.
			filters: { responsibleIds: fromAiButton('Responsible_User_Names_or_IDs', 'Bitrix24 user IDs, comma-separated'), statuses: ['2', '3'] },
			options: { sortBy: 'ID', sortDirection: 'desc' },
			simplify: true,
		}),
	];
}

/** The agent, its model and the tools, started by `trigger` (which feeds the agent's prompt). */
function agentWorkflow(name: string, trigger: WorkflowNode, agentPrompt: Record<string, unknown>, openAi: { id: string; name: string }): WorkflowData {
	const tools = toolNodes();
	const toAgent = (type: string) => ({ [type]: [[{ node: 'AI Agent', type, index: 0 }]] });
	return {
		name,
		nodes: [
			trigger,
			{
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3.1,
				position: [300, 0],
				parameters: { ...agentPrompt, options: {} },
			},
			{
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.3,
				position: [0, 150],
				// An OpenAI-compatible server: Chat Completions, not OpenAI's own Responses API.
				parameters: { model: { __rl: true, mode: 'id', value: MODEL }, responsesApiEnabled: false, options: {} },
				credentials: { openAiApi: openAi },
			},
			...tools,
		],
		connections: {
			[trigger.name]: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': toAgent('ai_languageModel'),
			...Object.fromEntries(tools.map((tool) => [tool.name, toAgent('ai_tool')])),
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Running the scenarios
// ---------------------------------------------------------------------------------------------

interface Outcome {
	execution: Execution;
	/** The chat completion requests the run made, in order. */
	requests: ChatRequest[];
	/** Tasks the run added to each sandbox. */
	newTasks: Record<VendorId, string[]>;
	/** The chat's streamed answer (chat run only). */
	streamed?: string;
}

let openAi: { id: string; name: string };

async function observe(run: () => Promise<{ execution: Execution; streamed?: string }>): Promise<Outcome> {
	const before = Object.fromEntries(VENDOR_IDS.map((id) => [id, new Set(taskIds(id))])) as Record<VendorId, Set<string>>;
	const from = fake.completions.length;
	const { execution, streamed } = await run();
	const newTasks = Object.fromEntries(VENDOR_IDS.map((id) => [id, taskIds(id).filter((t) => !before[id].has(t))])) as Record<
		VendorId,
		string[]
	>;
	return { execution, requests: fake.completions.slice(from), newTasks, streamed };
}

async function runByHand(s: Scenario): Promise<Outcome> {
	const trigger: WorkflowNode = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
	const workflow = await e2e.stack.client.createWorkflow(
		agentWorkflow('AI Agent with CRM task tools (by hand)', trigger, { promptType: 'define', text: prompt(s) }, openAi),
	);
	return await observe(async () => {
		const executionId = await e2e.stack.client.runFrom(workflow.id, 'Start');
		return { execution: await e2e.stack.client.waitForExecution(executionId, 120_000) };
	});
}

/**
 * n8n 2.41 publishes an activated workflow in the background (its publication outbox): the chat
 * webhook answers "not registered" until its trigger is live.
 */
async function waitUntilPublished(workflowId: string): Promise<void> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const state = await e2e.stack.client.request<{ status: string; triggers: Array<{ status: string; errorMessage?: string }> }>(
			'GET',
			`/workflows/${workflowId}/publication-status`,
		);
		if (state.status === 'published') return;
		if (state.status === 'failed' || state.status === 'partial') {
			throw new Error(`the chat workflow was not published: ${JSON.stringify(state.triggers)}`);
		}
		if (Date.now() > deadline) throw new Error(`the chat workflow is still "${state.status}" a minute after its activation`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** n8n's streamed webhook answer: one JSON object per line (`begin`, `item`s, `end`); the items' text. */
function streamedText(body: string): string {
	const chunks = body
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => JSON.parse(line) as { type: string; content?: string });
	expect(chunks[0]?.type).toBe('begin');
	expect(chunks.at(-1)?.type).toBe('end');
	return chunks
		.filter((c) => c.type === 'item')
		.map((c) => c.content ?? '')
		.join('');
}

async function runAsChat(s: Scenario): Promise<Outcome> {
	const webhookId = randomUUID();
	const trigger = {
		name: 'When chat message received',
		type: '@n8n/n8n-nodes-langchain.chatTrigger',
		typeVersion: 1.4,
		position: [0, 0] as [number, number],
		webhookId,
		parameters: { public: true, mode: 'webhook', authentication: 'none', options: { responseMode: 'streaming' } },
	};
	const workflow = await e2e.stack.client.createWorkflow(
		agentWorkflow('AI Agent with CRM task tools (chat)', trigger, { promptType: 'auto', text: '={{ $json.chatInput }}' }, openAi),
	);
	await e2e.stack.client.activate(workflow.id);
	try {
		await waitUntilPublished(workflow.id);
		return await observe(async () => {
			const response = await fetch(`${e2e.stack.n8n.url}/webhook/${webhookId}/chat`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ action: 'sendMessage', sessionId: 'e2e-chat-session', chatInput: prompt(s) }),
			});
			const body = await response.text();
			if (!response.ok) throw new Error(`chat webhook: HTTP ${response.status} ${body.slice(0, 500)}`);
			const [executionId] = await e2e.stack.client.executionIds(workflow.id);
			if (!executionId) throw new Error('the chat message started no execution');
			return { execution: await e2e.stack.client.waitForExecution(executionId, 120_000), streamed: streamedText(body) };
		});
	} finally {
		await e2e.stack.client.deactivate(workflow.id);
	}
}

beforeAll(async () => {
	fake = new FakeOpenAi(script, { apiKey: API_KEY, models: [MODEL] });
	await fake.start();
	openAi = await e2e.stack.client.upsertCredential('Fake OpenAI-compatible model', 'openAiApi', { apiKey: API_KEY, url: fake.url });
}, 60_000);

afterAll(async () => {
	await fake?.stop();
}, 60_000);

// ---------------------------------------------------------------------------------------------
// What n8n offers
// ---------------------------------------------------------------------------------------------

test('n8n lists each action node as an AI tool, described by what its tools do', async () => {
	const response = await fetch(`${e2e.stack.n8n.url}/types/nodes.json`, {
		headers: { cookie: `${e2e.stack.client.sessionCookie.name}=${e2e.stack.client.sessionCookie.value}` },
	});
	expect(response.status).toBe(200);
	const types = (await response.json()) as INodeTypeDescription[];
	for (const node of [new AmoCrm(), new MoySklad(), new Pyrus(), new Bitrix24()]) {
		const { name, displayName, usableAsTool } = node.description;
		const tool = types.find((t) => t.name === `${PACKAGE_NAME}.${name}Tool`);
		// The action node's own description also speaks for its trigger; a tool starts no workflow.
		expect(tool?.description).not.toMatch(/start workflows|trigger/i);
		expect(tool).toMatchObject({
			displayName: `${displayName} Tool`,
			description: typeof usableAsTool === 'object' ? usableAsTool.replacements?.description : undefined,
			outputs: ['ai_tool'],
		});
	}
});

// ---------------------------------------------------------------------------------------------
// The runs
// ---------------------------------------------------------------------------------------------

/** The schema the model must receive for each tool: its properties (type, description) and required keys. */
const EXPECTED_TOOLS: Record<string, { description: string; properties: Record<string, { type: string; description?: string }> }> = {
	[TOOL_NODES.amocrm.create]: {
		description: 'Create a task in amoCRM',
		properties: {
			Text: { type: 'string' },
			Due_Date: { type: 'string', description: DATE_HINT },
			responsible_user_id: { type: 'number', description: 'ID of the amoCRM user who does the task' },
		},
	},
	[TOOL_NODES.amocrm.list]: {
		description: 'Get many tasks in amoCRM',
		properties: {
			Limit: { type: 'number' },
			Responsible_User_Names_or_IDs: { type: 'string', description: 'amoCRM user IDs, comma-separated' },
		},
	},
	[TOOL_NODES.moysklad.create]: {
		description: 'Create a task in MoySklad',
		properties: {
			Description: { type: 'string' },
			assignee_id: { type: 'string', description: 'ID of the MoySklad employee who does the task' },
			Due_Date: { type: 'string', description: DATE_HINT },
		},
	},
	[TOOL_NODES.moysklad.list]: {
		description: 'Get many tasks in MoySklad',
		properties: {
			Limit: { type: 'number' },
			assignee_id: { type: 'string', description: 'ID of the MoySklad employee whose tasks to list' },
		},
	},
	[TOOL_NODES.pyrus.create]: {
		description: 'Create a task in Pyrus',
		properties: {
			Text: { type: 'string' },
			Due: { type: 'string', description: DATE_HINT },
			responsible_id: { type: 'number', description: 'ID of the Pyrus person who does the task' },
		},
	},
	[TOOL_NODES.pyrus.list]: {
		description: 'Get many tasks in Pyrus',
		properties: { Limit: { type: 'number' } },
	},
	[TOOL_NODES.bitrix24.create]: {
		description: 'Create a task in Bitrix24',
		properties: {
			Title: { type: 'string' },
			responsible_user_id: { type: 'number', description: 'ID of the Bitrix24 user who does the task' },
			Deadline: { type: 'string', description: DATE_HINT },
		},
	},
	[TOOL_NODES.bitrix24.list]: {
		description: 'Get many tasks in Bitrix24',
		properties: {
			Limit: { type: 'number' },
			Responsible_User_Names_or_IDs: { type: 'string', description: 'Bitrix24 user IDs, comma-separated' },
		},
	},
};

function expectedTools(): ChatTool[] {
	return Object.entries(EXPECTED_TOOLS)
		.map(([node, { description, properties }]) => ({
			type: 'function' as const,
			function: {
				name: toolName(node),
				description,
				parameters: {
					type: 'object',
					properties,
					// Every `$fromAI` value is required: the tool cannot run without it.
					required: Object.keys(properties).sort(),
					additionalProperties: false,
					$schema: 'http://json-schema.org/draft-07/schema#',
				},
				strict: false,
			},
		}))
		.sort((a, b) => a.function.name.localeCompare(b.function.name));
}

function sortedTools(request: ChatRequest): ChatTool[] {
	return [...(request.tools ?? [])]
		.map((tool) => ({
			...tool,
			function: { ...tool.function, parameters: { ...tool.function.parameters, required: [...(tool.function.parameters?.required ?? [])].sort() } },
		}))
		.sort((a, b) => a.function.name.localeCompare(b.function.name));
}

/** The task as stored in the vendor's sandbox, in the terms the scenario checks. */
function stored(id: VendorId, taskId: string): { title: string; dueMs: number; responsible: string; open: boolean; extra?: unknown } {
	switch (id) {
		case 'amocrm': {
			const task = amocrm().store.tasks.get(Number(taskId))!;
			return { title: task.text, dueMs: task.complete_till * 1000, responsible: String(task.responsible_user_id), open: !task.is_completed };
		}
		case 'moysklad': {
			const task = moysklad().store.tasks.get(taskId)!;
			return { title: task.description, dueMs: task.dueToDate ?? NaN, responsible: task.assignee, open: !task.done };
		}
		case 'pyrus': {
			const task = pyrus().tasks.get(Number(taskId))!;
			return {
				// Its title: the subject, or without one the text (as Pyrus shows it).
				title: String(task.subject ?? task.text),
				dueMs: Date.parse(String(task.due)),
				responsible: String((task.responsible as { id?: number } | undefined)?.id),
				open: !task.close_date,
				extra: { list_ids: task.list_ids },
			};
		}
		case 'bitrix24': {
			const task = bitrix24().tasks.get(Number(taskId))!;
			return { title: task.title, dueMs: Date.parse(String(task.deadline)), responsible: task.responsibleId, open: task.status !== '5' };
		}
	}
}

/** The tasks the scenario's list tool reads: Pyrus the Website list's, the others the person's open tasks. */
function listedInSandbox(id: VendorId, s: Scenario): string[] {
	switch (id) {
		case 'amocrm':
			return [...amocrm().store.tasks.values()].filter((t) => t.responsible_user_id === s.people.amocrm && !t.is_completed).map((t) => String(t.id));
		case 'moysklad':
			return [...moysklad().store.tasks.values()].filter((t) => t.assignee === employeeId(s.people.moysklad) && !t.done).map((t) => t.id);
		case 'pyrus':
			return [...pyrus().tasks.values()].filter((t) => t.list_ids.includes(PYRUS_LIST) && !t.archived).map((t) => String(t.id));
		case 'bitrix24':
			return [...bitrix24().tasks.values()]
				.filter((t) => t.responsibleId === String(s.people.bitrix24) && ['2', '3'].includes(t.status))
				.map((t) => t.id);
	}
}

function responsibleOf(id: VendorId, s: Scenario): string {
	return id === 'moysklad' ? employeeId(s.people.moysklad) : String(s.people[id]);
}

describe.each(SCENARIOS.map((s, i) => [s.name, s, i] as const))('the agent %s', (_name, scenario, index) => {
	let outcome: Outcome;

	beforeAll(async () => {
		outcome = index === 0 ? await runByHand(scenario) : await runAsChat(scenario);
	}, 5 * 60_000);

	test('the run succeeds: the agent ran, and each tool once', () => {
		const { execution } = outcome;
		expectSucceeded(execution);
		for (const id of VENDOR_IDS) {
			expect(execution.data.resultData.runData[TOOL_NODES[id].create]).toHaveLength(1);
			expect(execution.data.resultData.runData[TOOL_NODES[id].list]).toHaveLength(1);
		}
	});

	test('the model is asked three times, each time given every tool with its name, description and JSON schema', () => {
		const { requests } = outcome;
		expect(requests).toHaveLength(3);
		for (const request of requests) {
			expect(request.model).toBe(MODEL);
			expect(Boolean(request.stream)).toBe(index === 1);
			expect(sortedTools(request)).toEqual(expectedTools());
		}
		expect(requests[0].messages.filter((m) => m.role === 'user').map(messageText)).toEqual([prompt(scenario)]);
	});

	test.each(VENDOR_IDS)('%s: exactly one new task, with exactly the values the model gave', (id) => {
		const { newTasks } = outcome;
		expect(newTasks[id]).toHaveLength(1);
		const task = stored(id, newTasks[id][0]);
		expect(task).toEqual({
			title: scenario.title,
			dueMs: Date.parse(scenario.due),
			responsible: responsibleOf(id, scenario),
			open: true,
			...(id === 'pyrus' ? { extra: { list_ids: [PYRUS_LIST] } } : {}),
		});
	});

	test.each(VENDOR_IDS)('%s: the tool results the model reads back: the new task, then the newest tasks with it first', (id) => {
		const { requests, newTasks } = outcome;
		const results = toolResults(requests[2]);
		const [created, ...others] = results.get(toolName(TOOL_NODES[id].create))!;
		expect(others).toEqual([]);
		expect(created).toMatchObject({ id: newTasks[id][0], title: scenario.title, status: 'open', responsibleId: responsibleOf(id, scenario) });
		expect(Date.parse(String(created.dueAt))).toBe(Date.parse(scenario.due));

		const listed = results.get(toolName(TOOL_NODES[id].list))!;
		const matching = listedInSandbox(id, scenario);
		expect(listed).toHaveLength(Math.min(scenario.limit, matching.length));
		expect(listed[0].id).toBe(newTasks[id][0]);
		for (const task of listed) {
			expect(matching).toContain(String(task.id));
			expect(task.title).toBe(stored(id, String(task.id)).title.split('\n')[0]);
		}
	});

	test('the answer carries the tool results', () => {
		const { execution, requests, newTasks, streamed } = outcome;
		const expected = finalAnswer(toolResults(requests[2]));
		expect(nodeOutput(execution, 'AI Agent')).toEqual([{ output: expected }]);
		for (const id of VENDOR_IDS) expect(expected).toContain(`new task ${newTasks[id][0]} "${scenario.title}"`);
		if (index === 1) expect(streamed).toBe(expected);
	});
});
