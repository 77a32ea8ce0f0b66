/**
 * A loopback stand-in for an OpenAI-compatible chat model, for n8n's AI Agent in the end-to-end
 * tests (no network). It speaks the Chat Completions API as n8n's OpenAI Chat Model node calls it
 * through the `openAiApi` credential's Base URL: `POST <base>/chat/completions`, answered in one
 * JSON body or, when the request asks for `stream: true`, as server-sent chunks; and
 * `GET <base>/models` (the node's model list in the editor).
 *
 * It does not think: a script (a function of the conversation so far) decides each answer, tool
 * calls or text. Every request is recorded as it came, so a test can assert what the model was
 * given (messages, tools with their names, descriptions and JSON schemas).
 *
 * Wire format (source: OpenAI API reference, "Chat Completions": the chat completion object, the
 * chat completion chunk object, `tools` of type "function", `tool_calls` in the assistant message,
 * `finish_reason` "tool_calls" / "stop"; "Models": the list object).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatToolCall {
	id: string;
	type: 'function';
	function: { name: string; arguments: string };
}

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool' | 'developer';
	content?: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: ChatToolCall[];
	tool_call_id?: string;
	name?: string;
}

export interface ChatTool {
	type: 'function';
	function: { name: string; description?: string; parameters?: JsonSchema; strict?: boolean };
}

export interface JsonSchema {
	type?: string | string[];
	properties?: Record<string, JsonSchema>;
	required?: string[];
	description?: string;
	[key: string]: unknown;
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: ChatTool[];
	stream?: boolean;
	[key: string]: unknown;
}

/** What the model answers: tool calls to make, or its text. */
export type ScriptedAnswer =
	| { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> }
	| { text: string };

export type Script = (request: ChatRequest) => ScriptedAnswer;

export interface RecordedRequest {
	method: string;
	path: string;
	headers: http.IncomingHttpHeaders;
	body?: ChatRequest;
}

/** The text of a message, whether it came as a string or as content parts. */
export function messageText(message: ChatMessage): string {
	if (typeof message.content === 'string') return message.content;
	return (message.content ?? []).map((part) => part.text ?? '').join('');
}

export class FakeOpenAi {
	readonly requests: RecordedRequest[] = [];
	private server?: http.Server;
	private baseUrl = '';
	private nextCallId = 1;
	private nextCompletionId = 1;

	constructor(
		private readonly script: Script,
		private readonly options: { apiKey: string; models?: string[] },
	) {}

	/** Base URL for the credential: `http://127.0.0.1:<port>/v1`. */
	get url(): string {
		return this.baseUrl;
	}

	/** The chat completion requests so far. */
	get completions(): ChatRequest[] {
		return this.requests.filter((r) => r.path === '/v1/chat/completions' && r.body).map((r) => r.body!);
	}

	async start(): Promise<string> {
		const server = http.createServer((req, res) => void this.handle(req, res));
		this.server = server;
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => resolve());
		});
		this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
		return this.baseUrl;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const path = (req.url ?? '').split('?')[0];
		const raw = Buffer.concat(chunks).toString('utf8');
		let body: ChatRequest | undefined;
		try {
			body = raw ? (JSON.parse(raw) as ChatRequest) : undefined;
		} catch {
			this.requests.push({ method: req.method ?? '', path, headers: req.headers });
			return this.error(res, 400, 'invalid_request_error', 'the body is not JSON');
		}
		this.requests.push({ method: req.method ?? '', path, headers: req.headers, body });

		// source: OpenAI API reference, "Authentication": `Authorization: Bearer <key>`; a wrong key is a 401.
		if (req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
			return this.error(res, 401, 'invalid_request_error', 'Incorrect API key provided');
		}
		if (req.method === 'GET' && path === '/v1/models') {
			const models = this.options.models ?? ['fake-model'];
			return this.json(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })) });
		}
		if (req.method !== 'POST' || path !== '/v1/chat/completions') {
			return this.error(res, 404, 'invalid_request_error', `Unknown request URL: ${req.method} ${path}`);
		}
		if (!body || !Array.isArray(body.messages)) {
			return this.error(res, 400, 'invalid_request_error', "'messages' is a required property");
		}

		let answer: ScriptedAnswer;
		try {
			answer = this.script(body);
		} catch (error) {
			// The script met a conversation it has no answer for: the test sees why in the run's error.
			return this.error(res, 500, 'server_error', `fake model: ${(error as Error).message}`);
		}
		const message =
			'text' in answer
				? { role: 'assistant' as const, content: answer.text }
				: {
						role: 'assistant' as const,
						content: null,
						tool_calls: answer.toolCalls.map(
							(call): ChatToolCall => ({
								id: `call_${this.nextCallId++}`,
								type: 'function',
								function: { name: call.name, arguments: JSON.stringify(call.arguments) },
							}),
						),
					};
		const finishReason = 'text' in answer ? 'stop' : 'tool_calls';
		const id = `chatcmpl-${this.nextCompletionId++}`;
		const created = Math.floor(Date.now() / 1000);
		const usage = { prompt_tokens: raw.length >> 2, completion_tokens: 10, total_tokens: (raw.length >> 2) + 10 };
		if (body.stream) return this.stream(res, { id, created, model: body.model, message, finishReason, usage });
		return this.json(res, 200, {
			id,
			object: 'chat.completion',
			created,
			model: body.model,
			choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
			usage,
		});
	}

	/** source: OpenAI API reference, "Streaming": `data: <chunk>` events, then `data: [DONE]`. */
	private stream(
		res: http.ServerResponse,
		answer: {
			id: string;
			created: number;
			model: string;
			message: { role: 'assistant'; content: string | null; tool_calls?: ChatToolCall[] };
			finishReason: string;
			usage: Record<string, number>;
		},
	): void {
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
		const chunk = (delta: Record<string, unknown>, finishReason: string | null) =>
			res.write(
				`data: ${JSON.stringify({
					id: answer.id,
					object: 'chat.completion.chunk',
					created: answer.created,
					model: answer.model,
					choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
				})}\n\n`,
			);
		chunk({ role: 'assistant', content: answer.message.content === null ? null : '' }, null);
		if (answer.message.content) {
			// In two pieces, as a model streams its words.
			const text = answer.message.content;
			const half = Math.ceil(text.length / 2);
			chunk({ content: text.slice(0, half) }, null);
			chunk({ content: text.slice(half) }, null);
		}
		for (const [index, call] of (answer.message.tool_calls ?? []).entries()) {
			chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }, null);
			chunk({ tool_calls: [{ index, function: { arguments: call.function.arguments } }] }, null);
		}
		chunk({}, answer.finishReason);
		res.write('data: [DONE]\n\n');
		res.end();
	}

	private json(res: http.ServerResponse, status: number, body: unknown): void {
		const text = JSON.stringify(body);
		res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
		res.end(text);
	}

	/** source: OpenAI API reference, "Error codes": `{ error: { message, type, param, code } }`. */
	private error(res: http.ServerResponse, status: number, type: string, message: string): void {
		this.json(res, status, { error: { message, type, param: null, code: null } });
	}
}
