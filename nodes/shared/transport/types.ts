import type {
	IAdditionalCredentialOptions,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';

/** Every n8n context the request helper can run in. */
export type RequestContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

/**
 * Request budget of one account, enforced in process before anything is sent.
 * A token bucket: `capacity` requests may go at once, then `refillPerSecond` more per second.
 */
export interface RateLimitPolicy {
	capacity: number;
	refillPerSecond: number;
	/** Requests in flight at once for one account. */
	maxInFlight: number;
	/**
	 * The vendor's own sliding-window limit, "at most `limit` requests in any `windowMs`", kept
	 * however late a request reaches the server: a request counts from when it is sent until
	 * `windowMs` after its answer came back (it arrived somewhere in between), and nothing is sent
	 * while `limit` of them count. The token bucket alone spaces the sends, and a request delayed
	 * on its way can still land in the same server window as the ones sent after it.
	 */
	window?: { limit: number; windowMs: number };
}

/** What a response says about the vendor's limits. */
export type LimitSignal =
	| {
			kind: 'ok';
			/** The answer says the budget is spent: later requests of the account wait this long (ms). */
			pauseMs?: number;
	  }
	/** A rate-limit answer: the request was refused, not processed; safe to send again. */
	| {
			kind: 'limited';
			retryAfterMs?: number;
			/**
			 * `request`: a separate quota of this kind of request (Pyrus's task deletions): the
			 * account's other requests go on unpaused, and the request is repeated only after the
			 * wait the answer itself names (`retryAfterMs`); without one it fails. Default `account`.
			 */
			scope?: 'account' | 'request';
	  }
	/** The account is blocked or banned: stop at once, retrying makes it worse. */
	| { kind: 'blocked'; message: string };

export interface ParsedVendorError {
	message: string;
	description?: string;
}

export interface RawResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

/**
 * Everything the shared helper needs to know about one vendor. Profiles stay thin:
 * data and small pure functions, no HTTP of their own.
 */
export interface VendorProfile {
	/** Shown in messages, e.g. "amoCRM". */
	displayName: string;
	/** The credential type this node instance uses (reads the node's `authentication` parameter). */
	credentialType(context: RequestContext): string;
	/** What is wrong with the credential (a bad host...), or undefined when it can be used. */
	credentialProblem?(credentials: ICredentialDataDecryptedObject): string | undefined;
	/** Base URL for relative paths, from a credential that has no problem. */
	baseUrl(credentials: ICredentialDataDecryptedObject): string;
	/** Identity of the account whose budget a request draws on. */
	accountKey(credentials: ICredentialDataDecryptedObject): string;
	/** Every secret value the credential holds, for redaction. */
	secrets(credentials: ICredentialDataDecryptedObject): string[];
	rateLimit: RateLimitPolicy;
	/** Reads the vendor's limit signals off a response. */
	limitSignal(response: RawResponse): LimitSignal;
	/** Reads the vendor's own error message off an error response. */
	parseError(response: RawResponse): ParsedVendorError;
	/** A fix hint for the usual causes of an error status. */
	hint?(statusCode: number, parsed: ParsedVendorError): string | undefined;
	/** How arrays are written in the query string. */
	qsArrayFormat?: 'brackets' | 'indices' | 'repeat';
	/** Headers sent with every request (Accept, Accept-Encoding...). */
	defaultHeaders?: IDataObject;
	/** Successful answers that have no body (amoCRM: 204 for an empty list). */
	emptyStatuses?: number[];
	/**
	 * An account that can move to another host (a renamed Bitrix24 portal answers every request
	 * with a redirect there). Without it, redirects are followed on the account's own host only.
	 */
	accountMoves?: AccountMoves;
}

/**
 * How the helper follows an account to its new host: the same request, method and body, goes
 * there over HTTPS (plain HTTP only between local sandboxes), to a host the vendor accepts.
 */
export interface AccountMoves {
	/** What the account is called in messages ("portal"). */
	noun: string;
	/** Moves followed per request. */
	max: number;
	/** Whether the request, secret and all, may follow the account from `from` to `to`. */
	mayMoveTo(from: URL, to: URL): boolean;
	/** Why a refused host is not acceptable, after "which is": "neither a ... nor ...". */
	notAcceptable: string;
	/** Remembers the new origin, so that later requests (whose base URL it gives) go there directly. */
	moved(credentials: ICredentialDataDecryptedObject, to: string): void;
}

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** A path relative to the profile's base URL, or an absolute URL on the same host (paging links). */
	path: string;
	qs?: IDataObject;
	body?: IDataObject | IDataObject[];
	headers?: IDataObject;
	/**
	 * Whether sending this request twice does no harm. Defaults from the method: GET, HEAD,
	 * PUT, DELETE are idempotent; POST and PATCH are not. Vendors that read with POST say so here.
	 */
	idempotent?: boolean;
	/** The input item the request serves, for error messages. */
	itemIndex?: number;
	/** Handed to n8n's httpRequestWithAuthentication (e.g. OAuth2 options of a vendor that renews tokens itself). */
	credentialOptions?: IAdditionalCredentialOptions;
	/**
	 * An error answer the caller reads itself (a bulk answer that reports each element on its
	 * own, some of them saved): true returns it with its status instead of throwing. Limit
	 * answers are still waited out and retried, and redirects followed, before this is asked.
	 */
	returnErrorAnswer?(response: RawResponse): boolean;
	/**
	 * For a request repeated after an attempt whose outcome is unknown (a server error, a lost
	 * answer): whether the repeat's error answer means that attempt already did the work (a
	 * repeated delete finds the record gone). Such an answer is returned with `alreadyDone`
	 * instead of thrown; the same answer to a first attempt is an error as usual.
	 */
	doneWhenRepeatAnswers?: (response: RawResponse) => boolean;
}

export interface ApiResponse<T = unknown> {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: T;
	/** The answer is a repeat's error answer that {@link ApiRequest.doneWhenRepeatAnswers} accepted. */
	alreadyDone?: boolean;
}
