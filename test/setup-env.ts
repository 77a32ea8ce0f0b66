import { mkdtempSync } from 'fs';
import { setSafeRegexEngine } from 'n8n-workflow';
import { tmpdir } from 'os';
import { join } from 'path';

// n8n-core writes its settings under N8N_USER_FOLDER; keep that out of $HOME.
if (!process.env.N8N_USER_FOLDER) {
	process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'crm-tasks-n8n-'));
}

// n8n-workflow runs parameter patterns (the resource locators' URL and ID checks) in a vm with a
// 250 ms wall-clock limit against ReDoS; on a loaded CI machine a starved test process can hit
// that limit with a harmless pattern. The tests' patterns are the package's own, so they run on
// the plain engine (n8n's own fallback where no vm exists).
setSafeRegexEngine({
	exec: (pattern, input, flags) => new RegExp(pattern, flags).exec(input),
	test: (pattern, input, flags) => new RegExp(pattern, flags).test(input),
	replace: (pattern, input, flags, replacement) => input.replace(new RegExp(pattern, flags), replacement),
	matchAll: (pattern, input, flags) => Array.from(input.matchAll(new RegExp(pattern, flags?.includes('g') ? flags : `${flags ?? ''}g`))),
	split: (pattern, input, flags) => input.split(new RegExp(pattern, flags)),
});
