import type { SandboxVendor } from './types.js';

/** A request as a vendor simulation sees it. */
export interface VendorRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-cased names; repeated headers joined with ', '. */
  readonly headers: Readonly<Record<string, string>>;
  /** Sandbox now, in ms. */
  readonly now: number;
}

/** An answer, ready to write. */
export interface SandboxResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
  /** After `body`, write `chunk` every `intervalMs` (0: whenever the socket drains) until the client goes. */
  readonly endless?: { readonly chunk: string; readonly intervalMs: number };
}

/** Who is calling: the credential as sent, and the account it belongs to (if any). */
export interface Caller {
  readonly key?: string;
  readonly accountId?: string;
}

/** One simulated vendor API. */
export interface VendorSim {
  readonly vendor: SandboxVendor;
  /** Header names that carry the credential (redacted in the request log). */
  readonly credentialHeaders: readonly string[];
  /** Query parameters that carry the credential (redacted in the request log). */
  readonly credentialQuery?: readonly string[];
  /**
   * Whether an answer depends only on the request and the world (accounts and clock), so that the same
   * request to an unchanged world may be answered with the bytes given before (lib/sandbox/memo.ts).
   * False for a simulation with state of its own, such as a rate limiter.
   */
  readonly memoizable: boolean;
  identify(headers: Readonly<Record<string, string>>, query: URLSearchParams): Caller;
  handle(request: VendorRequest, caller: Caller): SandboxResponse;
  /** The vendor's own error answer for a status (used by injected faults). */
  errorResponse(status: number): SandboxResponse;
}

/** A JSON answer. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

/** A non-JSON answer. */
export function textResponse(status: number, body: string, contentType: string, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': contentType, ...headers }, body };
}

/** Renders credits as a vendor does: a number, or a numeric string when the account sends strings. */
export function credits(value: number, asString: boolean): number | string {
  return asString ? String(value) : value;
}
