/** Shortest value treated as a secret: shorter ones would blank out ordinary words. */
const MIN_SECRET_LENGTH = 4;
const MASK = '***';

/** Bearer tokens and Basic credentials, whatever credential they came from. */
const AUTH_HEADER_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces every occurrence of each secret (raw and URL-encoded) by a mask. */
export function redactText(text: string, secrets: readonly string[]): string {
	let out = text;
	const variants = new Set<string>();
	for (const secret of secrets) {
		if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
		variants.add(secret);
		variants.add(encodeURIComponent(secret));
	}
	// Longest first, so a secret that contains another is masked whole.
	for (const variant of [...variants].sort((a, b) => b.length - a.length)) {
		out = out.replace(new RegExp(escapeRegExp(variant), 'g'), MASK);
	}
	return out.replace(AUTH_HEADER_VALUE, `$1 ${MASK}`);
}

/** Redacts every string inside a JSON-like value; returns a copy. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
	if (typeof value === 'string') return redactText(value, secrets) as T;
	if (Array.isArray(value)) return value.map((entry) => redactDeep(entry, secrets)) as T;
	if (value !== null && typeof value === 'object') {
		const copy: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value)) copy[key] = redactDeep(entry, secrets);
		return copy as T;
	}
	return value;
}

/** Every string value found in a credential object, for profiles that treat all of them as secret. */
export function stringValues(value: unknown, keys: readonly string[]): string[] {
	if (value === null || typeof value !== 'object') return [];
	const out: string[] = [];
	for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
		if (keys.includes(key) && typeof entry === 'string') out.push(entry);
		else if (entry !== null && typeof entry === 'object') out.push(...stringValues(entry, keys));
	}
	return out;
}
