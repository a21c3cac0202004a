import { request as httpRequest } from 'node:http';
import type { Sandbox } from '../../../lib/sandbox/index.js';

/** A User-Agent that Pictory's edge lets through. */
export const USER_AGENT = 'budget-alerts-tests/1.0 (+https://example.com/budget-alerts)';

/** One answer, read whole. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON (throws if it is not JSON). */
  json<T = unknown>(): T;
}

/** GETs `url` over loopback with `headers` and reads the whole answer. */
export async function get(url: string, headers: Record<string, string> = {}, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { ...init, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
}

/** GETs a Pictory path as the given account (raw key, acceptable User-Agent). */
export function pictory(sandbox: Sandbox, accountId: string, path: string): Promise<Answer> {
  return get(`${sandbox.urls.pictory}${path}`, { authorization: sandbox.keyOf(accountId), 'user-agent': USER_AGENT });
}

/** GETs an Account API path (relative to /auth/account/) as the given account (Bearer token). */
export function accountApi(sandbox: Sandbox, accountId: string, path: string): Promise<Answer> {
  return get(`${sandbox.urls['account-api']}/auth/account/${path}`, { authorization: `Bearer ${sandbox.keyOf(accountId)}` });
}

/** GETs Pixelcut's /v1/credits as the given account. */
export function pixelcut(sandbox: Sandbox, accountId: string): Promise<Answer> {
  return get(`${sandbox.urls.pixelcut}/v1/credits`, { 'x-api-key': sandbox.keyOf(accountId) });
}

/** A GET through node:http, which (unlike fetch) sends no User-Agent unless told to. */
export function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), text }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Milliseconds in an hour, for readable arithmetic on instants. */
export const HOUR = 3_600_000;
/** Milliseconds in a day. */
export const DAY = 24 * HOUR;

/** An instant `ms` after `base`. */
export function after(base: Date, ms: number): Date {
  return new Date(base.getTime() + ms);
}
