import { gzipSync } from 'node:zlib';
import { SANDBOX_VENDORS, type Fault, type FaultRule, type SandboxVendor } from './types.js';
import { jsonResponse, textResponse, type Caller, type SandboxResponse, type VendorSim } from './response.js';

const FAULT_KINDS: readonly Fault['kind'][] = ['status', 'latency', 'malformed', 'drift', 'echo-key', 'hang', 'body', 'redirect', 'endless'];
/** What an endless body repeats unless told otherwise: 64 KiB of JSON whitespace. */
const DEFAULT_ENDLESS_CHUNK = ' '.repeat(64 * 1024);

function checkStatus(status: unknown, field: string): void {
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw new TypeError(`fault ${field} must be an HTTP status (100–599)`);
  }
}

/** Injected faults, matched in insertion order and used up as they apply. */
export class FaultBook {
  private rules: { rule: FaultRule; remaining: number }[] = [];

  /** Adds a rule after validating it (a malformed rule is a test bug: fail at once). */
  add(rule: FaultRule): void {
    if (!SANDBOX_VENDORS.includes(rule.vendor)) throw new TypeError(`fault for unknown vendor ${String(rule.vendor)}`);
    const fault = rule.fault;
    if (!FAULT_KINDS.includes(fault.kind)) throw new TypeError(`unknown fault kind ${String(fault.kind)}`);
    if (fault.kind === 'status') checkStatus(fault.status, 'status');
    if ((fault.kind === 'echo-key' || fault.kind === 'body' || fault.kind === 'redirect') && fault.status !== undefined) {
      checkStatus(fault.status, 'status');
    }
    if (fault.kind === 'redirect' && typeof fault.location !== 'string') throw new TypeError('redirect fault needs a location');
    if (fault.kind === 'endless' && fault.intervalMs !== undefined && !(Number.isFinite(fault.intervalMs) && fault.intervalMs >= 0)) {
      throw new TypeError('endless fault intervalMs must be a finite number ≥ 0');
    }
    if (fault.kind === 'latency' && !(Number.isFinite(fault.ms) && fault.ms >= 0)) {
      throw new TypeError('latency fault ms must be a finite number ≥ 0');
    }
    const times = rule.times ?? 1;
    if (!(times === Infinity || (Number.isInteger(times) && times >= 1))) {
      throw new TypeError('fault times must be a positive integer or Infinity');
    }
    this.rules.push({ rule: { ...rule, fault: { ...fault } }, remaining: times });
  }

  /** Forgets every rule. */
  clear(): void {
    this.rules = [];
  }

  /** The first rule matching this request, used up once; undefined when none applies. */
  take(vendor: SandboxVendor, path: string, accountId: string | undefined): Fault | undefined {
    const index = this.rules.findIndex(
      ({ rule, remaining }) =>
        remaining > 0 &&
        rule.vendor === vendor &&
        (rule.path === undefined || path.startsWith(rule.path)) &&
        (rule.accountId === undefined || rule.accountId === accountId),
    );
    const match = this.rules[index];
    if (match === undefined) return undefined;
    match.remaining -= 1;
    if (match.remaining <= 0) this.rules.splice(index, 1);
    return match.rule.fault;
  }
}

/**
 * The answer of a fault that replaces the vendor's answer ('status', 'malformed', 'drift', 'echo-key');
 * undefined for 'latency' and 'hang', which change when (or whether) the normal answer goes out.
 */
export function faultResponse(
  fault: Fault,
  sim: VendorSim,
  caller: Caller,
  headers: Readonly<Record<string, string>>,
): SandboxResponse | undefined {
  switch (fault.kind) {
    case 'status': {
      const retryAfter: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter };
      if (fault.body === undefined) {
        const natural = sim.errorResponse(fault.status);
        return { ...natural, headers: { ...natural.headers, ...retryAfter } };
      }
      return typeof fault.body === 'string'
        ? textResponse(fault.status, fault.body, 'text/plain; charset=utf-8', retryAfter)
        : jsonResponse(fault.status, fault.body, retryAfter);
    }
    case 'malformed':
      return textResponse(200, '<html>oops', 'text/html; charset=utf-8');
    case 'drift':
      return jsonResponse(200, fault.body);
    case 'echo-key': {
      // A careless vendor reflecting the credential: clients must keep it out of logs and errors.
      const key = caller.key ?? '';
      return jsonResponse(
        fault.status ?? 500,
        { error: `invalid key ${key} for account`, received_headers: { ...headers } },
        /^[\x20-\x7e]*$/.test(key) ? { 'x-debug-key': key } : {},
      );
    }
    case 'body': {
      const bytes = typeof fault.body === 'string' ? Buffer.from(fault.body, 'utf8') : fault.body;
      const headers = { 'content-type': fault.contentType ?? 'application/json', ...fault.headers };
      return fault.gzip === true
        ? { status: fault.status ?? 200, headers: { ...headers, 'content-encoding': 'gzip' }, body: gzipSync(bytes) }
        : { status: fault.status ?? 200, headers, body: bytes };
    }
    case 'redirect':
      return { status: fault.status ?? 302, headers: { location: fault.location }, body: '' };
    case 'endless':
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"data": ',
        endless: { chunk: fault.chunk ?? DEFAULT_ENDLESS_CHUNK, intervalMs: fault.intervalMs ?? 0 },
      };
    case 'latency':
    case 'hang':
      return undefined;
  }
}
