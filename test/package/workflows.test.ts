/**
 * The GitHub Actions workflows a release depends on. n8n lists a community node only when it was
 * published from a GitHub Action with an npm provenance statement (required since 1 May 2026), so
 * the publish workflow must ask for the OIDC token and publish with --provenance; CI must run the
 * README's test command on every push. Read as text: the repository has no YAML parser, and the
 * lines checked are single-line keys and commands.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const workflows = join(__dirname, '..', '..', '.github', 'workflows');
const read = (file: string) => readFileSync(join(workflows, file), 'utf8');
/** Lines without comments and surrounding blanks. */
const lines = (text: string) =>
	text
		.split('\n')
		.map((line) => line.replace(/(^|\s)#.*$/, '').trim())
		.filter(Boolean);

describe('CI (.github/workflows/ci.yml)', () => {
	const ci = lines(read('ci.yml'));

	test('runs on every push', () => {
		expect(ci).toContain('push:');
	});

	test('installs from the lockfile and runs the README\'s test command after the build', () => {
		const install = ci.findIndex((l) => /^- run: npm ci\b/.test(l));
		const build = ci.indexOf('- run: npm run build');
		const test = ci.findIndex((l) => /^- run: npm test\b/.test(l));
		expect([install, build, test].every((i) => i >= 0)).toBe(true);
		expect(install).toBeLessThan(build);
		expect(build).toBeLessThan(test);
		expect(readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8')).toMatch(/^npm test\b/m);
	});
});

describe('publish (.github/workflows/publish.yml)', () => {
	const publish = lines(read('publish.yml'));

	test('runs on version tags only', () => {
		const on = publish.indexOf('on:');
		expect(publish.slice(on, on + 3)).toEqual(['on:', 'push:', "tags: ['v*']"]);
	});

	test('may request the OIDC token npm signs the provenance statement with', () => {
		expect(publish).toContain('id-token: write');
	});

	test('builds, tests and publishes with provenance, the token coming from a repository secret', () => {
		const build = publish.indexOf('- run: npm run build');
		const test = publish.findIndex((l) => /^- run: npm test\b/.test(l));
		const release = publish.indexOf('- run: npm publish --provenance --access public');
		expect([build, test, release].every((i) => i >= 0)).toBe(true);
		expect(build).toBeLessThan(release);
		expect(test).toBeLessThan(release);
		expect(publish).toContain('NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}');
	});
});
