const REDACTED = '[redacted]';
/** A run of this many characters of a secret is taken as a leak of it (a vendor showing `sk-RT/Secret+K****`). */
const MIN_FRAGMENT = 8;
/** Secrets shorter than this are replaced only where they stand alone, so a one-letter key cannot eat words. */
const MIN_ANYWHERE = 4;
/** Beyond this a "secret" is no real key (the key check rejects it): only its plain forms are looked for. */
const MAX_DETAILED = 1024;

/**
 * Replaces every occurrence of every secret with `[redacted]`: the secret as is, URL-encoded (either hex
 * case), JSON-escaped (`\/`, `\uXXXX` …), HTML-escaped, and any run of eight or more of its characters.
 * One pass, and text already redacted is left as it is: redacting twice changes nothing.
 */
export function redact(text: string, secrets: readonly string[]): string {
  const usable = [...new Set(secrets.filter((secret) => secret !== ''))];
  if (usable.length === 0 || text === '') return text;
  const detailed = usable.filter((secret) => secret.length <= MAX_DETAILED);
  // A "secret" longer than any key is replaced as is and URL-encoded only (a regular expression of it could not be built).
  const plain = usable.filter((secret) => secret.length > MAX_DETAILED).flatMap((secret) => [secret, encodeURIComponent(secret)]);
  const pattern = detailed.length > 0 ? formsPattern(detailed) : undefined;
  return text
    .split(REDACTED)
    .map((part) => {
      const withoutPlain = plain.reduce((rest, form) => rest.split(form).join(REDACTED), part);
      return redactFragments(pattern === undefined ? withoutPlain : withoutPlain.replace(pattern, REDACTED), detailed);
    })
    .join(REDACTED);
}

/** One regular expression for every encoded form of every secret, longest first. */
function formsPattern(secrets: readonly string[]): RegExp {
  const forms = new Map<string, boolean>();
  for (const secret of secrets) {
    const anywhere = secret.length >= MIN_ANYWHERE;
    for (const form of encodedForms(secret)) forms.set(form, (forms.get(form) ?? false) || anywhere);
  }
  const alternatives = [...forms]
    .sort(([a], [b]) => b.length - a.length)
    .map(([form, anywhere]) => (anywhere ? escapeRegExp(form) : `(?<![A-Za-z0-9])${escapeRegExp(form)}(?![A-Za-z0-9])`));
  return new RegExp(alternatives.join('|'), 'g');
}

function encodedForms(secret: string): string[] {
  const uri = encodeURIComponent(secret);
  const json = JSON.stringify(secret).slice(1, -1);
  const html = secret.replace(/[&<>"'/+=]/g, (c) => `&#${c.charCodeAt(0)};`);
  const unicodeEscaped = [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
  return [
    secret,
    uri,
    uri.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    uri.replace(/%20/g, '+'),
    json,
    json.replace(/\//g, '\\/'),
    unicodeEscaped,
    unicodeEscaped.toUpperCase().replace(/\\U/g, '\\u'),
    html,
    secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
  ];
}

/** Replaces every run of MIN_FRAGMENT or more characters that also occurs in a secret. */
function redactFragments(text: string, secrets: readonly string[]): string {
  const long = secrets.filter((secret) => secret.length > MIN_FRAGMENT);
  if (long.length === 0 || text.length < MIN_FRAGMENT) return text;
  const grams = new Set<string>();
  for (const secret of long) for (let i = 0; i + MIN_FRAGMENT <= secret.length; i += 1) grams.add(secret.slice(i, i + MIN_FRAGMENT));
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (i + MIN_FRAGMENT <= text.length && grams.has(text.slice(i, i + MIN_FRAGMENT))) {
      let end = i + MIN_FRAGMENT;
      while (end < text.length && long.some((secret) => secret.includes(text.slice(i, end + 1)))) end += 1;
      out += REDACTED;
      i = end;
    } else {
      out += text[i];
      i += 1;
    }
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
