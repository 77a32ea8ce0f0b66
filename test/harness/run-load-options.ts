/**
 * `runLoadOptions`: calls a node's dropdown (`loadOptions`) or list search (`listSearch`)
 * method through n8n-core's real `LoadOptionsContext`, as the editor does when a user opens
 * a dropdown, so credentials and requests take the same path as in n8n.
 */
import { LoadOptionsContext } from 'n8n-core';
import type { INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { buildAdditionalData } from './additional-data';
import type { HarnessBaseOptions, HarnessNodeSpec } from './common';
import { DEFAULT_TIMEZONE, buildNode } from './common';
import { HarnessCredentialsHelper } from './credentials';
import { HarnessNodeTypes } from './node-types';

export interface RunLoadOptionsOptions extends HarnessBaseOptions {
	node: HarnessNodeSpec;
	/** `loadOptions` method name, or `listSearch` method name with `search`. */
	method: string;
	kind?: 'loadOptions' | 'listSearch';
	/** listSearch: the filter typed by the user and the pagination token. */
	filter?: string;
	paginationToken?: string;
}

export async function runLoadOptions(
	options: RunLoadOptionsOptions,
): Promise<INodePropertyOptions[] | INodeListSearchResult> {
	const credentials = options.credentials ?? {};
	const credentialsHelper = new HarnessCredentialsHelper(options.credentialTypes ?? {}, credentials);
	const node = buildNode(options.node, options.nodeTypes, credentials, [0, 0]);
	const settings = { timezone: options.timezone ?? DEFAULT_TIMEZONE, executionOrder: 'v1' as const };
	const workflow = new Workflow({
		id: 'harness-workflow',
		name: 'Harness workflow',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes(options.nodeTypes),
		settings,
	});
	const additionalData = buildAdditionalData({ credentialsHelper, workflowId: workflow.id, workflowSettings: settings });
	const context = new LoadOptionsContext(workflow, node, additionalData, 'parameters');
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const kind = options.kind ?? 'loadOptions';
	const method = nodeType.methods?.[kind]?.[options.method] as
		| ((this: LoadOptionsContext, filter?: string, token?: string) => Promise<unknown>)
		| undefined;
	if (!method) throw new Error(`harness: node type "${node.type}" has no ${kind} method "${options.method}"`);
	if (kind === 'listSearch') {
		return (await method.call(context, options.filter, options.paginationToken)) as INodeListSearchResult;
	}
	return (await method.call(context)) as INodePropertyOptions[];
}
