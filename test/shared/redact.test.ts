import { stringify } from 'querystring';

import { redactDeep, redactText, stringValues } from '../../nodes/shared/transport/redact';

const TOKEN = 'tok-Zq7:Xv$9/Lm+Ws=Kp4(!)*';

describe('redactText', () => {
	it('masks a secret written as it is, every time it occurs', () => {
		expect(redactText(`token ${TOKEN} and again ${TOKEN}.`, [TOKEN])).toBe('token *** and again ***.');
	});

	it('masks a secret URL-encoded with encodeURIComponent', () => {
		const url = `https://x.test/a?token=${encodeURIComponent(TOKEN)}&b=1`;

		expect(redactText(url, [TOKEN])).toBe('https://x.test/a?token=***&b=1');
	});

	it('masks a secret encoded as RFC 3986 (qs), as axios writes it, and with lower-case hex', () => {
		const rfc3986 = encodeURIComponent(TOKEN).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
		const axios = encodeURIComponent(TOKEN).replace(/%3A/gi, ':').replace(/%24/g, '$');
		const lower = encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, (c) => c.toLowerCase());

		expect(rfc3986).not.toBe(encodeURIComponent(TOKEN));
		expect(redactText(`a=${rfc3986}`, [TOKEN])).toBe('a=***');
		expect(redactText(`a=${axios}`, [TOKEN])).toBe('a=***');
		expect(redactText(`a=${lower}`, [TOKEN])).toBe('a=***');
	});

	it('masks a secret with spaces written as a form field, and with the escaped slashes of PHP JSON', () => {
		const password = 'correct horse/battery staple';

		expect(redactText(stringify({ password }), [password])).toBe('password=***');
		expect(redactText(`password=${new URLSearchParams({ p: password }).toString().slice(2)}`, [password])).toBe(
			'password=***',
		);
		expect(redactText('{"password":"correct horse\\/battery staple"}', [password])).toBe('{"password":"***"}');
	});

	it('masks the longest secret first, so one that contains another is masked whole', () => {
		expect(redactText('x abcdefgh y abcd', ['abcd', 'abcdefgh'])).toBe('x *** y ***');
		expect(redactText('x abcdefgh y abcd', ['abcdefgh', 'abcd'])).toBe('x *** y ***');
	});

	it('treats regular expression characters in a secret literally', () => {
		expect(redactText('aXbbbc+d? a.b*c+d?', ['a.b*c+d?'])).toBe('aXbbbc+d? ***');
		expect(redactText('x (a|b) y a', ['(a|b)'])).toBe('x *** y a');
	});

	it('masks Bearer tokens and Basic credentials it was not told about', () => {
		expect(redactText('Authorization: Bearer eyJhbGciOi.J9.abc-def_ghi', [])).toBe('Authorization: Bearer ***');
		expect(redactText('authorization: bearer abcdefgh12345678', [])).toBe('authorization: bearer ***');
		expect(redactText('Authorization: Basic dXNlcjpwYXNzd29yZA==', [])).toBe('Authorization: Basic ***');
		expect(redactText('Bearer short', [])).toBe('Bearer short');
	});

	it('ignores secrets too short to tell from ordinary words, and empty ones', () => {
		expect(redactText('the cat sat', ['cat', '', 'at'])).toBe('the cat sat');
	});

	it('masks non-Latin secrets raw and encoded', () => {
		const secret = 'пароль-секрет';

		expect(redactText(`p=${secret} q=${encodeURIComponent(secret)}`, [secret])).toBe('p=*** q=***');
	});
});

describe('redactDeep', () => {
	it('masks every string in nested objects and arrays, keys included, and leaves the original alone', () => {
		const original = {
			message: `bad token ${TOKEN}`,
			list: [TOKEN, 5, null, true, { url: `?t=${encodeURIComponent(TOKEN)}` }],
			[TOKEN]: 'as a key',
			count: 3,
		};
		const before = JSON.stringify(original);

		const redacted = redactDeep(original, [TOKEN]);

		expect(redacted).toEqual({
			message: 'bad token ***',
			list: ['***', 5, null, true, { url: '?t=***' }],
			'***': 'as a key',
			count: 3,
		});
		expect(JSON.stringify(original)).toBe(before);
	});

	it('passes non-string leaves through', () => {
		expect(redactDeep(null, [TOKEN])).toBeNull();
		expect(redactDeep(42, [TOKEN])).toBe(42);
		expect(redactDeep(TOKEN, [TOKEN])).toBe('***');
	});
});

describe('stringValues', () => {
	it('collects the named string fields at any depth (OAuth2 token data)', () => {
		const credential = {
			clientId: 'public-id',
			clientSecret: 'client-secret-1',
			oauthTokenData: { access_token: 'access-1', refresh_token: 'refresh-1', expires_in: 86400 },
		};

		expect(stringValues(credential, ['clientSecret', 'access_token', 'refresh_token']).sort()).toEqual([
			'access-1',
			'client-secret-1',
			'refresh-1',
		]);
		expect(stringValues(null, ['x'])).toEqual([]);
	});
});
