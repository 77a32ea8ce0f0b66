/**
 * Lets plain `node` load the package's TypeScript (nodes, credentials, test harness, sandboxes)
 * without a build step: each .ts file is transpiled on load with `typescript`'s transpileModule
 * (no type check; `npm run typecheck` does that) using tsconfig.json's compiler options. Used by
 * `npm run bench` and the child processes of test/reliability/workers.test.ts.
 */
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const configFile = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
const { options } = ts.convertCompilerOptionsFromJson(configFile.config.compilerOptions, root);
const compilerOptions = { ...options, sourceMap: false, inlineSourceMap: false, declaration: false };

require.extensions['.ts'] = function compileTypeScript(module, filename) {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
	module._compile(outputText, filename);
};

// Inside the package, `./AmoCrm.node` means AmoCrm.node.ts, not the codex AmoCrm.node.json
// beside it (node would try .json before any added extension).
const Module = require('module');
const resolveFilename = Module._resolveFilename;
// Under `npm run test:n8n1` (test/n8n1/jest.config.js sets CRM_TASKS_N8N_ENGINE=v1) child
// processes load n8n's 1.x engine as the jest workers do: the aliased devDependencies.
const V1_ALIASES = { 'n8n-core': 'n8n-core-v1', 'n8n-workflow': 'n8n-workflow-v1', '@n8n/di': 'n8n-di-v1' };
const engineV1 = process.env.CRM_TASKS_N8N_ENGINE === 'v1';
Module._resolveFilename = function resolvePackageTypeScript(request, parent, ...rest) {
	if (request.startsWith('.') && parent && parent.filename && !parent.filename.includes('node_modules')) {
		const candidate = path.resolve(path.dirname(parent.filename), `${request}.ts`);
		if (fs.existsSync(candidate)) return candidate;
	}
	if (engineV1) {
		const name = Object.keys(V1_ALIASES).find((n) => request === n || request.startsWith(`${n}/`));
		if (name) request = V1_ALIASES[name] + request.slice(name.length);
	}
	return resolveFilename.call(this, request, parent, ...rest);
};

// n8n-core writes its settings under N8N_USER_FOLDER; keep that out of $HOME (as test/setup-env.ts).
if (!process.env.N8N_USER_FOLDER) {
	const os = require('os');
	process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-tasks-node-'));
}
