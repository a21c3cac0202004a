import { STATUS_CODES } from 'node:http';
import type { SimAccount } from './account.js';
import { hashHex } from './ids.js';
import { credits, jsonResponse, type Caller, type SandboxResponse, type VendorRequest, type VendorSim } from './response.js';
import { dayStartUtc, monthStartUtc, parseIsoInstant, yearStartUtc } from './time.js';
import { fromMicro, type EventKind, type TimelineEvent } from './timeline.js';
import type { World } from './world.js';

const PREFIX = '/auth/account/';
const ROUTES = ['credits', 'ledger', 'usage', 'summary'] as const;
type Route = (typeof ROUTES)[number];

const LEDGER_TYPES = ['credit', 'debit', 'adjustment'] as const;
type LedgerType = (typeof LEDGER_TYPES)[number];

const PERIODS = ['daily', 'monthly', 'yearly'] as const;
type Period = (typeof PERIODS)[number];

/** Endpoints a debit is attributed to. */
const DEBIT_ENDPOINTS = ['/v1/chat/completions', '/v1/embeddings'] as const;

/** Where the simulated requests go, and in what share (the rest goes to the last). */
const ENDPOINT_SHARES: readonly [string, number][] = [
  ['/v1/chat/completions', 0.6],
  ['/v1/embeddings', 0.3],
  ['/v1/moderations', 0],
];

