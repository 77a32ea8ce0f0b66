/** Shortest value treated as a secret: shorter ones would blank out ordinary words. */
const MIN_SECRET_LENGTH = 4;
const MASK = '***';

/** Bearer tokens and Basic credentials, whatever credential they came from. */
const AUTH_HEADER_VALUE = /\b(Bearer|bearer|BEARER|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `%2F` in either case: `%2[fF]`. */
function percentPattern(encoded: string): string {
	return encoded.replace(/[A-Fa-f]/g, (digit) => `[${digit.toUpperCase()}${digit.toLowerCase()}]`);
}

/**
 * A pattern that finds a secret written raw or percent-encoded in any of the ways URLs and
 * forms are written (encodeURIComponent, RFC 3986 / `qs`, axios, form `+` for a space, upper
 * or lower-case hex), and with the `\/` of JSON written by PHP. Letters and digits stay literal.
 */
function secretPattern(secret: string): string {
	let pattern = '';
	for (const char of secret) {
		if (/^[A-Za-z0-9]$/.test(char)) {
			pattern += char;
			continue;
		}
		const forms = [escapeRegExp(char)];
		const code = char.codePointAt(0)!;
		try {
			forms.push(percentPattern(code < 0x80 ? `%${code.toString(16).padStart(2, '0')}` : encodeURIComponent(char)));
		} catch {
			// A lone surrogate has no URL form.
		}
		if (char === ' ') forms.push('\\+');
		if (char === '/') forms.push('\\\\/');
		pattern += `(?:${forms.join('|')})`;
	}
	return pattern;
}

/** Replaces every occurrence of each secret (raw and URL-encoded) by a mask. */
export function redactText(text: string, secrets: readonly string[]): string {
	let out = text;
	const unique = new Set<string>();
	for (const secret of secrets) {
		if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
		unique.add(secret);
	}
	// Longest first, so a secret that contains another is masked whole.
	for (const secret of [...unique].sort((a, b) => b.length - a.length)) {
		out = out.replace(new RegExp(secretPattern(secret), 'g'), MASK);
	}
	return out.replace(AUTH_HEADER_VALUE, `$1 ${MASK}`);
}

/** Redacts every string inside a JSON-like value; returns a copy. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
	if (typeof value === 'string') return redactText(value, secrets) as T;
	if (Array.isArray(value)) return value.map((entry) => redactDeep(entry, secrets)) as T;
	if (value !== null && typeof value === 'object') {
		const copy: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value)) copy[redactText(key, secrets)] = redactDeep(entry, secrets);
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
