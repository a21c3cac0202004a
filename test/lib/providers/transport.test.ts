import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeTransport } from '../../../lib/providers/transport.js';

const BODY = JSON.stringify({ credits_remaining: '689.6', note: 'x'.repeat(2_000) });

/** A loopback server answering every request with `answer`; records the sockets and headers it saw. */
async function serve(answer: (headers: IncomingHttpHeaders) => { headers: Record<string, string>; body: Buffer | string }) {
  const sockets = new Set<unknown>();
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    sockets.add(req.socket);
    seen.push(req.headers);
    const { headers, body } = answer(req.headers);
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  open.push(server);
  return { url: `http://127.0.0.1:${port}/v1/credits`, sockets, seen };
}

const open: Server[] = [];
afterEach(async () => {
  for (const server of open.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const get = (transport: ReturnType<typeof nodeTransport>, url: string) =>
  transport({ url, headers: { 'User-Agent': 'test', Accept: 'application/json' }, timeoutMs: 2_000, maxBodyBytes: 1 << 20 });

describe('the node:http transport', () => {
  it.each([
    ['gzip', (b: string) => gzipSync(b)],
    ['x-gzip', (b: string) => gzipSync(b)],
    ['deflate', (b: string) => deflateSync(b)],
    ['deflate', (b: string) => deflateRawSync(b)],
    ['br', (b: string) => brotliCompressSync(b)],
    ['gzip, br', (b: string) => brotliCompressSync(gzipSync(b))],
  ])('decodes a %s body as fetch would', async (encoding, encode) => {
    // Prepare
    const server = await serve(() => ({ headers: { 'content-encoding': encoding }, body: encode(BODY) }));

    // Act
    const result = await get(nodeTransport(), server.url);

    // Assess
    expect(result).toMatchObject({ kind: 'response', status: 200, body: { kind: 'text', text: BODY } });
  });

  it('passes a body with an unknown coding through undecoded, as fetch does', async () => {
    // Prepare
    const server = await serve(() => ({ headers: { 'content-encoding': 'zstd-unknown' }, body: BODY }));

    // Act
    const result = await get(nodeTransport(), server.url);

    // Assess
    expect(result).toMatchObject({ kind: 'response', body: { kind: 'text', text: BODY } });
  });

  it('asks for compressed answers, sends header names in lower case and keeps the connection for the next request', async () => {
    // Prepare
    const server = await serve(() => ({ headers: {}, body: BODY }));
    const transport = nodeTransport();

    // Act
    for (let i = 0; i < 3; i++) await get(transport, server.url);

    // Assess
    expect(server.sockets.size).toBe(1);
    expect(server.seen[0]).toMatchObject({ 'user-agent': 'test', accept: 'application/json', 'accept-encoding': 'gzip, deflate', connection: 'keep-alive' });
  });

  it('reads headers as a fetch Headers does', async () => {
    // Prepare
    const server = await serve(() => ({ headers: { 'Retry-After': '3', 'X-Thing': 'a' }, body: '{}' }));

    // Act
    const result = await get(nodeTransport(), server.url);

    // Assess
    expect(result.kind).toBe('response');
    if (result.kind !== 'response') return;
    expect([result.headers.get('retry-after'), result.headers.get('RETRY-AFTER'), result.headers.get('x-missing')]).toEqual(['3', '3', null]);
  });
});
