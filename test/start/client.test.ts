/**
 * `N8nClient.waitForExecution` returns an execution only once n8n has ended it and serves its
 * data. A CI run of the n8n 1.x smoke test read an execution right after `POST /run` answered
 * and got n8n's answer for an execution it does not serve: `{}` (its REST layer sends
 * `{ data: undefined }`). The old wait took the missing status for "ended" and handed the test an
 * execution without data ("Cannot read properties of undefined (reading 'resultData')").
 * Here a loopback stand-in for n8n's `GET /rest/executions/:id` answers in the order under test.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { N8nClient } from '../../scripts/start/lib/client';

const ended = {
	id: '7',
	status: 'success',
	finished: true,
	mode: 'manual',
	workflowId: 'w1',
	data: { resultData: { runData: { Trigger: [{ data: { main: [[{ json: { id: 1 } }]] } }] } } },
};

let server: Server | undefined;

/** A stand-in n8n that gives `answers` in turn (the last one from then on); counts the reads. */
async function n8nAnswering(answers: unknown[]): Promise<{ client: N8nClient; reads: () => number }> {
	let reads = 0;
	server = createServer((request, response) => {
		if (request.url !== '/rest/executions/7') {
			response.writeHead(404).end();
			return;
		}
		const answer = answers[Math.min(reads, answers.length - 1)];
		reads += 1;
		response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
	});
	await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return { client: new N8nClient(`http://127.0.0.1:${port}`, '/nonexistent'), reads: () => reads };
}

afterEach(async () => {
	await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
	server = undefined;
});

test('an execution n8n does not serve yet is waited for, not returned', async () => {
	const { client, reads } = await n8nAnswering([{}, { data: { ...ended, status: 'running', data: undefined } }, { data: ended }]);
	const execution = await client.waitForExecution('7', 10_000);
	expect(execution.status).toBe('success');
	expect(execution.data.resultData.runData.Trigger).toHaveLength(1);
	expect(reads()).toBe(3);
});

test('an ended execution whose data is not there yet is waited for', async () => {
	const { client, reads } = await n8nAnswering([{ data: { ...ended, data: undefined } }, { data: ended }]);
	const execution = await client.waitForExecution('7', 10_000);
	expect(execution.data.resultData.runData.Trigger).toHaveLength(1);
	expect(reads()).toBe(2);
});

test('the wait gives up naming what it last saw', async () => {
	const { client } = await n8nAnswering([{}]);
	await expect(client.waitForExecution('7', 500)).rejects.toThrow('execution 7 not served by n8n after 500 ms');
});
