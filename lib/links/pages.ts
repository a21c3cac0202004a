// The pages a snooze link shows: small, plain, accessible HTML with no external assets, one inline
// style allowed by its hash, readable on a phone. Pure.
import { createHash } from 'node:crypto';
import { formatInstant } from '../alerts/text.js';
import type { Silence } from '../alerts/silences.js';
import type { SnoozeClaim } from './token.js';
import { TOKEN_PARAM } from './signer.js';

/** An HTTP answer of the link function. */
export interface LinkResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const STYLE = [
  ':root{color-scheme:light dark;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5}',
  'body{margin:0;padding:1rem;background:Canvas;color:CanvasText}',
  'main{max-width:36rem;margin:0 auto}',
  'h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}',
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:1rem 0}',
  'dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}',
  'time{white-space:nowrap}',
  'code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.95em;overflow-wrap:anywhere}',
  'button{font:inherit;font-weight:600;min-height:2.75rem;padding:.5rem 1.25rem;border-radius:.375rem;border:2px solid #0b57d0;background:#0b57d0;color:#fff;cursor:pointer}',
  'button.secondary{background:transparent;color:inherit;border-color:currentColor}',
  'button:focus-visible{outline:3px solid #f29900;outline-offset:2px}',
  '.note{font-size:.95rem;opacity:.85}',
  '@media (max-width:30rem){dl{grid-template-columns:1fr}dd{margin-bottom:.5rem}button{width:100%}}',
].join('');

/** `default-src 'none'`: nothing loads; the one inline style runs by its hash; forms post back here only. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  // Pages answer one token and may say what it silenced: nothing keeps them, nothing sends the URL on.
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
} as const;

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A whole page: `content` is HTML already escaped. */
export function page(status: number, title: string, content: string, extraHeaders: Record<string, string> = {}): LinkResponse {
  const body = [
    '<!doctype html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="robots" content="noindex, nofollow"><title>${escapeHtml(title)} · budget-alerts</title><style>${STYLE}</style></head>`,
    `<body><main><h1>${escapeHtml(title)}</h1>${content}</main></body>`,
    '</html>',
    '',
  ].join('\n');
  return { status, headers: { ...HEADERS, ...extraHeaders }, body };
}

/** `1 day`, `1 week`, `36 hours`, `90 minutes`. */
export function formatDuration(ms: number): string {
  const units: readonly [number, string][] = [
    [7 * 86_400_000, 'week'],
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  const [size, unit] = units.find(([size]) => ms % size === 0) ?? [60_000, 'minute'];
  const count = Math.max(1, Math.round(ms / size));
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** An instant as `<time>`, e.g. 2026-11-21 13:00 UTC (kept on one line). */
function instant(iso: string): string {
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(formatInstant(iso))}</time>`;
}

/** What a matcher silences, in words. */
function describeMatcher(matcher: string): string {
  const account = /^([^*/]+)\/\*$/.exec(matcher)?.[1];
  return account !== undefined
    ? `every alert of account <code>${escapeHtml(account)}</code> (<code>${escapeHtml(matcher)}</code>)`
    : `alerts with key <code>${escapeHtml(matcher)}</code>`;
}

/** Where else a silence can be made: the stack's own check function takes `{"silence": …}` events. */
const SILENCE_ELSEWHERE =
  'To silence alerts, use the links of a newer alert, or invoke the check function with a <code>{"silence": …}</code> event (see the README, “Silences and snooze links”).';

const RESOLUTIONS_STILL_SENT = '<p class="note">Only firing alerts are held back. When the condition clears you are still told: resolutions are never silenced.</p>';

function form(token: string, action: 'snooze' | 'undo', label: string, secondary = false): string {
  return [
    '<form method="post">',
    `<input type="hidden" name="${TOKEN_PARAM}" value="${escapeHtml(token)}">`,
    `<input type="hidden" name="action" value="${action}">`,
    `<button type="submit"${secondary ? ' class="secondary"' : ''}>${escapeHtml(label)}</button>`,
    '</form>',
  ].join('');
}

function fromAlert(claim: SnoozeClaim): string {
  return claim.alertKey === claim.matcher ? '' : `<dt>From the alert</dt><dd><code>${escapeHtml(claim.alertKey)}</code></dd>`;
}

/** GET: what the link would silence and for how long; nothing has changed yet. */
export function confirmPage(claim: SnoozeClaim, token: string, now: Date): LinkResponse {
  const duration = formatDuration(claim.durationMs);
  const until = instant(new Date(now.getTime() + claim.durationMs).toISOString());
  return page(
    200,
    `Snooze for ${duration}?`,
    [
      '<p>Nothing has changed yet. Confirm to hold back these alerts:</p>',
      `<dl><dt>What</dt><dd>${describeMatcher(claim.matcher)}</dd>${fromAlert(claim)}`,
      `<dt>For</dt><dd>${duration} from when you confirm (until about ${until})</dd>`,
      `<dt>Link valid until</dt><dd>${instant(claim.linkExpiresAt.toISOString())}</dd></dl>`,
      form(token, 'snooze', `Snooze for ${duration}`),
      RESOLUTIONS_STILL_SENT,
    ].join('\n'),
  );
}

/** After the POST (or a GET of a link already used): what is silenced until when, and how to undo it. */
export function snoozedPage(silence: Silence, token: string, fresh: boolean): LinkResponse {
  const id = escapeHtml(silence.id);
  return page(
    200,
    fresh ? 'Snoozed' : 'Already snoozed',
    [
      `<p>${fresh ? 'Done.' : 'This link was used already.'} Alerts are held back until <strong>${instant(silence.endsAt)}</strong>:</p>`,
      `<dl><dt>What</dt><dd>${describeMatcher(silence.matcher)}</dd>`,
      `<dt>Since</dt><dd>${instant(silence.startsAt)}</dd><dt>Until</dt><dd>${instant(silence.endsAt)}</dd>`,
      `<dt>Silence id</dt><dd><code>${id}</code></dd></dl>`,
      '<h2>Undo</h2>',
      '<p>Changed your mind? Undo it here; matching alerts that still hold are sent at the next check.</p>',
      form(token, 'undo', 'Undo this snooze', true),
      `<p class="note">Or from a terminal: invoke the check function (the stack's FunctionName output) with <code>{"unsilence": "${id}"}</code>.</p>`,
      RESOLUTIONS_STILL_SENT,
    ].join('\n'),
  );
}

