// A `json` account's endpoint as the adapter reads it, and the field-by-field merge of a preset with the
// overrides of an `endpoint` block (whose schema is lib/json-endpoint-schema.ts).
import type { EndpointAuth, EndpointAvailable, JsonEndpointOverrides } from './json-endpoint-schema.js';

export type { EndpointAuth, EndpointAvailable, JsonEndpointOverrides } from './json-endpoint-schema.js';

/** `{key}` or `{paramName}` inside a template. */
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]{0,31})\}/g;

/** A complete endpoint: what the json adapter reads. */
export interface JsonEndpoint {
  readonly path: string;
  readonly auth: EndpointAuth;
  readonly available: EndpointAvailable;
  readonly scale?: number;
  readonly currency?: string | { readonly path: string };
  readonly params?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The fields a complete endpoint must have. */
export const REQUIRED_ENDPOINT_FIELDS = ['path', 'auth', 'available'] as const;

/** A preset's endpoint with the account's overrides, field by field (params and headers merged by name). */
export function mergeEndpoint(
  base: Partial<JsonEndpoint> | undefined,
  overrides: JsonEndpointOverrides | undefined,
): Partial<JsonEndpoint> {
  const merged: Partial<JsonEndpoint> = { ...base, ...stripUndefined(overrides ?? {}) };
  const params = { ...base?.params, ...overrides?.params };
  const headers = { ...base?.headers, ...overrides?.headers };
  return {
    ...merged,
    ...(Object.keys(params).length > 0 && { params }),
    ...(Object.keys(headers).length > 0 && { headers }),
  };
}

/** Whether every required field is present. */
export function isComplete(endpoint: Partial<JsonEndpoint>): endpoint is JsonEndpoint {
  return REQUIRED_ENDPOINT_FIELDS.every((field) => endpoint[field] !== undefined);
}

/** The `{name}` placeholders of the path, auth and headers that name a parameter (not `{key}`). */
export function paramsNeeded(endpoint: Partial<JsonEndpoint>): string[] {
  const texts = [endpoint.path ?? '', ...authTemplates(endpoint.auth), ...Object.values(endpoint.headers ?? {})];
  const names = texts.flatMap((text) => [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''));
  return [...new Set(names.filter((name) => name !== 'key'))];
}

/** Fills `{key}` and `{param}` placeholders; `encode` escapes each value (e.g. for a URL path). */
export function fillTemplate(
  text: string,
  values: Readonly<Record<string, string>>,
  encode: (value: string) => string = (value) => value,
): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    return value === undefined ? whole : encode(value);
  });
}

function authTemplates(auth: EndpointAuth | undefined): string[] {
  if (auth === undefined) return [];
  if ('header' in auth) return [auth.value];
  if ('basic' in auth) return [auth.basic.username, auth.basic.password];
  return [];
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
