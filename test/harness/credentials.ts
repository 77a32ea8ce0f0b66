/**
 * The credentials helper n8n-core calls for every credentialed request, standing in for
 * n8n's database-backed `CredentialsHelper` (packages/cli/src/credentials-helper.ts).
 *
 * It mirrors what n8n does with a credential type, so a test exercises the package's own
 * credential classes for real:
 * - `getDecrypted` fills in the type's property defaults (parents first, as `extends` says);
 * - `authenticate` applies the type's `authenticate`: the function form, or the generic
 *   form `{ type: 'generic', properties: { headers | qs | body | auth } }` whose values are
 *   resolved with n8n-workflow's expression engine (`={{$credentials.token}}`);
 * - `preAuthentication` runs only when the type has a hidden `expirable` property and that
 *   property is empty, or when n8n-core forces it after a 401; what it returns is stored
 *   back into the test's credential data (as n8n stores it in the database), so the next
 *   request reuses it;
 * - OAuth2 types (`extends: ['oAuth2Api']`) take n8n-core's OAuth2 path: `getParentTypes`
 *   walks `extends`, token refreshes land in `updateCredentialsOauthTokenData`.
 *
 * Every call that changes stored data is recorded for tests to assert.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialsExpressionResolveValues,
	IDataObject,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentials, ICredentialsHelper, NodeHelpers, deepCopy, isExpression } from 'n8n-workflow';

export type CredentialTypeMap = Record<string, ICredentialType>;
/** Decrypted test credentials, keyed by credential type name. */
export type CredentialDataMap = Record<string, ICredentialDataDecryptedObject>;

/** One call of a credential type's `preAuthentication`, as the tests see it. */
export interface PreAuthenticationCall {
	type: string;
	/** `true` when n8n-core forced it after a 401 (its `credentialsExpired` argument). */
	forced: boolean;
	/** Node that made the request. */
	node: string;
}

/** A write n8n would make to the credential row in its database. */
export interface CredentialUpdate {
	type: string;
	kind: 'preAuthentication' | 'oauthTokenData';
	data: ICredentialDataDecryptedObject;
}

/**
 * The parts of n8n-nodes-base's `oAuth2Api` credential type that n8n-core's OAuth2 path
 * reads (grant type, token URL, client id/secret, scope, authentication style). Used when
 * the test does not register its own `oAuth2Api`.
 */
export const OAUTH2_API_CREDENTIAL: ICredentialType = {
	name: 'oAuth2Api',
	displayName: 'OAuth2 API',
	genericAuth: true,
	properties: [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'options',
			options: [
				{ name: 'Authorization Code', value: 'authorizationCode' },
				{ name: 'Client Credentials', value: 'clientCredentials' },
				{ name: 'PKCE', value: 'pkce' },
			],
			default: 'authorizationCode',
		},
		{ displayName: 'Authorization URL', name: 'authUrl', type: 'string', default: '' },
		{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'string', default: '' },
		{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '' },
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'Scope', name: 'scope', type: 'string', default: '' },
		{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'string', default: '' },
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{ name: 'Body', value: 'body' },
				{ name: 'Header', value: 'header' },
			],
			default: 'header',
		},
		{ displayName: 'Ignore SSL Issues', name: 'ignoreSSLIssues', type: 'boolean', default: false },
	],
};

/** `ICredentials` for `getCredentials`: holds the test data, no encryption involved. */
class PlainCredentials extends ICredentials {
	private plain: ICredentialDataDecryptedObject;

	constructor(details: INodeCredentialsDetails, type: string, plain: ICredentialDataDecryptedObject) {
		super(details, type);
		this.plain = plain;
	}

	async getData(): Promise<ICredentialDataDecryptedObject> {
		return deepCopy(this.plain);
	}

	getDataToSave() {
		return { id: this.id, name: this.name, type: this.type, data: JSON.stringify(this.plain) };
	}

	async setData(data: ICredentialDataDecryptedObject) {
		this.plain = data;
	}

	async updateData(toUpdate: Partial<ICredentialDataDecryptedObject>, toDelete: string[] = []) {
		this.plain = { ...this.plain, ...toUpdate } as ICredentialDataDecryptedObject;
		for (const key of toDelete) delete this.plain[key];
	}
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	/** The test's credential data; updated in place by preAuthentication and OAuth2 refreshes. */
	readonly data: CredentialDataMap;

	readonly preAuthenticationCalls: PreAuthenticationCall[] = [];

	readonly updates: CredentialUpdate[] = [];

	private readonly types: CredentialTypeMap;

	constructor(types: CredentialTypeMap, data: CredentialDataMap) {
		super();
		this.types = { oAuth2Api: OAUTH2_API_CREDENTIAL, ...types };
		this.data = data;
	}

