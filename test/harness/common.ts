/**
 * Pieces shared by `runWorkflow` and `runPoll`: the options both take, building the
 * tested `INode`, and turning ObservableObject static data into plain JSON.
 */
import type {
	IDataObject,
	INode,
	INodeCredentials,
	INodeParameters,
	IVersionedNodeType,
	INodeType,
} from 'n8n-workflow';
import { deepCopy } from 'n8n-workflow';

import type { CredentialDataMap, CredentialTypeMap, CredentialUpdate, PreAuthenticationCall } from './credentials';
import type { NodeTypeMap } from './node-types';

/** Default workflow time zone (workflow settings `timezone`). */
export const DEFAULT_TIMEZONE = 'UTC';

/** The node under test, in the convenience form. */
export interface HarnessNodeSpec {
	/** Full type name, e.g. `n8n-nodes-crm-tasks.amoCrm`. */
	type: string;
	parameters?: INodeParameters;
	/**
	 * Credentials the workflow node references, `{ [type]: { id, name } }`. Default: one
	 * reference per type in the test's `credentials` map (n8n-core refuses credentials the
	 * node does not reference).
	 */
	credentials?: INodeCredentials;
	/** Default: the node type's current/default version. */
	typeVersion?: number;
	/** Default: `Node`. */
	name?: string;
	/** Any other node settings (`retryOnFail`, `alwaysOutputData`, `executeOnce`...). */
	settings?: Partial<Omit<INode, 'type' | 'parameters' | 'credentials' | 'typeVersion' | 'name'>>;
}

export interface HarnessBaseOptions {
	/** The package's node classes by full type name. */
	nodeTypes: NodeTypeMap;
	/** The package's credential classes by credential type name. */
	credentialTypes?: CredentialTypeMap;
	/**
	 * Decrypted credential data by credential type name. The harness updates this object
	 * in place (preAuthentication results, OAuth2 token refreshes), as n8n updates its
	 * database: pass the same object to several runs to share a token between them.
	 */
	credentials?: CredentialDataMap;
	/** Workflow settings `timezone`; default {@link DEFAULT_TIMEZONE}. */
	timezone?: string;
}

/** What the credentials helper saw, returned by both runners. */
export interface CredentialActivity {
	/** The credential data after the run (same object as `options.credentials`). */
	credentials: CredentialDataMap;
	/** Every `preAuthentication` call (type, forced after a 401 or not, node). */
	preAuthenticationCalls: PreAuthenticationCall[];
	/** Every write n8n would make to a credential (preAuthentication, OAuth2 token data). */
	credentialUpdates: CredentialUpdate[];
}

function defaultVersion(type: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in type) return type.currentVersion;
	const { version, defaultVersion: dv } = type.description;
	if (dv !== undefined) return dv;
	return Array.isArray(version) ? Math.max(...version) : version;
}

export function buildNode(
	spec: HarnessNodeSpec,
	nodeTypes: NodeTypeMap,
	credentials: CredentialDataMap,
	position: [number, number],
): INode {
	const type = nodeTypes[spec.type];
	if (!type) throw new Error(`harness: node type "${spec.type}" is not in options.nodeTypes`);
	const defaultCredentials: INodeCredentials = {};
	for (const name of Object.keys(credentials)) defaultCredentials[name] = { id: `cred-${name}`, name };
	return {
		id: `node-${spec.name ?? 'Node'}`,
		name: spec.name ?? 'Node',
		type: spec.type,
		typeVersion: spec.typeVersion ?? defaultVersion(type),
		position,
		// Copied: n8n-workflow's Workflow fills defaults into node parameters in place.
		parameters: deepCopy(spec.parameters ?? {}),
		credentials: spec.credentials ?? defaultCredentials,
		...spec.settings,
	};
}

/** Plain JSON copy of a workflow's static data (drops ObservableObject's `__dataChanged`). */
export function plainStaticData(staticData: IDataObject): IDataObject {
	const copy = JSON.parse(JSON.stringify(staticData)) as IDataObject;
	delete copy.__dataChanged;
	return copy;
}
