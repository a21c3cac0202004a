import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the recorder was asked, per operation (`AmazonSSM.GetParameters`, `Publish`). */
export interface AwsRecorder {
  readonly url: string;
  readonly calls: Map<string, number>;
  /** SSM parameter names requested (one per name per GetParameters call). */
  parametersRead: number;
  reset(): void;
  close(): Promise<void>;
}

/**
 * Answers SSM GetParameters (JSON 1.1) and SNS Publish (query protocol, XML) on loopback like AWS would,
 * counting each call: as in test/functions/bundle-smoke.test.ts.
 */
export async function startAwsRecorder(parameters: ReadonlyMap<string, string>): Promise<AwsRecorder> {
  const calls = new Map<string, number>();
  const recorder = {
    url: '',
    calls,
    parametersRead: 0,
    reset() {
      calls.clear();
      recorder.parametersRead = 0;
    },
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? new URLSearchParams(body).get('Action') ?? '?');
      calls.set(target, (calls.get(target) ?? 0) + 1);
      if (target === 'AmazonSSM.GetParameters') {
        const { Names } = JSON.parse(body) as { Names: string[] };
        recorder.parametersRead += Names.length;
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(
          JSON.stringify({
            Parameters: Names.filter((n) => parameters.has(n)).map((n) => ({ Name: n, Type: 'SecureString', Value: parameters.get(n), Version: 1 })),
            InvalidParameters: Names.filter((n) => !parameters.has(n)),
          }),
        );
      } else if (target === 'Publish') {
        const n = calls.get(target);
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-${n}</MessageId></PublishResult><ResponseMetadata><RequestId>r-${n}</RequestId></ResponseMetadata></PublishResponse>`,
        );
      } else {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ __type: 'UnknownOperation', message: target }));
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  recorder.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return recorder;
}
