/**
 * n8n's own REST API (what the editor uses), logged in as the owner with the session cookie.
 * Enough to set up credentials and workflows, run a workflow from a trigger, activate it, and
 * read executions back.
 */
import { join } from 'node:path';

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}

export interface WorkflowData {
	id?: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	versionId?: string;
	active?: boolean;
}

export interface CredentialSummary {
	id: string;
	name: string;
	type: string;
}

export interface NodeRun {
	data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> };
	error?: { message?: string; description?: string };
}

export interface Execution {
	id: string;
	status: string;
	finished: boolean;
	mode: string;
	workflowId: string;
	data: { resultData: { runData: Record<string, NodeRun[]>; error?: { message?: string } } };
}

export class N8nClient {
	private cookie = '';

	constructor(
		readonly url: string,
		/** n8n's install folder: executions come back serialized with its `flatted`. */
		private readonly n8nDir: string,
		/** n8n 1.x: a new workflow must say it is inactive; its run endpoint takes the workflow along. */
		private readonly n8n1 = false,
	) {}

	async login(email: string, password: string): Promise<void> {
		const response = await fetch(`${this.url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: email, password }),
		});
		if (!response.ok) throw new Error(`n8n login as ${email} failed: HTTP ${response.status} ${await response.text()}`);
		const cookie = response.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (!cookie) throw new Error('n8n login answered without a session cookie');
		this.cookie = cookie.split(';')[0];
	}

	/**
	 * n8n 1.x takes no owner from the environment: the owner is set up once, as its setup
	 * screen does (`POST /rest/owner/setup`), unless that happened in an earlier start.
	 */
	async setUpOwner(owner: { email: string; password: string; firstName: string; lastName: string }): Promise<void> {
		// n8n 1.x answers its readiness probe while its migrations still run, and serves the
		// editor's page for every path until its REST routes are up.
		const deadline = Date.now() + 120_000;
		let settings: { data?: { userManagement?: { showSetupOnFirstLoad?: boolean } } } | undefined;
		while (!settings) {
			const response = await fetch(`${this.url}/rest/settings`);
			if (response.ok && response.headers.get('content-type')?.includes('application/json')) {
				settings = (await response.json()) as typeof settings;
			} else {
				await response.body?.cancel();
				if (Date.now() > deadline) throw new Error(`n8n at ${this.url} did not serve /rest/settings within 120 s`);
				await new Promise((resolve) => setTimeout(resolve, 500));
			}
		}
		if (settings?.data?.userManagement?.showSetupOnFirstLoad !== true) return;
		const response = await fetch(`${this.url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(owner),
		});
		if (!response.ok) throw new Error(`n8n owner setup for ${owner.email} failed: HTTP ${response.status} ${await response.text()}`);
	}

	/** The session cookie, for a browser that should start logged in. */
	get sessionCookie(): { name: string; value: string } {
		const [name, ...value] = this.cookie.split('=');
		return { name, value: value.join('=') };
	}

	async request<T>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.url}/rest${path}`, {
			method,
			headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`n8n ${method} /rest${path}: HTTP ${response.status} ${text.slice(0, 500)}`);
		const parsed = text ? (JSON.parse(text) as { data?: T }) : {};
		return (parsed.data ?? parsed) as T;
	}

	async credentials(): Promise<CredentialSummary[]> {
		return await this.request<CredentialSummary[]>('GET', '/credentials');
	}

	/** Creates the credential, or replaces the data of the one with that name and type. */
	async upsertCredential(name: string, type: string, data: Record<string, unknown>): Promise<CredentialSummary> {
		const existing = (await this.credentials()).find((c) => c.name === name && c.type === type);
		if (existing) {
			await this.request('PATCH', `/credentials/${existing.id}`, { name, type, data });
			return existing;
		}
		const created = await this.request<CredentialSummary>('POST', '/credentials', { name, type, data });
		return { id: created.id, name, type };
	}

	async workflows(): Promise<Array<{ id: string; name: string; active: boolean }>> {
		return await this.request('GET', '/workflows');
	}

	async workflow(id: string): Promise<WorkflowData & { id: string; versionId: string }> {
		return await this.request('GET', `/workflows/${id}`);
	}

	async createWorkflow(workflow: WorkflowData): Promise<WorkflowData & { id: string; versionId: string }> {
		const { id: _id, active: _active, versionId: _versionId, ...body } = workflow;
		return await this.request('POST', '/workflows', {
			...body,
			...(this.n8n1 ? { active: false } : {}),
			settings: body.settings ?? { executionOrder: 'v1' },
		});
	}

	/** Activates (publishes) the workflow: a polling trigger polls once now, then on its schedule. */
	async activate(id: string): Promise<void> {
		const { versionId } = await this.workflow(id);
		await this.request('POST', `/workflows/${id}/activate`, { versionId });
	}

	async deactivate(id: string): Promise<void> {
		await this.request('POST', `/workflows/${id}/deactivate`, {});
	}

	/** What the editor's "Execute workflow" button does, starting from the named trigger. */
	async runFrom(workflowId: string, triggerName: string): Promise<string> {
		const result = await this.request<{ executionId?: string }>('POST', `/workflows/${workflowId}/run`, {
			...(this.n8n1 ? { workflowData: await this.workflow(workflowId) } : {}),
			triggerToStartFrom: { name: triggerName },
		});
		if (!result.executionId) throw new Error(`n8n did not start workflow ${workflowId}: ${JSON.stringify(result)}`);
		return result.executionId;
	}

	async executionIds(workflowId: string): Promise<string[]> {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const page = await this.request<{ results: Array<{ id: string }> }>('GET', `/executions?filter=${filter}&limit=100`);
		return page.results.map((e) => e.id);
	}

	async execution(id: string): Promise<Execution> {
		const raw = await this.request<Omit<Execution, 'data'> & { data: string | Execution['data'] }>('GET', `/executions/${id}`);
		if (typeof raw.data !== 'string') return raw as Execution;
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const flatted = require(join(this.n8nDir, 'node_modules', 'flatted')) as { parse(text: string): unknown };
		return { ...raw, data: flatted.parse(raw.data) as Execution['data'] };
	}

	/**
	 * Waits until n8n has ended the execution (successfully or not) and serves its data, and
	 * returns it. Right after a run starts n8n may not serve the execution yet: it answers `{}`
	 * (no status), or an ended status before the data is there.
	 */
	async waitForExecution(id: string, timeoutMs = 60_000): Promise<Execution> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const execution: Partial<Execution> = await this.execution(id);
			const status = execution.status;
			if (status !== undefined && !['new', 'running', 'waiting'].includes(status) && execution.data?.resultData) {
				return execution as Execution;
			}
			if (Date.now() > deadline) {
				const seen = status === undefined ? 'not served by n8n' : `${status}${execution.data?.resultData ? '' : ', without its data,'}`;
				throw new Error(`execution ${id} ${seen} after ${timeoutMs} ms`);
			}
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}
}

/** The items a node put out in its first run (main output `output`). */
export function nodeOutput(execution: Execution, nodeName: string, output = 0): Array<Record<string, unknown>> {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs?.length) {
		throw new Error(`node "${nodeName}" did not run (ran: ${Object.keys(execution.data.resultData.runData).join(', ')})`);
	}
	if (runs[0].error) throw new Error(`node "${nodeName}" failed: ${runs[0].error.message}`);
	return (runs[0].data?.main?.[output] ?? []).map((item) => item.json);
}
