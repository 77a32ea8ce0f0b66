// n8n's community node rules: the current plugin (@n8n/eslint-plugin-community-nodes) and
// the classic eslint-plugin-n8n-nodes-base rule sets for nodes, credentials and package.json.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import jsoncParser from 'jsonc-eslint-parser';
import tseslint from 'typescript-eslint';

const classic = (files, config) => ({
	files,
	plugins: { 'n8n-nodes-base': n8nNodesBase },
	rules: config.rules,
});

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', '.cache/**', 'examples/**', 'scripts/**', '*.js', '*.mjs'] },
	{
		files: ['**/*.ts'],
		languageOptions: { parser: tseslint.parser, sourceType: 'module' },
	},
	{
		files: ['package.json'],
		languageOptions: { parser: jsoncParser },
	},
	n8nCommunityNodesPlugin.configs.recommended,
	classic(['credentials/**/*.ts'], n8nNodesBase.configs.credentials),
	classic(['nodes/**/*.ts'], n8nNodesBase.configs.nodes),
	classic(['package.json'], n8nNodesBase.configs.community),
	{
		// The classic set predates NodeConnectionTypes and URL documentation links, which the
		// current plugin requires; its conflicting rules give way.
		files: ['**/*.ts'],
		rules: {
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
];
