/**
 * README.ru.md is README.md in Russian, and the two stay in step: the same headings (level by
 * level, in the same order), every fenced code block and every inline code span of README.md
 * verbatim, every link target (URL or relative path) of README.md, and a link from the top of
 * each to the other. A section added to README.md without its translation fails here. npm packs
 * both (its packlist always takes README*, README.ru.md included).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

interface Heading {
	level: number;
	text: string;
}

interface Readme {
	headings: Heading[];
	/** Fenced code blocks, fences included. */
	codeBlocks: string[];
	/** Everything outside fenced code blocks. */
	prose: string;
}

/** Splits a Markdown file into headings, fenced code blocks and the prose around them. */
function parse(markdown: string): Readme {
	const headings: Heading[] = [];
	const codeBlocks: string[] = [];
	const prose: string[] = [];
	let fence: string | null = null;
	let block: string[] = [];
	for (const line of markdown.split('\n')) {
		if (fence === null) {
			const opening = /^ {0,3}(`{3,}|~{3,})/.exec(line);
			if (opening) {
				fence = opening[1];
				block = [line];
				continue;
			}
			const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
			if (heading) headings.push({ level: heading[1].length, text: heading[2] });
			prose.push(line);
		} else {
			block.push(line);
			if (line.trim() === fence) {
				codeBlocks.push(block.join('\n'));
				fence = null;
			}
		}
	}
	if (fence !== null) throw new Error(`unclosed code fence: ${block[0]}`);
	return { headings, codeBlocks, prose: prose.join('\n') };
}

/** Link targets: of Markdown links `[text](target)` and bare URLs, without trailing punctuation. */
function linkTargets(prose: string): string[] {
	const targets = new Set<string>();
	for (const match of prose.matchAll(/\]\(\s*([^)\s]+)(?:\s+"[^"]*")?\s*\)/g)) targets.add(match[1]);
	for (const match of prose.matchAll(/\bhttps?:\/\/[^\s<>()`"'«»[\]]+/g)) targets.add(match[0].replace(/[.,;:]+$/, ''));
	return [...targets];
}

/** Inline code spans, with runs of white space (a span broken over two lines) as one space. */
function inlineCode(prose: string): string[] {
	return [...new Set([...prose.matchAll(/`([^`]+)`/g)].map((match) => match[1].replace(/\s+/g, ' ').trim()))];
}

/** The part of a file before its first `##` heading: title, intro and the language link. */
function top(markdown: string): string {
	const at = markdown.search(/^## /m);
	return at === -1 ? markdown : markdown.slice(0, at);
}

const englishText = readFileSync(join(root, 'README.md'), 'utf8');
const russianText = readFileSync(join(root, 'README.ru.md'), 'utf8');
const english = parse(englishText);
const russian = parse(russianText);

test('the parser finds what README.md holds (so the checks below are not empty)', () => {
	expect(english.headings.length).toBeGreaterThan(20);
	expect(english.headings[0]).toEqual({ level: 1, text: 'n8n-nodes-crm-tasks' });
	expect(english.codeBlocks.length).toBeGreaterThanOrEqual(3);
	expect(linkTargets(english.prose)).toEqual(expect.arrayContaining(['README.ru.md', 'https://pyrus.com/ru/help/api/tasks']));
	expect(inlineCode(english.prose)).toEqual(expect.arrayContaining(['npm start', 'amoCrmApi']));
	// A `# comment` inside a code block is not a heading.
	expect(english.headings.map((heading) => heading.text)).not.toContain('open tasks with their ids, newest first');
});

/** The headings grouped by section: each `#` / `##` heading with the headings below it. */
function sections(readme: Readme): Array<{ heading: string; below: string[] }> {
	const grouped: Array<{ heading: string; below: string[] }> = [];
	for (const { level, text } of readme.headings) {
		const line = `${'#'.repeat(level)} ${text}`;
		if (level <= 2 || grouped.length === 0) grouped.push({ heading: line, below: [] });
		else grouped[grouped.length - 1].below.push(line);
	}
	return grouped;
}

test('README.ru.md has the same headings as README.md, level by level in the same order', () => {
	// Names the first section whose heading levels differ, in both languages.
	const levels = (line: string) => line.split(' ')[0];
	const shape = (section: { heading: string; below: string[] }) => [section.heading, ...section.below].map(levels).join(' ');
	const russianSections = sections(russian);
	const firstDifference = sections(english).findIndex(
		(section, index) => !russianSections[index] || shape(russianSections[index]) !== shape(section),
	);
	expect({
		english: sections(english)[firstDifference] ?? null,
		russian: firstDifference === -1 ? null : (russianSections[firstDifference] ?? 'none'),
	}).toEqual({ english: null, russian: null });
	const allLevels = (readme: Readme) => readme.headings.map((heading) => heading.level);
	expect(allLevels(russian)).toEqual(allLevels(english));
});

test('every fenced code block of README.md is in README.ru.md verbatim', () => {
	expect(english.codeBlocks.filter((block) => !russian.codeBlocks.includes(block))).toEqual([]);
	expect(russian.codeBlocks).toHaveLength(english.codeBlocks.length);
});

test('every link target of README.md (URL or relative path) is in README.ru.md', () => {
	const russianTargets = new Set(linkTargets(russian.prose));
	const missing = linkTargets(english.prose).filter((target) => target !== 'README.ru.md' && !russianTargets.has(target));
	expect(missing).toEqual([]);
});

test('every inline code span of README.md (commands, names, values) is in README.ru.md verbatim', () => {
	const russianProse = russian.prose.replace(/\s+/g, ' ');
	expect(inlineCode(english.prose).filter((span) => !russianProse.includes(`\`${span}\``))).toEqual([]);
});

test('each README links to the other at its top', () => {
	expect(linkTargets(top(englishText))).toContain('README.ru.md');
	expect(linkTargets(top(russianText))).toContain('README.md');
});

test('npm packs README.ru.md beside README.md', async () => {
	const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root });
	const [listing] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
	const packed = listing.files.map((file) => file.path);
	expect(['README.md', 'README.ru.md'].filter((path) => !packed.includes(path))).toEqual([]);
}, 60_000);
