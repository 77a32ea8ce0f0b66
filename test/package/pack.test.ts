/**
 * What `npm publish` uploads: the package is built from a copy of this checkout into a fresh
 * dist/ (no stale files of an earlier build), then `npm pack --dry-run --json` lists the
 * tarball. It must hold only the built code, index.js, the README files, LICENSE, CHANGELOG.md
 * and package.json, and every file package.json's "n8n" section lists (what n8n loads).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
/** Not part of the sources: dependencies, build output, caches, test output. */
const NOT_COPIED = new Set(['node_modules', 'dist', '.git', '.cache', 'test-output', 'coverage']);

interface PackListing {
	files: Array<{ path: string }>;
}

interface Manifest {
	main: string;
	n8n: { credentials: string[]; nodes: string[] };
}

let copy: string;
let packed: string[];
let manifest: Manifest;

beforeAll(async () => {
	copy = mkdtempSync(join(tmpdir(), 'crm-tasks-pack-'));
	cpSync(root, copy, {
		recursive: true,
		filter: (source) => !NOT_COPIED.has(relative(root, source).split(/[\\/]/)[0]),
	});
	symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
	await run('npm', ['run', 'build'], { cwd: copy });
	const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], { cwd: copy });
	const [listing] = JSON.parse(stdout) as PackListing[];
	packed = listing.files.map((file) => file.path).sort();
	manifest = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as Manifest;
}, 180_000);

afterAll(() => {
	if (copy) rmSync(copy, { recursive: true, force: true });
});

test('the tarball holds only dist/, index.js, the README files, LICENSE, CHANGELOG.md and package.json', () => {
	const allowed = (path: string) =>
		/^dist\/.+\.(js|json|svg|png)$/.test(path) ||
		/^README(\.[a-z]{2})?\.md$/.test(path) ||
		['index.js', 'LICENSE', 'CHANGELOG.md', 'package.json'].includes(path);
	expect(packed.filter((path) => !allowed(path))).toEqual([]);
	const required = ['package.json', manifest.main, 'README.md', 'LICENSE', 'CHANGELOG.md'];
	expect(required.filter((path) => !packed.includes(path))).toEqual([]);
});

test('every node and credential in package.json\'s "n8n" section is in the tarball', () => {
	const listed = [...manifest.n8n.nodes, ...manifest.n8n.credentials];
	expect(listed.length).toBeGreaterThan(0);
	expect(listed.filter((path) => !packed.includes(path))).toEqual([]);
});

test('every node and credential in the tarball is listed in the "n8n" section (n8n loads nothing else)', () => {
	const built = packed.filter((path) => /\.(node|credentials)\.js$/.test(path)).sort();
	expect(built).toEqual([...manifest.n8n.nodes, ...manifest.n8n.credentials].sort());
});
