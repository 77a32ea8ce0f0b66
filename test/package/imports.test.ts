/**
 * Which part of the package may import which. Nodes may import their own credential's helpers
 * (a credential is loaded by n8n on its own, before and without any node), never the reverse; a
 * vendor never imports another vendor; shared code (nodes/shared, credentials/shared) knows no
 * vendor. Scans every TypeScript file under nodes/ and credentials/.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

const root = join(__dirname, '..', '..');

/** The vendors: the folders of nodes/ but shared. */
const VENDORS = readdirSync(join(root, 'nodes')).filter(
	(name) => name !== 'shared' && statSync(join(root, 'nodes', name)).isDirectory(),
);

function tsFiles(dir: string): string[] {
	return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
		const path = posix.join(dir, entry.name);
		if (entry.isDirectory()) return tsFiles(path);
		return entry.name.endsWith('.ts') ? [path] : [];
	});
}

/** Where a file belongs: its side (nodes, credentials) and its vendor, or 'shared'. */
function ownerOf(file: string, vendors: readonly string[]): { side: string; vendor: string } | undefined {
	const [side, folder, ...rest] = file.split('/');
	if (side !== 'nodes' && side !== 'credentials') return undefined;
	if (rest.length > 0) return { side, vendor: folder === 'shared' ? 'shared' : folder };
	// A credential file of the top folder: the vendor its name starts with (Bitrix24WebhookApi…).
	const vendor = vendors.find((name) => folder.startsWith(name));
	return { side, vendor: vendor ?? 'shared' };
}

/** The package files one file imports (relative imports resolved from the repository root). */
function importsOf(file: string, text: string): string[] {
	return ts
		.preProcessFile(text, true, true)
		.importedFiles.map(({ fileName }) => fileName)
		.filter((name) => name.startsWith('.'))
		.map((name) => posix.normalize(posix.join(posix.dirname(file), name)));
}

/** Each import that breaks a rule, as `file → import: why`. */
function brokenImports(file: string, imported: string[], vendors: readonly string[]): string[] {
	const from = ownerOf(file, vendors);
	if (!from) return [];
	return imported.flatMap((target) => {
		const to = ownerOf(target, vendors);
		if (!to) return [`${file} → ${target}: outside nodes/ and credentials/`];
		if (from.side === 'credentials' && to.side === 'nodes') return [`${file} → ${target}: a credential imports a node file`];
		if (from.vendor === 'shared' && to.vendor !== 'shared') return [`${file} → ${target}: shared code imports a vendor`];
		if (from.vendor !== 'shared' && to.vendor !== 'shared' && from.vendor !== to.vendor) {
			return [`${file} → ${target}: ${from.vendor} imports ${to.vendor}`];
		}
		return [];
	});
}

describe('import direction', () => {
	const files = [...tsFiles('nodes'), ...tsFiles('credentials')];

	test('the scan sees every vendor, node and credential', () => {
		expect(VENDORS.sort()).toEqual(['AmoCrm', 'Bitrix24', 'MoySklad', 'Pyrus']);
		expect(files).toEqual(
			expect.arrayContaining(['nodes/shared/execute.ts', 'nodes/Pyrus/Pyrus.node.ts', 'credentials/PyrusApi.credentials.ts']),
		);
	});

	test('no credential imports a node file, no vendor another vendor, no shared file a vendor', () => {
		const broken = files.flatMap((file) => {
			const text = readFileSync(join(root, file), 'utf8');
			return brokenImports(file, importsOf(file, text), VENDORS);
		});
		expect(broken).toEqual([]);
	});

	test('every relative import names a file of the package', () => {
		const missing = files.flatMap((file) =>
			importsOf(file, readFileSync(join(root, file), 'utf8'))
				.filter((target) => !existsSync(join(root, `${target}.ts`)) && !existsSync(join(root, target)))
				.map((target) => `${file} → ${target}`),
		);
		expect(missing).toEqual([]);
	});

	test('the rules flag each kind of wrong import, and pass the right ones', () => {
		const vendors = ['AmoCrm', 'Bitrix24', 'MoySklad', 'Pyrus'];
		const wrong: Array<[string, string]> = [
			['credentials/PyrusApi.credentials.ts', 'nodes/Pyrus/endpoints'],
			['credentials/Bitrix24WebhookApi.credentials.ts', 'nodes/shared/serviceUrl'],
			['credentials/Pyrus/endpoints.ts', 'nodes/shared/serviceUrl'],
			['nodes/Pyrus/api.ts', 'nodes/AmoCrm/api'],
			['nodes/Pyrus/api.ts', 'credentials/MoySkladApi.credentials'],
			['nodes/shared/execute.ts', 'nodes/Bitrix24/list'],
			['nodes/shared/execute.ts', 'credentials/Pyrus/endpoints'],
			['credentials/shared/serviceUrl.ts', 'credentials/AmoCrmApi.credentials'],
			['credentials/AmoCrmOAuth2Api.credentials.ts', 'credentials/Bitrix24WebhookApi.credentials'],
			['nodes/AmoCrm/api.ts', 'bench/run'],
		];
		for (const [file, target] of wrong) {
			expect({ file, target, flagged: brokenImports(file, [target], vendors).length }).toEqual({ file, target, flagged: 1 });
		}
		const right: Array<[string, string]> = [
			['nodes/Pyrus/api.ts', 'credentials/Pyrus/endpoints'],
			['nodes/MoySklad/api.ts', 'credentials/MoySkladApi.credentials'],
			['nodes/Bitrix24/api.ts', 'nodes/shared/transport/request'],
			['nodes/AmoCrm/api.ts', 'credentials/shared/serviceUrl'],
			['credentials/AmoCrmOAuth2Api.credentials.ts', 'credentials/AmoCrmApi.credentials'],
			['credentials/Bitrix24OAuth2Api.credentials.ts', 'credentials/Bitrix24/scopes'],
			['credentials/Pyrus/endpoints.ts', 'credentials/shared/serviceUrl'],
			['nodes/shared/execute.ts', 'nodes/shared/validation'],
		];
		for (const [file, target] of right) {
			expect({ file, target, broken: brokenImports(file, [target], vendors) }).toEqual({ file, target, broken: [] });
		}
	});
});
