// A Lambda Function URL on loopback: node:http requests become payload-2.0 events for a handler, and
// its results become responses. Also builds such events for tests that call the handler directly.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';

/** A handler as Lambda calls it. */
export type FunctionUrlHandler = (event: LambdaFunctionURLEvent, context: Context) => Promise<LambdaFunctionURLResult>;

/** What a request carries, in the shape tests write it. */
export interface RequestParts {
  readonly method: string;
  readonly path?: string;
  readonly rawQuery?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Send the body base64-encoded, as Function URLs do for content they do not treat as text. */
  readonly base64?: boolean;
}

/** A payload format 2.0 event, as a Function URL sends it. */
export function functionUrlEvent(parts: RequestParts): LambdaFunctionURLEvent {
  const path = parts.path ?? '/';
  const rawQuery = parts.rawQuery ?? '';
  const headers = Object.fromEntries(Object.entries(parts.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const query = new URLSearchParams(rawQuery);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: rawQuery,
    headers: { host: 'abc123.lambda-url.eu-west-1.on.aws', ...headers },
    ...(rawQuery !== '' && { queryStringParameters: Object.fromEntries([...query.keys()].map((k) => [k, query.getAll(k).join(',')])) }),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      domainName: 'abc123.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'abc123',
      http: { method: parts.method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? 'test' },
      requestId: 'request-1',
      routeKey: '$default',
      stage: '$default',
      time: '20/Nov/2026:12:00:00 +0000',
      timeEpoch: 1_795_003_200_000,
    },
    ...(parts.body !== undefined && { body: parts.base64 ? Buffer.from(parts.body).toString('base64') : parts.body }),
    isBase64Encoded: parts.base64 ?? false,
  };
}

/** A Lambda context for one invocation. */
export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'snooze-link',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:snooze-link',
    memoryLimitInMB: '256',
    awsRequestId: 'request-1',
    logGroupName: '/aws/lambda/snooze-link',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Calls the handler with an event built from `parts` and gives back its result as status, headers and body. */
export async function invoke(handler: FunctionUrlHandler, parts: RequestParts): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const result = await handler(functionUrlEvent(parts), lambdaContext());
  if (typeof result === 'string') return { status: 200, headers: {}, body: result };
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64').toString('utf8') : (result.body ?? '');
  return { status: result.statusCode ?? 200, headers, body };
}

/** The handler served on 127.0.0.1 (an ephemeral port), one event per request. */
export async function serveFunctionUrl(handler: FunctionUrlHandler): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    void answer(handler, request).then(
      ({ status, headers, body }) => {
        response.writeHead(status, headers);
        response.end(body);
      },
      () => {
        // As a Function URL does when the function throws: a bare 502.
        response.writeHead(502, { 'content-type': 'application/json' });
        response.end('{"Message":"Internal Server Error"}');
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function answer(handler: FunctionUrlHandler, request: IncomingMessage): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
  const body = Buffer.concat(chunks).toString('utf8');
  return invoke(handler, {
    method: request.method ?? 'GET',
    path: url.pathname,
    rawQuery: url.search.replace(/^\?/, ''),
    headers,
    // Function URLs base64-encode form posts; the handler must decode them.
    ...(chunks.length > 0 && { body, base64: true }),
  });
}
