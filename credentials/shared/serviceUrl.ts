/** Hosts where plain HTTP is allowed: a local test server, never a real account. */
export const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/**
 * Whether credentials may be sent to this URL: HTTPS, or plain HTTP to this machine only
 * (a local test server), so that secrets never cross the network unencrypted.
 */
export function isSecureOrLoopback(url: URL | undefined): boolean {
	return url?.protocol === 'https:' || (url?.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname));
}

/** A service URL from a credential, or what is wrong with it (each vendor words the message). */
export function parseServiceUrl(raw: string): URL | 'not a URL' | 'not HTTPS' {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return 'not a URL';
	}
	return isSecureOrLoopback(url) ? url : 'not HTTPS';
}
