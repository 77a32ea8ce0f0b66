/**
 * Every change emitted exactly once by the trigger under a seeded stream of bursts, changes
 * while paging, clock skew, n8n's clock stepping back, completions reopened and completed again
 * and completions from long before the activation (test/reliability/trigger-vendors.ts says how).
 */
import { setupNock } from '../harness';
import { itEmitsEveryChangeOnce, moySkladTrigger } from './trigger-vendors';

setupNock({ allowLocalhost: true });

itEmitsEveryChangeOnce(moySkladTrigger, {
	seed: 7002,
	steps: 110,
	changesPerStep: [5, 30],
	massBurstSteps: [40, 85],
	massExtra: 40,
	pagingChangeChance: 1,
	createShare: 0.3,
	maxSkewMs: 5000,
	oldBacklog: 30,
	clockStepBackSteps: [35, 75],
});
