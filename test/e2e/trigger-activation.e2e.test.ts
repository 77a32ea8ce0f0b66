/**
 * The first minute after activation, in real n8n 2.41.1 (the stack of `npm start`, on free
 * ports and in a fresh n8n folder): each vendor's polling trigger is activated and one task is
 * changed in its sandbox right after the activation poll, seconds later, not a minute. The
 * change must fire exactly one execution holding exactly that task, and the next scheduled
 * poll must fire none.
 */
import { expect } from '@jest/globals';

import { VENDORS } from '../../scripts/start/vendors';
import { CHANGE_WITHIN_MS, POLL_WAIT_MS, changeRightAfterActivation, useStack, type ActivationOutcome } from './support';

const e2e = useStack('e2e-activation');

describe('a change right after activation', () => {
	const outcomes = new Map<string, Promise<ActivationOutcome>>();

	beforeAll(async () => {
		// All vendors at once: their poll minutes overlap.
		for (const v of VENDORS) outcomes.set(v.id, changeRightAfterActivation(e2e, v.id));
		await Promise.allSettled(outcomes.values());
	}, 3 * POLL_WAIT_MS + 60_000);

	test.each(VENDORS.map((v) => v.id))('%s: fires exactly one execution, holding exactly that task', async (id) => {
		const { taskId, changedAfterMs, executions } = await outcomes.get(id)!;
		expect(changedAfterMs).toBeLessThan(CHANGE_WITHIN_MS);
		expect(executions.map((e) => ({ mode: e.mode, status: e.status }))).toEqual([{ mode: 'trigger', status: 'success' }]);
		e2e.running(id).entry.trigger.check(expect, executions[0], taskId, e2e.running(id).sandbox.sandbox);
	});
});
