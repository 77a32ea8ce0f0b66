import type { IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

/**
 * Reads a node-level parameter (resource, authentication...) from any context: execute
 * contexts take an item index, poll and load-options contexts do not.
 */
export function nodeParameter<T>(
	context: IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions,
	name: string,
	fallback: T,
): T {
	if ('getInputData' in context) {
		return (context as IExecuteFunctions).getNodeParameter(name, 0, fallback) as T;
	}
	return (context as IPollFunctions).getNodeParameter(name, fallback) as T;
}

/**
 * A profile's `credentialType` for a node whose "Authentication" parameter offers OAuth2
 * (`oAuth2`) and one other way (its default): the OAuth2 credential type, else the other.
 */
export function credentialTypeByAuthentication(
	defaultAuthentication: string,
	oAuth2CredentialType: string,
	otherCredentialType: string,
): (context: IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions) => string {
	return (context) =>
		nodeParameter<string>(context, 'authentication', defaultAuthentication) === 'oAuth2'
			? oAuth2CredentialType
			: otherCredentialType;
}
