/**
 * Every vendor folder has the same files for the same jobs, named the same (README.md,
 * Development: the table of file roles), so that knowing one vendor means knowing all four. A
 * vendor added without one of them, or a role moved back into another file, fails here.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { INodeProperties, INodeType } from 'n8n-workflow';

const root = join(__dirname, '..', '..');

/** The vendors: the folders of nodes/ but shared. */
const VENDORS = readdirSync(join(root, 'nodes')).filter(
	(name) => name !== 'shared' && statSync(join(root, 'nodes', name)).isDirectory(),
);

/** The files every vendor folder has (README.md's table says what each one holds). */
const ROLE_FILES = [
	'api.ts',
	'shape.ts',
	'list.ts',
	'locator.ts',
	'actions/router.ts',
	'actions/fields.ts',
	'actions/task/existing.ts',
	'methods/loadOptions.ts',
	'methods/listSearch.ts',
];

/** The vendors with bulk writes (Pyrus's API has none: one task per request). */
const BULK_VENDORS = ['AmoCrm', 'Bitrix24', 'MoySklad'];

function tsFiles(dir: string): string[] {
	return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
		const path = posix.join(dir, entry.name);
		if (entry.isDirectory()) return tsFiles(path);
		return entry.name.endsWith('.ts') ? [path] : [];
	});
}

describe('vendor folders: the same file roles in each', () => {
	it('finds the four vendors', () => {
		expect([...VENDORS].sort()).toEqual(['AmoCrm', 'Bitrix24', 'MoySklad', 'Pyrus']);
	});

	it.each(VENDORS)('nodes/%s has every role file', (vendor) => {
		const missing = ROLE_FILES.filter((file) => !existsSync(join(root, 'nodes', vendor, file)));
		expect(missing).toEqual([]);
	});

	it.each(BULK_VENDORS)('nodes/%s/write.ts holds its bulk writes over the shared batch runner', (vendor) => {
		const callers = tsFiles(`nodes/${vendor}`).filter((file) =>
			/\brunBatches\b/.test(readFileSync(join(root, file), 'utf8')),
		);
		expect(callers).toEqual([`nodes/${vendor}/write.ts`]);
	});

	it('only the bulk vendors call the shared batch runner', () => {
		const callers = VENDORS.filter((vendor) =>
			tsFiles(`nodes/${vendor}`).some((file) => /\brunBatches\b/.test(readFileSync(join(root, file), 'utf8'))),
		);
		expect(callers.sort()).toEqual(BULK_VENDORS);
	});

	it.each(VENDORS)('nodes/%s: the task locator is defined in locator.ts and the task shape in shape.ts', (vendor) => {
		const files = tsFiles(`nodes/${vendor}`);
		const defining = (pattern: RegExp) =>
			files.filter((file) => pattern.test(readFileSync(join(root, file), 'utf8')));
		expect(defining(/export const \w+_TASK_LOCATOR\b/)).toEqual([`nodes/${vendor}/locator.ts`]);
		expect(defining(/export function simplify\w*Task\b/)).toEqual([`nodes/${vendor}/shape.ts`]);
	});

	it.each(VENDORS)('nodes/%s: every task locator has From List, searched by a listSearch method of the node', (vendor) => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const module = require(join(root, 'nodes', vendor, `${vendor}.node.ts`)) as Record<string, new () => INodeType>;
		const node = new module[vendor]();
		const locators = node.description.properties.filter((property: INodeProperties) => property.name === 'taskId');
		expect(locators.length).toBeGreaterThan(0);
		for (const locator of locators) {
			const list = locator.modes?.find((mode) => mode.name === 'list');
			const method = list?.typeOptions?.searchListMethod;
			expect(method).toEqual(expect.any(String));
			expect(node.methods?.listSearch?.[method as string]).toEqual(expect.any(Function));
		}
	});
});
