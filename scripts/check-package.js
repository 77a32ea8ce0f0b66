// Loads the built package the way n8n loads a community package (n8n-core's
// PackageDirectoryLoader over package.json's "n8n" section) and checks that every node and
// credential is there, with its icons, under the names workflows use. Run after `npm run build`.
const path = require('path');
const fs = require('fs');
const { PackageDirectoryLoader } = require('n8n-core');

async function main() {
	const root = path.resolve(__dirname, '..');
	const pkg = require(path.join(root, 'package.json'));
	const loader = new PackageDirectoryLoader(root);
	await loader.loadAll();

	const problems = [];
	const nodeNames = Object.keys(loader.nodeTypes);
	const credentialNames = Object.keys(loader.credentialTypes);
	if (nodeNames.length !== pkg.n8n.nodes.length) {
		problems.push(`expected ${pkg.n8n.nodes.length} nodes, n8n loaded ${nodeNames.length}: ${nodeNames.join(', ')}`);
	}
	if (credentialNames.length !== pkg.n8n.credentials.length) {
		problems.push(`expected ${pkg.n8n.credentials.length} credentials, n8n loaded ${credentialNames.length}`);
	}
	for (const [name, { type }] of Object.entries(loader.nodeTypes)) {
		const description = type.description;
		// n8n turns `icon: 'file:…'` into icon URLs under icons/<package>/ that it serves from the package folder.
		const iconUrl = description.iconUrl;
		const files = !iconUrl ? [] : typeof iconUrl === 'object' ? Object.values(iconUrl) : [iconUrl];
		if (files.length === 0) problems.push(`${name}: no icon`);
		for (const url of files) {
			const file = String(url).replace(`icons/${pkg.name}/`, '');
			if (!fs.existsSync(path.join(root, file))) problems.push(`${name}: icon ${file} missing`);
		}
		if (!description.codex?.categories?.length) problems.push(`${name}: codex file (categories) not loaded`);
		if (description.polling && !name.endsWith('Trigger')) problems.push(`${name}: a trigger must end in "Trigger"`);
		for (const credential of description.credentials ?? []) {
			if (!credentialNames.includes(credential.name)) problems.push(`${name}: unknown credential ${credential.name}`);
		}
	}
	if (problems.length) {
		console.error(`package check failed:\n- ${problems.join('\n- ')}`);
		process.exit(1);
	}
	console.log(
		`package loads in n8n: nodes ${nodeNames.map((n) => `${pkg.name}.${n}`).join(', ')}; credentials ${credentialNames.join(', ')}`,
	);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
