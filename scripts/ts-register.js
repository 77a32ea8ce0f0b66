/**
 * Lets a plain `node` child process load this repository's TypeScript (`node -r
 * ./test/reliability/ts-register.js file.ts`): each .ts file outside node_modules is
 * transpiled on require with the `typescript` package the project already has. No type
 * check (jest and tsc do that); sound because the project compiles with isolatedModules.
 */
'use strict';
const fs = require('fs');
const ts = require('typescript');

const compilerOptions = {
	module: ts.ModuleKind.CommonJS,
	target: ts.ScriptTarget.ES2022,
	esModuleInterop: true,
	sourceMap: false,
	inlineSourceMap: true,
};

function compileTypeScript(module, filename) {
	const source = fs.readFileSync(filename, 'utf8');
	const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
	module._compile(outputText, filename);
}

// `.ts` goes before `.json` in the resolution order: `./AmoCrm.node` must find AmoCrm.node.ts,
// not the AmoCrm.node.json (codex) file beside it.
const extensions = require.extensions;
const later = ['.json', '.node'].map((ext) => [ext, extensions[ext]]);
for (const [ext] of later) delete extensions[ext];
extensions['.ts'] = compileTypeScript;
for (const [ext, loader] of later) extensions[ext] = loader;
