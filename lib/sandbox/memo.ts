import type { SandboxResponse } from './response.js';

/**
 * Answers already given, for simulations whose answer depends only on the request and the world (see
 * VendorSim.memoizable): the same request to an unchanged world gets the same bytes without rebuilding
 * them. The sandbox clears it whenever the world changes (clock, accounts, top-ups, auto-reload settings).
 * A vendor's work happens on the vendor's machines; a stand-in that rebuilds a month of ledger for every
 * request spends the CPUs the client under test runs on (the throughput bench shares two vCPUs with it).
 */
export class AnswerMemo {
  private readonly answers = new Map<string, SandboxResponse>();
  private bytes = 0;

  /** @param maxBytes bodies kept at most; past it the memo starts over (answers are rebuilt as before). */
  constructor(private readonly maxBytes: number) {}

  /** The memo key of a request: everything a simulation can read of it (the clock is the world's). */
  static keyOf(method: string, url: string, headers: Readonly<Record<string, string>>): string {
    let key = `${method} ${url}`;
    for (const name of Object.keys(headers).sort()) key += `\n${name}: ${headers[name]}`;
    return key;
  }

  /** The answer kept for `key`, or the one `build` makes (kept for next time). */
  answer(key: string, build: () => SandboxResponse): SandboxResponse {
    const kept = this.answers.get(key);
    if (kept !== undefined) return kept;
    const built = build();
    this.set(key, built);
    return built;
  }

  get(key: string): SandboxResponse | undefined {
    return this.answers.get(key);
  }

  /** Keeps a finished answer (its body encoded once); endless answers are never kept. */
  set(key: string, response: SandboxResponse): void {
    if (response.endless !== undefined || this.answers.has(key)) return;
    const body = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
    if (body.byteLength > this.maxBytes) return;
    if (this.bytes + body.byteLength > this.maxBytes) this.clear();
    this.answers.set(key, { status: response.status, headers: response.headers, body });
    this.bytes += body.byteLength;
  }

  clear(): void {
    this.answers.clear();
    this.bytes = 0;
  }

  /** Answers kept (for tests). */
  get size(): number {
    return this.answers.size;
  }
}
