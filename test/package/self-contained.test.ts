/**
 * The repository stands on its own: no comment, test, fixture or document in it points to a file
 * that exists only outside it (working notes, private copies of vendor pages, paths on a
 * developer's machine). A behaviour cites the vendor's public documentation (URL and section),
 * an official SDK or library, or says "unconfirmed". Scans every tracked file but the lockfile.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

const root = join(__dirname, '..', '..');
/** This file: its examples are what the scan looks for. */
const SELF = 'test/package/self-contained.test.ts';

/** Pointers that only make sense with files outside the repository, and what they point to. */
const OUTSIDE: Array<[RegExp, string]> = [
	[/\/work\//, 'a path on the development machine'],
	[/\bshared\/(?:vendors|seeds|design|n8n-runtime|hooks)\b/, 'the shared notes folder'],
	[/\bvendors\/[\w-]+\.md\b/, 'a vendor notes file'],
	[/\bvendor notes\b/i, 'the vendor notes'],
	[/\bn8n-runtime\b/, 'the n8n runtime notes'],
	[/\bdesign(?:\.md\b| \u00a7)/, 'the design notes'],
	[/\u00a7/, 'a numbered section of notes kept outside the repository'],
	[/\bseeds?\//, 'the folder of copied vendor pages'],
	[/\bseed[ -]?0{1,2}[0-4]\b/i, 'a copied vendor page'],
	[/\bthe seed\b|\bseed['’]s\b|\bseed (?:page|article|section|example)s?\b/i, 'a copied vendor page'],
	[/\bBRIEF\.md\b/, 'the task brief'],
];

/** Where a URL (or a repository named by host) starts; what follows up to a space is the URL. */
const URL = /(?:[a-z][a-z0-9+.-]*:\/\/|\bwww\.|\bgithub\.com\/)[^\s"'`<>()[\]{}«»]*/gi;
/** A document named by path (notes.md, api-reference/x.md, limits.html) outside any URL. */
const DOCUMENT = /(?<![\w./@-])((?:\.{1,2}\/)?(?:[\w.-]+\/)*[\w.-]*\w\.(?:md|html))\b/g;

function trackedFiles(): string[] {
	return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
		.split('\0')
		.filter((file) => file !== '' && file !== 'package-lock.json' && file !== SELF && !file.startsWith('node_modules/'));
}

/** What continues a comment or text on the next line: indentation and a comment marker. */
const CONTINUATION = /^\s*(?:\*(?!\/)|\/\/|#)?\s*/;

/** Every outside pointer of one file, as `path:line: why: text`. */
function pointersIn(file: string, text: string, tracked: Set<string>): string[] {
	const found: string[] = [];
	const lines = text.split('\n');
	// The patterns also run over the lines joined, so that a pointer broken over two comment lines
	// ("… seed" / "000 …") is found, at the line where it starts.
	const starts: number[] = [];
	let joined = '';
	lines.forEach((line, index) => {
		if (index > 0) joined += ' ';
		starts.push(joined.length);
		joined += index > 0 ? line.replace(CONTINUATION, '') : line;
	});
	const lineAt = (offset: number): number => {
		let index = 0;
		while (index + 1 < starts.length && starts[index + 1] <= offset) index++;
		return index;
	};
	for (const [pattern, what] of OUTSIDE) {
		const seen = new Set<number>();
		for (const match of joined.matchAll(new RegExp(pattern.source, `${pattern.flags}g`))) {
			const index = lineAt(match.index);
			if (seen.has(index)) continue;
			seen.add(index);
			found.push(`${file}:${index + 1}: ${what}: ${lines[index].trim()}`);
		}
	}
	lines.forEach((line, index) => {
		const at = `${file}:${index + 1}`;
		for (const match of line.replace(URL, ' ').matchAll(DOCUMENT)) {
			const named = match[1];
			const fromRoot = posix.normalize(named);
			const fromHere = posix.normalize(posix.join(dirname(file), named));
			if (!tracked.has(fromRoot) && !tracked.has(fromHere)) {
				found.push(`${at}: a document that is not in the repository (${named}): ${line.trim()}`);
			}
		}
	});
	return found;
}

describe('the repository is self-contained', () => {
	const files = trackedFiles();
	const tracked = new Set(files);

	test('git lists the tracked files', () => {
		expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'nodes/shared/transport/request.ts']));
	});

	test('no file points to notes, copied vendor pages or paths outside the repository', () => {
		const found: string[] = [];
		for (const file of files) {
			const content = readFileSync(join(root, file));
			if (content.includes(0)) continue; // binary (icons)
			found.push(...pointersIn(file, content.toString('utf8'), tracked));
		}
		expect(found).toEqual([]);
	});

	test('the scan finds each kind of outside pointer', () => {
		const tracked = new Set(['README.md', 'docs/reliability.md']);
		const lines = [
			'see /work/shared/design.md',
			'source: vendors/amocrm.md §4',
			'as the vendor notes say',
			'seed 000 (#tasks-list)',
			'copied from the seed with one fix',
			'api-reference/tasks/tasks-task-list.md',
			'source: limits.html',
			'_general.md «Фильтрация»',
			'against the sandbox. Seed\n * 003, «attachments»',
			'// as the vendor\n\t// notes say',
		];
		for (const line of lines) expect({ line, flagged: pointersIn('nodes/x.ts', line, tracked).length > 0 }).toEqual({ line, flagged: true });
		const clean = [
			'https://apidocs.bitrix24.com/api-reference/tasks/tasks-task-list.html, «filter»',
			'https://github.com/moysklad/api-remap-1.2-doc/blob/master/md/_general.md',
			'github.com/amocrm/amocrm-api-php README.md',
			'README.md, docs/reliability.md and ../README.md',
			'a seeded random; sandbox seed: 7; seeds 7001-7004',
		];
		for (const line of clean) expect([line, pointersIn('test/x.ts', line, tracked)]).toEqual([line, []]);
	});
});