	private getType(name: string): ICredentialType {
		const type = this.types[name];
		if (!type) {
			throw new Error(
				`harness: unknown credential type "${name}" (registered: ${Object.keys(this.types).join(', ')})`,
			);
		}
		return type;
	}

	private stored(type: string): ICredentialDataDecryptedObject {
		const data = this.data[type];
		if (!data) {
			// n8n says this when the workflow's credential id does not resolve.
			throw new Error(`harness: the test gave no credential data for type "${type}"`);
		}
		return data;
	}

	/** All ancestors named in `extends`, nearest first (unknown ancestors end the walk). */
	getParentTypes(name: string): string[] {
		const parents = this.types[name]?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const type = this.types[credentialType];
		if (!type?.restrictToSupportedNodes) return true;
		return (type.supportedNodes ?? []).some(
			(supported) => supported === nodeType || nodeType.endsWith(`.${supported}`),
		);
	}

	/** Properties of the type merged with its parents', as n8n's CLI does. */
	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.getType(type);
		if (credentialType.extends === undefined) {
			if (['oAuth1Api', 'oAuth2Api'].includes(type)) {
				return [
					...credentialType.properties,
					{ displayName: 'oauthTokenData', name: 'oauthTokenData', type: 'json', default: {} },
				];
			}
			return credentialType.properties;
		}
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			if (this.types[parent]) NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		return new PlainCredentials(nodeCredentials, type, this.stored(type));
	}

	/**
	 * The test's data with the type's defaults filled in (a fresh object each call, as n8n
	 * decrypts anew). `raw` (OAuth2 refresh) returns the stored data untouched. Expressions
	 * in credential fields are resolved when n8n-core passes the values to resolve them with.
	 */
	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const original = deepCopy(this.stored(type));
		if (raw === true) return original;

		let decrypted = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			original as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		// Not a declared property: put it back, as n8n does.
		if (original.oauthTokenData !== undefined) decrypted.oauthTokenData = original.oauthTokenData;

		if (expressionResolveValues && Object.values(decrypted).some((v) => isExpression(v))) {
			const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
				expressionResolveValues;
			decrypted = workflow.expression.getParameterValue(
				decrypted as INodeParameters,
				runExecutionData,
				runIndex,
				itemIndex,
				node.name,
				connectionInputData,
				mode,
				{},
				executeData,
				false,
				decrypted,
			) as ICredentialDataDecryptedObject;
		}
		return decrypted;
	}

	/** Applies the credential type's own `authenticate` (function or generic form). */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.getType(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate?.type === 'generic') {
			if (!workflow || !node) throw new Error('harness: generic authenticate needs workflow and node');
			const resolve = (value: unknown): string => {
				if (!isExpression(value)) return value as string;
				const resolved = workflow.expression.getSimpleParameterValue(
					node,
					value as string,
					'internal',
					{ $credentials: credentials },
					undefined,
					'',
				);
				return resolved ? String(resolved) : '';
			};
			const target = requestOptions as unknown as Record<string, IDataObject>;
			target.headers ??= {};
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as IDataObject)) {
					target[outerKey] ??= {};
					target[outerKey][resolve(key)] = resolve(value);
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	/**
	 * n8n's rule: only types with a hidden `typeOptions.expirable` property get
	 * `preAuthentication`, and only when that property is empty or the request got a 401.
	 * The result is persisted only if it sets the expirable property and the node references
	 * the credential.
	 */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.getType(typeName);
		const expirable = this.getCredentialsProperties(typeName).find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (!expirable || typeof credentialType.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;

		this.preAuthenticationCalls.push({ type: typeName, forced: credentialsExpired, node: node.name });
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;

		const nodeCredentials = node.credentials?.[typeName];
		if (!nodeCredentials) return undefined;
		const stored = this.stored(typeName);
		const toPersist: ICredentialDataDecryptedObject = { ...stored };
		for (const [key, value] of Object.entries(output)) {
			// n8n never overwrites a field the user stored as an expression.
			if (key === expirable.name || !isExpression(stored[key])) toPersist[key] = value as never;
		}
		await this.updateCredentials(nodeCredentials, typeName, toPersist);
		return Object.assign(credentials, output);
	}

	/** OAuth2 path: n8n runs the type's `preAuthentication` on every request, unguarded. */
	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const { preAuthentication } = this.getType(typeName);
		if (typeof preAuthentication !== 'function') return undefined;
		return ((await preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject) ?? undefined;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data[type] = deepCopy(data);
		this.updates.push({ type, kind: 'preAuthentication', data: deepCopy(data) });
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const oauthTokenData = deepCopy(data.oauthTokenData) as IDataObject;
		this.stored(type).oauthTokenData = oauthTokenData;
		this.updates.push({ type, kind: 'oauthTokenData', data: { oauthTokenData } });
	}
}
