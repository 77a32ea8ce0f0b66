/**
 * n8n's own floor for a row: what n8n makes ANY node do for the same work, with no node logic.
 * A bench-only node takes the place of ours in the same workflow (same parameters, same input
 * items) and
 * - reads the very parameters our node read, with the same item indexes, through n8n's
 *   `getNodeParameter` (recorded from our node's warm-up execution of the same size,
 *   `recordParameterReads`), so n8n resolves the same values and evaluates the same `={{ … }}`
 *   expressions;
 * - sends the very requests our node sent (from the sandbox's request log) through n8n's HTTP
 *   helper (`helpers.httpRequest`), one after another, or the first alone and then as many at
 *   once as our node keeps in flight (`inFlight`);
 * - returns the vendor's tasks unmapped: for a list one item per task in the answers, for a
 *   create one item per input item with the task the answers hold for it.
 */
import { NodeExecutionContext } from 'n8n-core/dist/execution-engine/node-execution-context/node-execution-context';
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, INodeExecutionData, INodeType } from 'n8n-workflow';

import type { RequestLogEntry } from '../test/sandbox/framework';

/** One `getNodeParameter` call as our node made it: name, item index, fallback, options. */
export type ParameterRead = [string, number, unknown, unknown];

/** What the stand-in node does in its next execution. */
export interface FloorPlan {
	operation: 'list' | 'create';
	baseUrl: string;
	entries: readonly RequestLogEntry[];
	reads: readonly ParameterRead[];
	/** Requests in flight at once after the first (our node's, bench/vendors.ts `inFlight`). */
	inFlight: number;
	/** The vendor's tasks in one answer (bench/vendors.ts `answerTasks`). */
	answerTasks: (method: string, answer: unknown) => IDataObject[];
	toQueryString: (query: RequestLogEntry['query']) => string;
}

type GetNodeParameter = (name: string, itemIndex: number, fallback?: unknown, options?: unknown) => unknown;

/**
 * Runs `run` with every `getNodeParameter` call of the nodes of type `nodeType` recorded
 * (n8n-core's shared implementation, NodeExecutionContext `_getNodeParameter`), then puts the
 * original back.
 */
export async function recordParameterReads<T>(nodeType: string, run: () => Promise<T>): Promise<{ value: T; reads: ParameterRead[] }> {
	const proto = NodeExecutionContext.prototype as unknown as { _getNodeParameter: GetNodeParameter };
	const original = proto._getNodeParameter;
	const reads: ParameterRead[] = [];
	proto._getNodeParameter = function (this: { node: { type: string } }, name, itemIndex, fallback, options) {
		if (this.node.type === nodeType) reads.push([name, itemIndex, fallback, options]);
		return original.call(this, name, itemIndex, fallback, options);
	};
	try {
		return { value: await run(), reads };
	} finally {
		proto._getNodeParameter = original;
	}
}

let plan: FloorPlan | undefined;

export function setFloorPlan(next: FloorPlan | undefined): void {
	plan = next;
}

const SKIPPED_HEADERS = ['host', 'content-length', 'connection', 'transfer-encoding'];

/**
 * The stand-in for `node` (one of ours): the same description (so n8n keeps and validates the
 * same parameters), none of its logic.
 */
export function n8nFloorNode(node: INodeType): INodeType {
	return {
		description: { ...node.description, displayName: 'n8n Floor', name: 'bench.n8nFloor', credentials: undefined },
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			if (!plan) throw new Error('n8n floor: no plan set');
			const { operation, baseUrl, entries, reads, inFlight, answerTasks, toQueryString } = plan;
			const input = this.getInputData();
			for (const [name, itemIndex, fallback, options] of reads) this.getNodeParameter(name, itemIndex, fallback, options as never);
			const answered: IDataObject[][] = new Array<IDataObject[]>(entries.length);
			let refused = 0;
			const send = async (position: number): Promise<void> => {
				const entry = entries[position];
				const query = toQueryString(entry.query);
				const headers: Record<string, string> = {};
				for (const [name, value] of Object.entries(entry.headers)) {
					if (!SKIPPED_HEADERS.includes(name) && typeof value === 'string') headers[name] = value;
				}
				const answer = (await this.helpers.httpRequest({
					method: entry.method as IHttpRequestMethods,
					url: `${baseUrl}${entry.path}${query ? `?${query}` : ''}`,
					headers,
					// As the node's transport sends them (nodes/shared/transport/request.ts): a JSON body, answers parsed.
					body: entry.body as IDataObject | string | undefined,
					json: true,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
				})) as { statusCode: number; body: unknown };
				if (answer.statusCode >= 300) refused++;
				const body = typeof answer.body === 'string' && answer.body !== '' ? (JSON.parse(answer.body) as unknown) : answer.body;
				answered[position] = answerTasks(entry.method, body);
			};
			if (entries.length > 0) await send(0);
			let next = 1;
			const worker = async (): Promise<void> => {
				while (next < entries.length) await send(next++);
			};
			await Promise.all(Array.from({ length: Math.min(inFlight, entries.length - 1) }, worker));
			const tasks = answered.flat();
			if (refused > 0) throw new Error(`n8n floor: ${refused} non-2xx answers`);
			if (operation === 'list') return [tasks.map((json) => ({ json, pairedItem: { item: 0 } }))];
			if (tasks.length !== input.length) throw new Error(`n8n floor: ${tasks.length} tasks in the answers for ${input.length} items`);
			return [input.map((_, i) => ({ json: tasks[i], pairedItem: { item: i } }))];
		},
	};
}
