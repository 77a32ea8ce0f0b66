/**
 * Attachments (issue 11, Pyrus point 8) through n8n's engine against the loopback sandbox.
 * Pyrus tasks API (https://pyrus.com/ru/help/api/tasks), «attachments»: a plain value is the guid of an uploaded file, the id of a file already
 * attached to some task, or a URL; objects are `{guid, root_id?}`, `{attachment_id}`,
 * `{url, name?}`. The node sends every plain value as the object of its kind, and the examples
 * its own help text gives pass its own validation.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { CredentialDataMap } from '../harness';
import { PyrusSandbox, seedDemo } from '../sandbox/pyrus';
import { byId, nodeTypes, NODE_TYPE, runPyrus, usePyrusEnvironment } from './fixtures';

usePyrusEnvironment({ allowLocalhost: true });

let sandbox: PyrusSandbox;
let credentials: CredentialDataMap;

beforeAll(async () => {
	sandbox = new PyrusSandbox({ timeScale: 1000, rateLimit: 0 });
	const baseUrl = await sandbox.start();
	seedDemo(sandbox, { tasks: 2 });
	credentials = { pyrusApi: { login: 'bot@sandbox', secretKey: 'sandbox-security-key', serverUrl: `${baseUrl}/api/v4` } };
});

afterAll(async () => await sandbox.stop());

beforeEach(() => sandbox.clearLog());

const GUID = '08923d83-255b-4f18-b0eb-5c4d3b9bf1d2';

/** Every JSON value (array or object) written out in a parameter's help text. */
function examplesIn(description: string): unknown[] {
	const found: unknown[] = [];
	for (let start = 0; start < description.length; start++) {
		if (description[start] !== '[' && description[start] !== '{') continue;
		let depth = 0;
		for (let end = start; end < description.length; end++) {
			const char = description[end];
			if (char === '[' || char === '{') depth++;
			if (char === ']' || char === '}') depth--;
			if (depth === 0) {
				try {
					found.push(JSON.parse(description.slice(start, end + 1)));
					start = end;
				} catch {
					// Not JSON: look further.
				}
				break;
			}
		}
	}
	return found;
}

/** The "Attachments (JSON)" options of the node, wherever they appear. */
function attachmentOptions(): INodeProperties[] {
	const out: INodeProperties[] = [];
	const visit = (properties: unknown[]) => {
		for (const property of properties as INodeProperties[]) {
			if (property.name === 'attachments') out.push(property);
			if (Array.isArray(property.options)) visit(property.options);
		}
	};
	visit((nodeTypes[NODE_TYPE] as { description: { properties: unknown[] } }).description.properties);
	return out;
}

const posts = () => sandbox.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/api/v4/tasks'));

describe('attachments: the help text\'s examples', () => {
	it('every Attachments option shows examples, and each passes the node\'s validation and Pyrus\'s', async () => {
		const options = attachmentOptions();
		expect(options.length).toBeGreaterThanOrEqual(3);
		const examples = options.flatMap((option) => examplesIn(String(option.description)));
		expect(examples.length).toBeGreaterThan(0);
		sandbox.addUpload(GUID);
		sandbox.addAttachment({ id: 12345, name: 'spec.pdf' });

		for (const example of examples) {
			const value = Array.isArray(example) ? example : [example];
			const result = await runPyrus(
				{ resource: 'task', operation: 'create', taskKind: 'simple', text: 'With files', additionalFields: { attachments: JSON.stringify(value) } },
				{ credentials },
			);
			expect({ example, error: result.error?.message }).toEqual({ example, error: undefined });
			expect((result.items[0].json.attachments as IDataObject[]).length).toBe(value.length);
		}
	});
});

describe('attachments: plain values in their documented shape', () => {
	it('sends a GUID as {guid}, an attachment ID (text or number) as {attachment_id}, a link as {url}', async () => {
		sandbox.addUpload(GUID);
		sandbox.addAttachment({ id: 12345, name: 'spec.pdf' });

		const result = await runPyrus(
			{
				resource: 'task',
				operation: 'create',
				taskKind: 'simple',
				text: 'With files',
				additionalFields: { attachments: `["${GUID}", "12345", 12345, "https://example.com/spec.pdf"]` },
			},
			{ credentials },
		);

		expect(result.error).toBeUndefined();
		expect(posts().map((r) => (r.body as IDataObject).attachments)).toEqual([
			[{ guid: GUID }, { attachment_id: 12345 }, { attachment_id: 12345 }, { url: 'https://example.com/spec.pdf' }],
		]);
		expect((result.items[0].json.attachments as IDataObject[]).map((a) => a.name)).toEqual([
			expect.any(String),
			'spec.pdf',
			'spec.pdf',
			'https://example.com/spec.pdf',
		]);
	});

	it('a comment (Add) sends an attachment ID the same way', async () => {
		sandbox.addAttachment({ id: 777, name: 'act.pdf' });

		const result = await runPyrus(
			{ resource: 'comment', operation: 'create', taskId: byId('1002'), text: 'See the act', options: { attachments: '["777"]' } },
			{ credentials },
		);

		expect(result.error).toBeUndefined();
		expect(posts().map((r) => (r.body as IDataObject).attachments)).toEqual([[{ attachment_id: 777 }]]);
	});

	it('a plain value that is none of the three, or one GUID twice, fails naming the parameter, and nothing is sent', async () => {
		for (const value of ['["0f0e"]', `["${GUID}", {"guid": "${GUID}"}]`]) {
			const result = await runPyrus(
				{ resource: 'task', operation: 'update', taskId: byId('1002'), updateFields: { text: 'x', attachments: value } },
				{ credentials },
			);
			expect(result.error).toMatchObject({ name: 'NodeOperationError' });
			expect(result.error?.message).toContain('Update Fields → Attachments (JSON)');
		}
		expect(posts()).toEqual([]);
	});
});