function invalid(message: string): SandboxResponse {
  return jsonResponse(400, { error: 'invalid_request', message });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Top-ups and auto-reloads are both plain credits to this vendor. */
function ledgerType(kind: EventKind): LedgerType {
  return kind === 'debit' ? 'debit' : kind === 'adjustment' ? 'adjustment' : 'credit';
}

/** A generic "Account API": credits, a paginated ledger, usage statistics and a summary, behind a Bearer JWT. */
export class AccountApiSim implements VendorSim {
  readonly vendor = 'account-api' as const;
  readonly memoizable = true;
  readonly credentialHeaders = ['authorization'] as const;

  constructor(private readonly world: World) {}

  identify(headers: Readonly<Record<string, string>>): Caller {
    const header = headers['authorization'];
    if (header === undefined) return {};
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const key = bearer?.[1] ?? header;
    const account = bearer === null ? undefined : this.world.byCredential('account-api', key);
    return { key, ...(account === undefined ? {} : { accountId: account.id }) };
  }

  handle(request: VendorRequest, caller: Caller): SandboxResponse {
    const route = request.path.startsWith(PREFIX) ? request.path.slice(PREFIX.length) : '';
    if (!(ROUTES as readonly string[]).includes(route)) return this.errorResponse(404);
    if (request.method !== 'GET') return this.errorResponse(405);
    const account = caller.accountId === undefined ? undefined : this.world.get(caller.accountId);
    if (account === undefined || !account.existsAt(request.now)) return this.errorResponse(401);
    const expiresAt = account.spec.tokenExpiresAt;
    if (expiresAt !== undefined && request.now >= expiresAt.getTime()) {
      return jsonResponse(401, { error: 'token_expired', message: 'Token has expired' });
    }
    switch (route as Route) {
      case 'credits':
        return jsonResponse(200, this.creditBalance(account, request.now));
      case 'ledger':
        return this.ledger(account, request);
      case 'usage':
        return this.usage(account, request);
      case 'summary':
        return this.summary(account, request.now);
    }
  }

  errorResponse(status: number): SandboxResponse {
    switch (status) {
      case 400:
        return invalid('Invalid request');
      case 401:
        return jsonResponse(401, { error: 'unauthorized', message: 'Invalid or missing token' });
      case 403:
        return jsonResponse(403, { error: 'forbidden', message: 'Access denied' });
      case 404:
        return jsonResponse(404, { error: 'not_found', message: 'Not found' });
      case 405:
        return jsonResponse(405, { error: 'method_not_allowed', message: 'Method not allowed' }, { allow: 'GET' });
      case 429:
        return jsonResponse(429, { error: 'rate_limited', message: 'Too many requests' });
      default: {
        const text = STATUS_CODES[status] ?? 'Error';
        return jsonResponse(status, {
          error: status >= 500 ? 'internal_error' : text.toLowerCase().replace(/[^a-z0-9]+/g, '_'),
          message: status >= 500 ? 'Internal server error' : text,
        });
      }
    }
  }

  private creditBalance(account: SimAccount, now: number): Record<string, unknown> {
    const asString = account.spec.numbersAsStrings === true;
    const balance = fromMicro(account.timeline.balanceAt(now));
    const reload = account.autoReloadAt(now);
    return {
      user_id: account.userId,
      balance: credits(balance, asString),
      reserved: credits(0, asString),
      available: credits(balance, asString),
      currency: account.spec.currency ?? 'USD',
      last_updated: iso(account.timeline.lastEventAt(now) ?? account.start),
      auto_reload_enabled: reload?.enabled ?? false,
      auto_reload_threshold: credits(reload?.threshold ?? 0, asString),
      auto_reload_amount: credits(reload?.amount ?? 0, asString),
    };
  }

  private ledger(account: SimAccount, request: VendorRequest): SandboxResponse {
    const { query, now } = request;
    const type = query.get('type');
    if (type !== null && !(LEDGER_TYPES as readonly string[]).includes(type)) {
      return invalid('type must be one of credit, debit, adjustment');
    }
    const limitText = query.get('limit') ?? '50';
    const limit = /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= 100)) return invalid('limit must be between 1 and 100');
    const offsetText = query.get('offset') ?? '0';
    if (!/^\d{1,9}$/.test(offsetText)) return invalid('offset must be a non-negative integer');
    const offset = Number(offsetText);
    const range = this.range(query, undefined, now);
    if (typeof range === 'string') return invalid(range);

    const timeline = account.timeline;
    const to = Math.min(range.to, now);
    const lo = range.from === undefined ? 0 : timeline.firstIndexFrom(range.from, now);
    const hi = timeline.countUntil(to);
    let total: number;
    const indices: number[] = [];
    if (type === null) {
      total = Math.max(0, hi - lo);
      for (let i = hi - 1 - offset; i >= lo && indices.length < limit; i--) indices.push(i);
    } else {
      total = 0;
      for (let i = hi - 1; i >= lo; i--) {
        if (ledgerType(timeline.kindOf(i)) !== type) continue;
        if (total >= offset && indices.length < limit) indices.push(i);
        total++;
      }
    }
    const entries = indices.map((i) => this.entry(account, timeline.event(i)));
    const envelope = account.spec.ledgerEnvelope ?? 'data';
    if (envelope === 'array') return jsonResponse(200, entries);
    return jsonResponse(200, { [envelope]: entries, total, limit, offset, has_more: offset + entries.length < total });
  }

  private entry(account: SimAccount, event: TimelineEvent): Record<string, unknown> {
    const asString = account.spec.numbersAsStrings === true;
    const tag = hashHex(`account-api:${account.id}:${event.at}:${event.kind}:${event.sameInstant}`);
    const type = ledgerType(event.kind);
    let description: string;
    let reference: string;
    let metadata: Record<string, unknown>;
    switch (event.kind) {
      case 'reload': {
        const reload = account.autoReloadAt(event.at);
        description = 'Auto-reload';
        reference = `auto_reload:${event.ordinal}`;
        metadata = { trigger: 'threshold', threshold: reload?.threshold ?? null };
        break;
      }
      case 'top-up':
        description = 'Credit purchase';
        reference = `pay_${tag.slice(0, 24)}`;
        metadata = { method: 'card' };
        break;
      case 'adjustment':
        description = 'Manual adjustment';
        reference = `adj_${tag.slice(0, 12)}`;
        metadata = { reason: event.amount < 0 ? 'correction' : 'goodwill credit' };
        break;
      default:
        description = 'API usage';
        reference = `usage_${tag.slice(0, 16)}`;
        metadata = { endpoint: DEBIT_ENDPOINTS[parseInt(tag.slice(-2), 16) % DEBIT_ENDPOINTS.length] ?? DEBIT_ENDPOINTS[0] };
        break;
    }
    return {
      id: account.ledgerIdBase + event.index + 1,
      user_id: account.userId,
      type,
      amount: credits(fromMicro(event.amount), asString),
      balance_after: credits(fromMicro(event.balanceAfter), asString),
      description,
      reference,
      metadata,
      created_at: iso(event.at),
    };
  }

  /** Parses from/to; `defaultFrom` applies when from is absent (undefined: unbounded). Returns a message when invalid. */
  private range(
    query: URLSearchParams,
    defaultFrom: number | undefined,
    now: number,
  ): { from: number | undefined; to: number } | string {
    const fromText = query.get('from');
    const toText = query.get('to');
    const from = fromText === null ? defaultFrom : parseIsoInstant(fromText);
    if (fromText !== null && from === undefined) return 'from must be an ISO 8601 date or date-time';
    // An inclusive date-only upper bound means the whole of that day.
    const to = toText === null ? now : parseIsoInstant(toText, true);
    if (to === undefined) return 'to must be an ISO 8601 date or date-time';
    return { from, to };
  }

  private usage(account: SimAccount, request: VendorRequest): SandboxResponse {
    const periodText = request.query.get('period') ?? 'monthly';
    if (!(PERIODS as readonly string[]).includes(periodText)) return invalid('period must be one of daily, monthly, yearly');
    const period = periodText as Period;
    const now = request.now;
    // The default window is the current day, month or year, so that the period names what is counted.
    const defaultFrom = period === 'daily' ? dayStartUtc(now) : period === 'monthly' ? monthStartUtc(now) : yearStartUtc(now);
    const range = this.range(request.query, defaultFrom, now);
    if (typeof range === 'string') return invalid(range);
    return jsonResponse(200, this.usageStats(account, period, range.from ?? defaultFrom, range.to, now));
  }

  private usageStats(account: SimAccount, period: Period, from: number, to: number, now: number): Record<string, unknown> {
    const end = Math.min(to, now);
    const counts = account.usageBetween(from, end + 1);
    const consumed = end < from ? 0 : account.timeline.consumedBetween(from, end);
    const byEndpoint: Record<string, number> = {};
    let rest = counts.total;
    ENDPOINT_SHARES.forEach(([endpoint, share], i) => {
      const count = i === ENDPOINT_SHARES.length - 1 ? rest : Math.floor(counts.total * share);
      byEndpoint[endpoint] = count;
      rest -= count;
    });
    return {
      user_id: account.userId,
      period,
      total_requests: counts.total,
      successful_requests: counts.total - counts.failed,
      failed_requests: counts.failed,
      credits_consumed: credits(fromMicro(consumed), account.spec.numbersAsStrings === true),
      requests_by_endpoint: byEndpoint,
      period_start: iso(from),
      period_end: iso(to),
    };
  }

  private summary(account: SimAccount, now: number): SandboxResponse {
    const monthStart = monthStartUtc(now);
    return jsonResponse(200, {
      user_id: account.userId,
      email: `${account.id}@example.com`,
      credit_balance: this.creditBalance(account, now),
      subscription: {
        plan: 'Pay as you go',
        status: 'active',
        current_period_start: iso(monthStart),
        current_period_end: iso(monthStartUtc(now, 1)),
      },
      usage_this_month: this.usageStats(account, 'monthly', monthStart, now, now),
      total_requests_all_time: account.usageBetween(account.start, now + 1).total,
      account_created_at: iso(account.start),
      last_login_at: iso(Math.max(account.start, dayStartUtc(now))),
    });
  }
}
