import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinkSigner } from '../../lib/links/signer.js';
import { silenceIdOf } from '../../lib/links/token.js';
import { createDynamoDbStore } from '../../lib/state/dynamodb-store.js';
import { functionUrlEvent } from '../e2e/function-url.js';
import { bundleHandler } from '../helpers/bundle.js';
import { createStateTable, dynamoClient, startDynalite, type RunningDynalite } from '../helpers/dynalite.js';
import { firingAlert, SECRET } from '../lib/links/fixtures.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TABLE = 'budget-alerts-state';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:SnoozeLinkSecret-AbCdEf';

/** Answers Secrets Manager GetSecretValue (JSON 1.1) for one secret never rotated (no AWSPREVIOUS version), counting the calls. */
async function startSecretsManager(): Promise<{ url: string; calls: string[]; server: Server }> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const { SecretId, VersionStage } = JSON.parse(body) as { SecretId: string; VersionStage?: string };
      calls.push(`${String(req.headers['x-amz-target'])} ${VersionStage ?? 'AWSCURRENT'}`);
      const found = SecretId === SECRET_ARN && (VersionStage ?? 'AWSCURRENT') === 'AWSCURRENT';
      res.writeHead(found ? 200 : 400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(found ? { ARN: SECRET_ARN, Name: 'SnoozeLinkSecret', SecretString: SECRET, VersionId: 'v1' } : { __type: 'ResourceNotFoundException' }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, server };
}

describe('the bundled snooze-link function', () => {
  let dynalite: RunningDynalite;
  let secrets: Awaited<ReturnType<typeof startSecretsManager>>;
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    dynalite = await startDynalite();
    await createStateTable(dynamoClient(dynalite.endpoint), TABLE);
    secrets = await startSecretsManager();
    // Inside the project, so that the runtime-provided @aws-sdk/* resolve from node_modules as on Lambda.
    await mkdir(join(ROOT, 'node_modules/.cache'), { recursive: true });
    dir = await mkdtemp(join(ROOT, 'node_modules/.cache/snooze-link-bundle-'));
    bundle = await bundleHandler(dir, 'functions/snooze-link.ts');
  }, 60_000);

  afterAll(async () => {
    await dynalite?.close();
    secrets?.server.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads in a fresh Node process, reads the secret once (its current and previous version), shows the page and writes the silence to the table', async () => {
    // Prepare: a link of an alert decided now, so that it is valid in the child process's clock
    const sign = createLinkSigner({ baseUrl: 'https://abc123.lambda-url.us-east-1.on.aws/', secret: SECRET });
    const [link] = sign(firingAlert({ at: new Date().toISOString() }));
    const rawQuery = new URL(link!.url).search.slice(1);
    const token = new URLSearchParams(rawQuery).get('t')!;
    const events = [
      functionUrlEvent({ method: 'GET', rawQuery }),
      functionUrlEvent({ method: 'POST', rawQuery, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `t=${token}&action=snooze`, base64: true }),
    ];
    const script = `
      const { handler } = await import(${JSON.stringify(bundle)});
      const context = { functionName: 'snooze-link', awsRequestId: 'req-1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:snooze-link', memoryLimitInMB: '256', getRemainingTimeInMillis: () => 10000 };
      for (const event of ${JSON.stringify(events)}) {
        const result = await handler(event, context);
        process.stdout.write('RESULT ' + JSON.stringify({ status: result.statusCode, csp: result.headers['content-security-policy'], h1: /<h1>(.*?)<\\/h1>/.exec(result.body)?.[1] }) + '\\n');
      }`;
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
      STATE_TABLE_NAME: TABLE,
      SNOOZE_LINK_SECRET_ARN: SECRET_ARN,
    };

    // Act
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env, cwd: dir });

    // Assess
    const results = stdout.split('\n').filter((l) => l.startsWith('RESULT ')).map((l) => JSON.parse(l.slice('RESULT '.length)));
    expect(results.map((r) => `${r.status} ${r.h1}`)).toEqual(['200 Snooze for 1 day?', '200 Snoozed']);
    expect(results[0].csp).toMatch(/^default-src 'none'/);
    expect(secrets.calls.sort()).toEqual(['secretsmanager.GetSecretValue AWSCURRENT', 'secretsmanager.GetSecretValue AWSPREVIOUS']);
    const stored = await createDynamoDbStore({ client: dynamoClient(dynalite.endpoint), tableName: TABLE, now: () => new Date() }).listSilences();
    expect(stored.map((s) => [s.id, s.matcher])).toEqual([[silenceIdOf(token), 'video-prod/balance.low']]);
    expect(stdout).not.toContain(SECRET);
  }, 60_000);
});