/** After an undo. */
export function undonePage(silence: Silence, now: Date): LinkResponse {
  const earlier = silence.removedAt !== undefined && silence.removedAt < now.toISOString();
  return page(
    200,
    earlier ? 'Already undone' : 'Snooze undone',
    [
      `<p>The snooze of ${describeMatcher(silence.matcher)} ${earlier ? `was undone at ${instant(silence.removedAt!)}` : 'is undone'}.`,
      'Whatever still holds is sent at the next check.</p>',
      `<p class="note">This link cannot snooze again. ${SILENCE_ELSEWHERE}</p>`,
    ].join('\n'),
  );
}

/** Why a request is refused, and the page that says so. */
export type Refusal =
  | 'malformed'
  | 'forged'
  | 'expired'
  | 'undone'
  | 'ended'
  | 'missing-token'
  | 'bad-form'
  | 'unsupported-media'
  | 'too-large'
  | 'method'
  | 'not-found'
  | 'nothing-to-undo'
  | 'unavailable';

const SILENCE_ANOTHER_WAY = `<p class="note">${SILENCE_ELSEWHERE}</p>`;

const REFUSALS: Readonly<Record<Refusal, readonly [status: number, title: string, text: string]>> = {
  'malformed': [400, 'This link is damaged', 'The link is incomplete or was changed on the way (a line break in an email can cut it). Open it from the alert again, or copy all of it.'],
  'forged': [403, 'This link is not valid', 'The link was not signed by this budget-alerts deployment, or it was altered. Nothing was changed.'],
  'expired': [410, 'This link has expired', 'Snooze links work for 7 days after their alert. Nothing was changed.'],
  'undone': [410, 'This snooze was undone', 'The snooze this link made was undone, so the link cannot snooze again. Nothing was changed.'],
  'ended': [410, 'This snooze is over', 'The snooze this link made has already ended; a link snoozes only once. Nothing was changed.'],
  'missing-token': [400, 'This link is incomplete', 'The address carries no snooze token. Open the link from the alert again, or copy all of it.'],
  'bad-form': [400, 'That request was not understood', 'The form was incomplete. Go back to the link from the alert and use its button.'],
  'unsupported-media': [415, 'That request was not understood', 'Send the form as the page does (application/x-www-form-urlencoded).'],
  'too-large': [413, 'That request is too large', 'A snooze form is a few hundred bytes. Go back to the link from the alert and use its button.'],
  'method': [405, 'That method is not allowed', 'Open the link (GET) and use the button on the page (POST).'],
  'not-found': [404, 'Nothing here', 'Snooze links point at the root of this address with a token.'],
  'nothing-to-undo': [404, 'Nothing to undo', 'This link has not snoozed anything, so there is nothing to undo.'],
  'unavailable': [503, 'Try again in a minute', 'The alert store could not be reached. Nothing was changed; reload this page to try again.'],
};

/** The status of a refusal. */
export function refusalStatus(refusal: Refusal): number {
  return REFUSALS[refusal][0];
}

/** A refusal's page: a clear status and words, never a stack trace or the secret. */
export function refusalPage(refusal: Refusal): LinkResponse {
  const [status, title, text] = REFUSALS[refusal];
  const advice = status === 503 || refusal === 'method' || refusal === 'not-found' ? '' : `\n${SILENCE_ANOTHER_WAY}`;
  return page(status, title, `<p>${escapeHtml(text)}</p>${advice}`, refusal === 'method' ? { allow: 'GET, HEAD, POST' } : {});
}
