import { STATUS_CODES } from 'node:http';
import { hash128 } from './ids.js';
import { jsonResponse, textResponse, type Caller, type SandboxResponse, type VendorRequest, type VendorSim } from './response.js';
import { monthIndex, monthStartUtc } from './time.js';
import { fromMicro, type TimelineEvent } from './timeline.js';
import type { World } from './world.js';

const USAGE_PATH = '/pictoryapis/v1/aicredits/usage';
const QUOTA_PATH = '/pictoryapis/v1/quota';
const PLAN = 'API Annual';

const DEBIT_KINDS = [
  { source: 'Text-to-Image', description: 'Credits consumed by a text-to-image generation' },
  { source: 'AI Avatar', description: 'Credits consumed by an AI avatar generation' },
  { source: 'Text-to-Speech', description: 'Credits consumed by a text-to-speech generation' },
] as const;

/** Cloudflare's browser-integrity check bans these default client signatures (error 1010). */
const BANNED_USER_AGENT = /^(node|undici)$|^(node-fetch|axios|python-requests|curl)\b/i;

const CLOUDFLARE_1010 = `<!DOCTYPE html>
<html lang="en-US">
<head><title>Access denied | api.pictory.ai used Cloudflare to restrict access</title></head>
<body>
<div id="cf-wrapper">
<h1>Access denied</h1>
<p>error code: 1010</p>
<p>The owner of this website (api.pictory.ai) has banned your access based on your browser's signature.</p>
</div>
</body>
</html>
`;

function hex8(word: number): string {
  return word.toString(16).padStart(8, '0');
}

/** `YYYYMMDDHHmmssSSS` from an ISO instant, as Pictory's transaction ids begin. */
function compactIso(iso: string): string {
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + iso.slice(20, 23);
}

function invalid(message: string, field: string): SandboxResponse {
  return jsonResponse(400, { code: 'INVALID_REQUEST', message, fields: [field] });
}

/** The Pictory API: AI-credit usage ledger by month and the current quota, behind Cloudflare. */
export class PictorySim implements VendorSim {
  readonly vendor = 'pictory' as const;
  readonly memoizable = true;
  readonly credentialHeaders = ['authorization'] as const;

  constructor(private readonly world: World) {}

  identify(headers: Readonly<Record<string, string>>): Caller {
    // The raw key, no scheme: "Bearer pictai_…" is not a key Pictory knows.
    const key = headers['authorization'];
    const account = this.world.byCredential('pictory', key);
    return { ...(key === undefined ? {} : { key }), ...(account === undefined ? {} : { accountId: account.id }) };
  }

  handle(request: VendorRequest, caller: Caller): SandboxResponse {
    const userAgent = (request.headers['user-agent'] ?? '').trim();
    if (userAgent === '' || BANNED_USER_AGENT.test(userAgent)) {
      return textResponse(403, CLOUDFLARE_1010, 'text/html; charset=UTF-8', { server: 'cloudflare' });
    }
    if (request.path !== USAGE_PATH && request.path !== QUOTA_PATH) return this.errorResponse(404);
    if (request.method !== 'GET') return this.errorResponse(405);
    const account = caller.accountId === undefined ? undefined : this.world.get(caller.accountId);
    if (account === undefined || !account.existsAt(request.now)) return this.errorResponse(401);
    return request.path === USAGE_PATH ? this.usage(request, account.id) : this.quota(request, account.id);
  }

