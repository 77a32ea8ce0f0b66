/**
 * Every change emitted exactly once by the trigger under a seeded stream of bursts, changes
 * while paging, clock skew, n8n's clock stepping back, completions reopened and completed again
 * and completions from long before the activation (test/reliability/trigger-vendors.ts says how).
 */
import { setupNock } from '../harness';
import { itEmitsEveryChangeOnce, bitrix24Trigger } from './trigger-vendors';

setupNock({ allowLocalhost: true });

itEmitsEveryChangeOnce(bitrix24Trigger, {
	seed: 7004,
	steps: 110,
	changesPerStep: [5, 30],
	massBurstSteps: [20, 55, 90],
	massExtra: 40,
	pagingChangeChance: 0.5,
	createShare: 0.15,
	maxSkewMs: 5000,
	oldBacklog: 30,
	clockStepBackSteps: [35, 75],
});
