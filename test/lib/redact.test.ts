import { describe, expect, it } from 'vitest';
import { stripControls, vendorSays, vendorText } from '../../lib/providers/vendor-text.js';
import { redact } from '../../lib/redact.js';

const KEY = 'sk-RT/Secret+Key-12345678';

describe('redact', () => {
  it.each([
    ['as is', KEY],
    ['URL-encoded', encodeURIComponent(KEY)],
    ['URL-encoded in lower case', encodeURIComponent(KEY).toLowerCase().replace('sk-rt', 'sk-RT').replace('secret', 'Secret').replace('key', 'Key')],
    ['JSON-escaped', 'sk-RT\\/Secret+Key-12345678'],
    ['\\u-escaped', [...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')],
    ['as HTML entities', 'sk-RT&#47;Secret&#43;Key-12345678'],
    ['partly', 'sk-RT/Secret+K****'],
  ])('replaces a secret %s', (_, form) => {
    // Act
    const text = redact(`before ${form} after`, [KEY]);

    // Assess
    expect(text).toMatch(/^before \[redacted\]\**? after$/);
  });

  it('changes nothing more when run again, and ignores empty secrets', () => {
    // Prepare
    const once = redact(`a ${KEY} b ${KEY.slice(0, 10)} c`, [KEY, '']);

    // Act
    const twice = redact(once, [KEY, '']);

    // Assess
    expect(once).toBe('a [redacted] b [redacted] c');
    expect(twice).toBe(once);
  });

  it('replaces a one-letter secret only where it stands alone, so messages stay readable', () => {
    // Act
    const text = redact('the key e was rejected; redacted twice: e', ['e']);
    const again = redact(text, ['e']);

    // Assess
    expect(text).toBe('the key [redacted] was rejected; redacted twice: [redacted]');
    expect(again).toBe(text);
  });

  it('copes with a secret of 100 KB', () => {
    // Prepare
    const huge = 'x'.repeat(100_000);

    // Act
    const text = redact(`k=${huge};`, [huge]);

    // Assess
    expect(text).toBe('k=[redacted];');
  });
});

describe('vendor text', () => {
  it('strips terminal escapes, control characters and direction marks', () => {
    // Act
    const text = stripControls('\u001b[1;31mred\u001b[0m\u0007 \u001b]0;title\u0007ok\r\nnext\u202eline\u0000');

    // Assess
    expect(text).toBe('red  ok  nextline ');
  });

  it('takes only known fields of an error body, bounded, and the start of any other body', () => {
    // Act
    const known = vendorSays({ code: 'E1', message: 'm'.repeat(500), secret_debug: KEY }, '', [KEY]);
    const nested = vendorSays({ errors: [{ code: 10009, detail: 'bad' }] }, '', []);
    const html = vendorText(`<html><script>x()</script><h1>Down</h1>${'y'.repeat(400)}</html>`, []);

    // Assess
    expect(known).toBe(`E1: ${'m'.repeat(100)}`);
    expect(nested).toBe('10009: bad');
    expect(html).toBe(`Down ${'y'.repeat(195)}…`);
  });
});