  errorResponse(status: number): SandboxResponse {
    const headers = { server: 'cloudflare' };
    switch (status) {
      case 400:
        return jsonResponse(400, { code: 'INVALID_REQUEST', message: 'Invalid request', fields: [] }, headers);
      case 401:
        return jsonResponse(401, { message: 'Unauthorized' }, headers);
      case 403:
        return jsonResponse(403, { message: 'Forbidden' }, headers);
      case 404:
        return jsonResponse(404, { message: 'Not Found' }, headers);
      case 405:
        return jsonResponse(405, { message: 'Method Not Allowed' }, { ...headers, allow: 'GET' });
      case 429:
        return jsonResponse(429, { message: 'Too Many Requests' }, headers);
      case 502:
      case 503:
      case 504:
        // Cloudflare answers for an unreachable origin with its own HTML page.
        return textResponse(status, `<html><body><h1>${status} ${STATUS_CODES[status] ?? ''}</h1><p>cloudflare</p></body></html>`, 'text/html; charset=UTF-8', headers);
      default:
        return jsonResponse(status, { message: status >= 500 ? 'Internal Server Error' : 'Request failed' }, headers);
    }
  }

  private usage(request: VendorRequest, accountId: string): SandboxResponse {
    const year = request.query.get('year');
    const month = request.query.get('month');
    if (year !== null && month === null) return invalid('month is required when year is provided', 'month');
    const now = request.now;
    let y = new Date(now).getUTCFullYear();
    let m = new Date(now).getUTCMonth() + 1;
    if (month !== null) {
      if (!/^\d{1,2}$/.test(month) || Number(month) < 1 || Number(month) > 12) {
        return invalid('month must be an integer between 1 and 12', 'month');
      }
      m = Number(month);
    }
    if (year !== null) {
      if (!/^\d{4}$/.test(year) || Number(year) < 1970) return invalid('year must be a valid four-digit year', 'year');
      y = Number(year);
    }
    const from = Date.UTC(y, m - 1, 1);
    const age = monthIndex(now) - monthIndex(from);
    // Only the last 12 months are retained; the future has no transactions.
    if (age < 0 || age > 12) return jsonResponse(200, []);
    const timeline = this.world.get(accountId).timeline;
    const lo = timeline.firstIndexFrom(from, now);
    const hi = Math.min(timeline.firstIndexFrom(monthStartUtc(from, 1), now), timeline.countUntil(now));
    // A month of frequent debits is hundreds of entries: built as text, which is several times
    // cheaper than objects through JSON.stringify (every value here needs no escaping).
    const entries: string[] = [];
    for (let i = hi - 1; i >= lo; i--) entries.push(this.transaction(accountId, timeline.event(i)));
    return textResponse(200, `[${entries.join(',')}]`, 'application/json; charset=utf-8');
  }

  private transaction(accountId: string, event: TimelineEvent): string {
    const words = hash128(`pictory:${accountId}:${event.at}:${event.kind}:${event.sameInstant}`);
    const iso = new Date(event.at).toISOString();
    const transactionId =
      compactIso(iso) +
      hex8(words[0]) +
      hex8(words[1]) +
      hex8(words[2]) +
      hex8(words[3]);
    const { source, description } =
      event.kind === 'reset'
        ? { source: 'Monthly Reset', description: 'Credits reset at the start of the billing cycle' }
        : event.kind === 'top-up'
          ? { source: 'Add-on Purchase', description: 'Credits added by purchasing an add-on' }
          : (DEBIT_KINDS[words[3] % DEBIT_KINDS.length] ?? DEBIT_KINDS[0]);
    const type = event.kind === 'debit' ? 'debit' : 'credit';
    const amount = fromMicro(Math.abs(event.amount));
    return `{"transactionId":"${transactionId}","type":"${type}","amount":${amount},"source":"${source}","description":"${description}","plan":"${PLAN}","transactionDate":"${iso}"}`;
  }

  private quota(request: VendorRequest, accountId: string): SandboxResponse {
    const { limit, used } = this.world.get(accountId).timeline.quotaAt(request.now);
    // The other meters are not simulated; fixed plan-like figures keep the shape complete.
    return jsonResponse(200, {
      aiCredits: { used: fromMicro(used), limit: fromMicro(limit) },
      videoMinutes: { used: 0, limit: 1200 },
      transcriptionMinutes: { used: 0, limit: 1200 },
      elevenLabsVoiceOverMinutes: { used: 0, limit: 60 },
    });
  }
}
