// The `endpoint` block of a `json` account (and the overrides of a preset) as the budgets file writes it:
// its schema, used by the budgets-file validation (synth and CLI time; the Lambda bundle does not carry it).
import * as z from 'zod';
import { parseJsonPath } from './json-path.js';

const CONTROL = /[\u0000-\u001f\u007f]/;

const pathText = z.string().superRefine((text, ctx) => {
  const parsed = parseJsonPath(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `is not a PATH (${parsed.error}); see "Any credit API" in the README` });
});

const template = z
  .string()
  .min(1)
  .max(512)
  .refine((text) => !CONTROL.test(text), 'must not contain control characters (line breaks, tabs …)');

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/, 'must be an HTTP header name such as Authorization');

const authSchema = z.union(
  [
    z.strictObject({
      header: headerName,
      value: template.refine((value) => value.includes('{key}'), 'must contain {key}, where the API key goes (e.g. "Bearer {key}")'),
    }),
    z.strictObject({ query: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a query parameter name such as api_key') }),
    z.strictObject({
      basic: z
        .strictObject({ username: template, password: template })
        .refine((b) => `${b.username}${b.password}`.includes('{key}'), 'username or password must contain {key}'),
    }),
  ],
  { error: 'must be { header: NAME, value: "… {key}" }, { query: NAME } or { basic: { username, password } }' },
);

/** The `endpoint` block as written: every field optional, since a preset fills in what is left out. */
export const jsonEndpointSchema = z.strictObject({
  /** GET, relative to baseUrl; `{name}` takes `params.name`. */
  path: z
    .string()
    .max(512)
    .regex(/^\/[^\s\\#]*$/, 'must start with "/" and hold no spaces, "\\" or "#" (it is relative to baseUrl)')
    .refine((path) => !path.includes('{key}'), 'must not hold {key}: a key in a URL path ends up in logs')
    .optional(),
  auth: authSchema.optional(),
  /** A PATH to the balance, or the PATHs of a limit and what was used of it. */
  available: z.union([pathText, z.strictObject({ limit: pathText, used: pathText })]).optional(),
  /** Multiplies what is read (cents → units: 0.01). */
  scale: z.number().positive().finite().optional(),
  /** An ISO 4217 code, or the PATH where the vendor says it. */
  currency: z
    .union([
      z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'),
      z.strictObject({
        path: pathText.refine((text) => !text.includes('[*]'), 'must not sum ([*]): a currency is one code'),
      }),
    ])
    .optional(),
  /** Values for `{name}` placeholders (a Deepgram project id, a Twilio account SID). */
  params: z
    .record(
      z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, 'must be a name such as projectId'),
      z.string().regex(/^[A-Za-z0-9._~-]{1,128}$/, 'must be 1–128 letters, digits, ".", "_", "~" or "-"'),
    )
    .optional(),
  /** Extra request headers a vendor requires (e.g. an API version). */
  headers: z.record(headerName, template.refine((v) => !v.includes('{key}'), 'must not hold {key}: use auth')).optional(),
});

/** The `endpoint` block after validation. */
export type JsonEndpointOverrides = z.output<typeof jsonEndpointSchema>;
export type EndpointAuth = NonNullable<JsonEndpointOverrides['auth']>;
export type EndpointAvailable = NonNullable<JsonEndpointOverrides['available']>;

