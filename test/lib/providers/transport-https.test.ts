// The node transport over TLS, as every real vendor is reached: certificates verified against the trust store
// (plus NODE_EXTRA_CA_CERTS, as on Lambda), the host name sent for SNI (Pictory sits behind Cloudflare), br
// asked for and decoded, and one connection kept for the next request. A certificate made by openssl for the run.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { join, resolve } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { brotliCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeTransport } from '../../../lib/providers/transport.js';
import { tempDir } from '../../helpers/temp-dir.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const BODY = JSON.stringify({ credits_remaining: '689.6', note: 'x'.repeat(2_000) });

/** Two GETs through the production transport in a process that trusts the test's certificate; prints what came back. */
const CLIENT = `
import { nodeTransport } from ${JSON.stringify(join(ROOT, 'lib/providers/transport.ts'))};
const transport = nodeTransport();
const out = [];
for (let i = 0; i < 2; i++) {
  const r = await transport({ url: process.env.URL, headers: { Accept: 'application/json' }, timeoutMs: 10_000, maxBodyBytes: 1 << 20 });
  out.push(r.kind === 'response' ? { kind: r.kind, status: r.status, body: r.body } : { kind: r.kind, error: String(r.error?.code ?? r.error) });
}
console.log(JSON.stringify(out));
`;

describe('the node:https transport', () => {
  let server: Server;
  let url: string;
  let certFile: string;
  const seen: { headers: IncomingHttpHeaders; servername: string | false | null; socket: unknown }[] = [];

  beforeAll(async () => {
    const dir = await tempDir('tls-');
    certFile = join(dir, 'cert.pem');
    const keyFile = join(dir, 'key.pem');
    // prettier-ignore
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', keyFile, '-out', certFile,
    ]).catch((error: unknown) => {
      throw new Error(`openssl could not make the test certificate (apt-get install -y openssl): ${String(error)}`);
    });
    server = createServer({ key: await readFile(keyFile), cert: await readFile(certFile) }, (req, res) => {
      const socket = req.socket as TLSSocket;
      seen.push({ headers: req.headers, servername: socket.servername, socket });
      const br = /\bbr\b/.test(String(req.headers['accept-encoding']));
      res.writeHead(200, { 'content-type': 'application/json', ...(br && { 'content-encoding': 'br' }) });
      res.end(br ? brotliCompressSync(BODY) : BODY);
    });
    await new Promise<void>((done) => server.listen(0, 'localhost', done));
    url = `https://localhost:${(server.address() as { port: number }).port}/v1/credits`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  it('reaches a vendor whose certificate is trusted: SNI sent, br decoded, one TLS connection for both requests', async () => {
    // Prepare
    seen.length = 0;
    const env = { PATH: process.env.PATH ?? '', URL: url, NODE_EXTRA_CA_CERTS: certFile };

    // Act
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CLIENT], { cwd: ROOT, env });

    // Assess
    const results = JSON.parse(stdout) as unknown[];
    expect(results).toEqual([
      { kind: 'response', status: 200, body: { kind: 'text', text: BODY } },
      { kind: 'response', status: 200, body: { kind: 'text', text: BODY } },
    ]);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ servername: 'localhost', headers: { accept: 'application/json', 'accept-encoding': 'br, gzip, deflate' } });
    expect(seen[1]!.socket).toBe(seen[0]!.socket);
  }, 30_000);

  it('refuses a certificate it does not trust, before sending anything', async () => {
    // Prepare
    seen.length = 0;

    // Act
    const result = await nodeTransport()({ url, headers: { Accept: 'application/json' }, timeoutMs: 10_000, maxBodyBytes: 1 << 20 });

    // Assess
    expect(result.kind).toBe('network');
    expect(result.kind === 'network' && (result.error as { code?: string }).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
    expect(seen).toEqual([]);
  });
});
