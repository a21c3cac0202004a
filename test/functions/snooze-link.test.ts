import { Logger } from '@aws-lambda-powertools/logger';
import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { isActive } from '../../lib/alerts/silences.js';
import { SILENCES_PARTITION } from '../../lib/links/deployment.js';
import { createLinkSigner, TOKEN_PARAM } from '../../lib/links/signer.js';
import { silenceIdOf } from '../../lib/links/token.js';
import { createDynamoDbStore } from '../../lib/state/dynamodb-store.js';
import { createSnoozeLinkHandler } from '../../functions/snooze-link-handler.js';
import { invoke, type FunctionUrlHandler, type RequestParts } from '../e2e/function-url.js';
import { createStateTable, dynamoClient, startDynalite, type RunningDynalite } from '../helpers/dynalite.js';
import { ALERT_AT, captureOutput, DAY_MS, firingAlert, LINK_BASE, OTHER_SECRET, SECRET } from '../lib/links/fixtures.js';

const TABLE = 'budget-alerts-state';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
/** An hour after the alert: its links are valid. */
const CLICK = new Date(ALERT_AT.getTime() + 3_600_000);

const sign = createLinkSigner({ baseUrl: LINK_BASE, secret: SECRET });
/** The token of the alert's link `index` (0: 1 day, 1: 1 week, 2: the account for 1 day). */
function tokenOf(index: number, secret = SECRET): string {
  const links = createLinkSigner({ baseUrl: LINK_BASE, secret })(firingAlert());
  return new URL(links[index]!.url).searchParams.get(TOKEN_PARAM)!;
}
const query = (token: string) => `${TOKEN_PARAM}=${token}`;
const formBody = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe('the snooze-link handler against dynalite', () => {
  let dynalite: RunningDynalite;
  let client: DynamoDBClient;
  let output: () => string;
  let now: Date;
  let tableName: string;
  let tables = 0;

  beforeAll(async () => {
    dynalite = await startDynalite();
    client = dynamoClient(dynalite.endpoint);
  });
  afterAll(async () => {
    client?.destroy();
    await dynalite?.close();
  });

  beforeEach(async () => {
    // A table per test: each starts with no silences.
    tableName = `${TABLE}-${++tables}`;
    await createStateTable(client, tableName);
    now = CLICK;
    output = captureOutput();
  });
  afterEach(() => vi.restoreAllMocks());

  const store = () => createDynamoDbStore({ client, tableName, now: () => now });
  function handlerWith(overrides: Partial<Parameters<typeof createSnoozeLinkHandler>[0]> = {}): FunctionUrlHandler {
    return createSnoozeLinkHandler({
      secret: async () => SECRET,
      store: (at) => createDynamoDbStore({ client, tableName, now: () => at }),
      logger: new Logger({ serviceName: 'budget-alerts' }),
      clock: () => now,
      ...overrides,
    }) as FunctionUrlHandler;
  }
  const request = (parts: RequestParts, handler = handlerWith()) => invoke(handler, parts);
  const post = (token: string, action: string, handler = handlerWith()) =>
    request({ method: 'POST', rawQuery: query(token), headers: FORM, body: formBody({ [TOKEN_PARAM]: token, action }) }, handler);
  /** Every item of the silences partition, raw. */
  const silenceItems = async () => (await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: SILENCES_PARTITION } } }))).Items ?? [];

  it('GET shows what would be silenced and for how long, with a button that posts, and changes nothing', async () => {
    // Act
    const page = await request({ method: 'GET', rawQuery: query(tokenOf(0)) });

    // Assess
    expect(page.status).toBe(200);
    expect(page.body).toContain('Snooze for 1 day?');
    expect(page.body).toContain('<code>video-prod/balance.low</code>');
    expect(page.body).toContain('Nothing has changed yet');
    expect(page.body).toMatch(/<form method="post">.*<button type="submit">Snooze for 1 day<\/button>/s);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; form-action 'self'/);
    expect(page.headers).toMatchObject({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff' });
    expect(await silenceItems()).toEqual([]);
  });

  it('GET of the account link says the whole account is silenced, and from which alert', async () => {
    const page = await request({ method: 'GET', rawQuery: query(tokenOf(2)) });
    expect(page.body).toContain('every alert of account <code>video-prod</code> (<code>video-prod/*</code>)');
    expect(page.body).toContain('From the alert</dt><dd><code>video-prod/balance.low</code>');
  });

  it('POST writes the silence (id from the token, the link expiry kept) and says until when and how to undo it', async () => {
    // Prepare
    const token = tokenOf(1);

    // Act
    const page = await post(token, 'snooze');

    // Assess
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Snoozed</h1>');
    expect(page.body).toContain('until <strong><time datetime="2026-11-27T13:00:00.000Z">2026-11-27 13:00 UTC</time></strong>');
    expect(page.body).toContain('Undo this snooze');
    expect(page.body).toContain(`{"unsilence": "${silenceIdOf(token)}"}`);
    expect(await store().listSilences()).toEqual([
      {
        id: silenceIdOf(token),
        matcher: 'video-prod/balance.low',
        startsAt: CLICK.toISOString(),
        endsAt: new Date(CLICK.getTime() + 7 * DAY_MS).toISOString(),
        reason: 'snoozed from alert video-prod/balance.low',
        createdBy: 'snooze link',
        expiresAt: new Date(ALERT_AT.getTime() + 7 * DAY_MS + 3_600_000).toISOString(),
      },
    ]);
    expect(await silenceItems()).toHaveLength(1);
  });

  it('keeps a 1-day snooze known until its link expires, so that the link cannot be used twice', async () => {
    // Act
    await post(tokenOf(0), 'snooze');

    // Assess
    const [silence] = await store().listSilences();
    expect(silence?.endsAt).toBe(new Date(CLICK.getTime() + DAY_MS).toISOString());
    expect(silence?.expiresAt).toBe(new Date(ALERT_AT.getTime() + 7 * DAY_MS).toISOString());
  });

  it('a second click (POST or GET) shows the same silence instead of making another', async () => {
    // Prepare
    const token = tokenOf(0);
    await post(token, 'snooze');
    now = new Date(CLICK.getTime() + 60_000);

    // Act
    const again = await post(token, 'snooze');
    const opened = await request({ method: 'GET', rawQuery: query(token) });

    // Assess
    for (const page of [again, opened]) {
      expect(page.status).toBe(200);
      expect(page.body).toContain('Already snoozed');
      expect(page.body).toContain('Undo this snooze');
    }
    const silences = await store().listSilences();
    expect(silences).toHaveLength(1);
    expect(silences[0]?.startsAt).toBe(CLICK.toISOString());
  });

  it('undo removes the silence; a replay of the link after the undo is refused with 410 and changes nothing', async () => {
    // Prepare
    const token = tokenOf(0);
    await post(token, 'snooze');
    const undoneAt = new Date(CLICK.getTime() + 600_000);
    now = undoneAt;

    // Act
    const undone = await post(token, 'undo');
    now = new Date(undoneAt.getTime() + 60_000);
    const replayed = await post(token, 'snooze');
    const reopened = await request({ method: 'GET', rawQuery: query(token) });

    // Assess
    expect(undone.status).toBe(200);
    expect(undone.body).toContain('Snooze undone');
    const [silence] = await store().listSilences();
    expect(silence?.removedAt).toBe(undoneAt.toISOString());
    expect(isActive(silence!, now)).toBe(false);
    for (const page of [replayed, reopened]) {
      expect(page.status).toBe(410);
      expect(page.body).toContain('This snooze was undone');
    }
    expect(await silenceItems()).toHaveLength(1);
  });

  it('a second undo says it was already undone, and when', async () => {
    const token = tokenOf(0);
    await post(token, 'snooze');
    await post(token, 'undo');
    now = new Date(CLICK.getTime() + 3_600_000);
    const again = await post(token, 'undo');
    expect(again.status).toBe(200);
    expect(again.body).toContain('Already undone');
    expect(again.body).toMatch(/was undone at <time datetime="2026-11-20T13:00:00.000Z">2026-11-20 13:00 UTC<\/time>/);
  });

  it('undo of a link that snoozed nothing is a 404 and writes nothing', async () => {
    const page = await post(tokenOf(0), 'undo');
    expect(page.status).toBe(404);
    expect(page.body).toContain('Nothing to undo');
    expect(await silenceItems()).toEqual([]);
  });

  it('a link whose snooze has run out is refused with 410 (links snooze once)', async () => {
    // Prepare
    const token = tokenOf(0);
    await post(token, 'snooze');
    now = new Date(CLICK.getTime() + DAY_MS + 1000);

    // Act
    const page = await post(token, 'snooze');

    // Assess
    expect(page.status).toBe(410);
    expect(page.body).toContain('This snooze is over');
    expect(await silenceItems()).toHaveLength(1);
  });

  it('refuses a tampered token with 403 (GET and POST) and writes nothing', async () => {
    // Prepare
    const [payload, signature] = tokenOf(0).split('.') as [string, string];
    const otherPayload = tokenOf(1).split('.')[0]!;
    const tampered = [`${otherPayload}.${signature}`, `${payload}.${signature.slice(0, -2)}AA`, tokenOf(0, OTHER_SECRET)];

    // Act
    const pages = [];
    for (const token of tampered) pages.push(await request({ method: 'GET', rawQuery: query(token) }), await post(token, 'snooze'));

    // Assess
    for (const page of pages) {
      expect(page.status).toBe(403);
      expect(page.body).toContain('This link is not valid');
      expect(page.body).not.toContain('<form');
    }
    expect(await silenceItems()).toEqual([]);
  });

  it('refuses an expired token with 410 (GET and POST) and writes nothing', async () => {
    // Prepare
    const token = tokenOf(0);
    now = new Date(ALERT_AT.getTime() + 7 * DAY_MS);

    // Act
    const pages = [await request({ method: 'GET', rawQuery: query(token) }), await post(token, 'snooze')];

    // Assess
    for (const page of pages) {
      expect(page.status).toBe(410);
      expect(page.body).toContain('This link has expired');
    }
    expect(await silenceItems()).toEqual([]);
  });

  it.each<[string, RequestParts, number, string]>([
    ['PUT', { method: 'PUT', rawQuery: 't=x' }, 405, 'That method is not allowed'],
    ['DELETE', { method: 'DELETE' }, 405, 'That method is not allowed'],
    ['GET without a token', { method: 'GET' }, 400, 'This link is incomplete'],
    ['GET with an empty token', { method: 'GET', rawQuery: 't=' }, 400, 'This link is incomplete'],
    ['GET with two tokens', { method: 'GET', rawQuery: 't=a.b&t=c.d' }, 400, 'This link is incomplete'],
    ['GET of garbage', { method: 'GET', rawQuery: 't=%3Cscript%3E' }, 400, 'This link is damaged'],
    ['GET of another path', { method: 'GET', path: '/favicon.ico' }, 404, 'Nothing here'],
    ['POST as JSON', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"action":"snooze"}' }, 415, 'not understood'],
    ['POST without a content type', { method: 'POST', body: 'action=snooze' }, 415, 'not understood'],
    ['POST without an action', { method: 'POST', headers: FORM, body: 't=a.b' }, 400, 'The form was incomplete'],
    ['POST with an unknown action', { method: 'POST', headers: FORM, body: 't=a.b&action=delete-everything' }, 400, 'The form was incomplete'],
    ['POST with two actions', { method: 'POST', headers: FORM, body: 't=a.b&action=snooze&action=undo' }, 400, 'The form was incomplete'],
    ['POST without a token', { method: 'POST', headers: FORM, body: 'action=snooze' }, 400, 'This link is incomplete'],
    ['POST of 5 KB', { method: 'POST', headers: FORM, body: `action=snooze&t=${'a'.repeat(5000)}` }, 413, 'too large'],
  ])('answers %s with a clear %i page and no stack trace', async (_name, parts, status, text) => {
    // Act
    const page = await request(parts);

    // Assess
    expect(page.status).toBe(status);
    expect(page.body).toContain(text);
    expect(page.body).toMatch(/^<!doctype html>/);
    expect(page.body).not.toMatch(/\bat \S+ \(|Error:|undefined/);
    if (status === 405) expect(page.headers.allow).toBe('GET, HEAD, POST');
    expect(await silenceItems()).toEqual([]);
  });

  it('answers an event that is not a Function URL request with a 400 page', async () => {
    const handler = handlerWith();
    const result = (await handler({} as never, (await import('../e2e/function-url.js')).lambdaContext())) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(400);
    expect(result.body).toContain('<!doctype html>');
  });

  it('reads the form from a plain or a base64-encoded body, and the token from the address if the form has none', async () => {
    // Prepare
    const token = tokenOf(0);

    // Act
    const plain = await request({ method: 'POST', headers: FORM, body: formBody({ t: token, action: 'snooze' }) });
    const encoded = await request({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' }, body: formBody({ t: token, action: 'undo' }), base64: true });
    const fromAddress = await request({ method: 'POST', rawQuery: query(tokenOf(1)), headers: FORM, body: 'action=snooze' });

    // Assess
    expect([plain.status, encoded.status, fromAddress.status]).toEqual([200, 200, 200]);
    expect(encoded.body).toContain('Snooze undone');
    expect((await store().listSilences()).map((s) => s.id).sort()).toEqual([silenceIdOf(token), silenceIdOf(tokenOf(1))].sort());
  });

  it('answers HEAD like GET, without a body, and changes nothing', async () => {
    const page = await request({ method: 'HEAD', rawQuery: query(tokenOf(0)) });
    expect(page.status).toBe(200);
    expect(page.body).toBe('');
    expect(await silenceItems()).toEqual([]);
  });

  it('answers 503 when the store cannot be reached, and logs why without the token', async () => {
    // Prepare
    const failing = handlerWith({
      store: () => ({
        listSilences: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { name: 'TimeoutError' })),
        addSilence: () => Promise.reject(new Error('unreachable')),
        removeSilence: () => Promise.reject(new Error('unreachable')),
      }),
    });
    const token = tokenOf(0);

    // Act
    const page = await request({ method: 'GET', rawQuery: query(token) }, failing);

    // Assess
    expect(page.status).toBe(503);
    expect(page.body).toContain('Try again in a minute');
    expect(output()).toContain('TimeoutError');
    expect(output()).not.toContain(token);
  });

  it('reads the secret once per container, and again only after a failed read (503 meanwhile)', async () => {
    // Prepare
    const secret = vi.fn<() => Promise<string>>().mockRejectedValueOnce(new Error('AccessDeniedException')).mockResolvedValue(SECRET);
    const handler = handlerWith({ secret });
    const token = tokenOf(0);

    // Act
    const first = await request({ method: 'GET', rawQuery: query(token) }, handler);
    const second = await request({ method: 'GET', rawQuery: query(token) }, handler);
    const third = await request({ method: 'GET', rawQuery: query(token) }, handler);

    // Assess
    expect([first.status, second.status, third.status]).toEqual([503, 200, 200]);
    expect(secret).toHaveBeenCalledTimes(2);
  });

  it('after a key rotation, keeps accepting links signed with the key before it, and refuses links of neither', async () => {
    // Prepare: the secret was rotated from SECRET to OTHER_SECRET.
    const handler = handlerWith({ secret: async () => OTHER_SECRET, previousSecret: async () => SECRET });

    // Act
    const before = await request({ method: 'GET', rawQuery: query(tokenOf(0)) }, handler);
    const after = await request({ method: 'GET', rawQuery: query(tokenOf(0, OTHER_SECRET)) }, handler);
    const neither = await request({ method: 'GET', rawQuery: query(tokenOf(0, 'R'.repeat(64))) }, handler);

    // Assess
    expect([before.status, after.status, neither.status]).toEqual([200, 200, 403]);
  });

  it('reads the keys again, at most once a minute, when a link signed by none of them comes (a rotation since it read them)', async () => {
    // Prepare: the container read SECRET; the secret is then rotated to OTHER_SECRET.
    const secret = vi.fn<() => Promise<string>>().mockResolvedValueOnce(SECRET).mockResolvedValue(OTHER_SECRET);
    const handler = handlerWith({ secret });
    expect((await request({ method: 'GET', rawQuery: query(tokenOf(0)) }, handler)).status).toBe(200);
    const signedAfter = tokenOf(0, OTHER_SECRET);

    // Act
    now = new Date(CLICK.getTime() + 30_000);
    const tooSoon = await request({ method: 'GET', rawQuery: query(signedAfter) }, handler);
    const readsTooSoon = secret.mock.calls.length;
    now = new Date(CLICK.getTime() + 61_000);
    const later = await request({ method: 'GET', rawQuery: query(signedAfter) }, handler);
    const forged = await request({ method: 'GET', rawQuery: query(tokenOf(0, 'R'.repeat(64))) }, handler);

    // Assess
    expect([tooSoon.status, later.status, forged.status]).toEqual([403, 200, 403]);
    expect(readsTooSoon).toBe(1);
    expect(secret).toHaveBeenCalledTimes(2);
  });

  it('leaves out a previous key that cannot be read, saying so, and still accepts current links', async () => {
    // Prepare
    const handler = handlerWith({ previousSecret: async () => Promise.reject(new Error('AccessDeniedException')) });

    // Act
    const page = await request({ method: 'GET', rawQuery: query(tokenOf(0)) }, handler);

    // Assess
    expect(page.status).toBe(200);
    expect(output()).toContain('links signed before the last key rotation are refused');
  });

  it('never shows or logs the secret, and logs what happened with the silence id only', async () => {
    // Prepare
    const token = tokenOf(0);

    // Act
    const pages = [
      await request({ method: 'GET', rawQuery: query(token) }),
      await post(token, 'snooze'),
      await post(token, 'undo'),
      await post(token, 'snooze'),
      await request({ method: 'GET', rawQuery: query(tokenOf(0, OTHER_SECRET)) }),
      await request({ method: 'GET', rawQuery: query(token) }, handlerWith({ secret: async () => 'too short' })),
    ];

    // Assess
    for (const page of pages) expect(page.body + JSON.stringify(page.headers)).not.toContain(SECRET);
    expect(output()).not.toContain(SECRET);
    expect(output()).not.toContain(token);
    expect(output()).not.toContain('too short');
    const outcomes = output().split('\n').filter((l) => l.includes('"snooze link"')).map((l) => (JSON.parse(l) as { outcome: string }).outcome);
    expect(outcomes).toEqual(['confirm-shown', 'snoozed', 'undone', 'undone', 'forged']);
    expect(output()).toContain(silenceIdOf(token));
  });

  it('signs links the handler accepts (one secret for both functions)', async () => {
    const [link] = sign(firingAlert());
    const page = await request({ method: 'GET', rawQuery: new URL(link!.url).search.slice(1) });
    expect(page.status).toBe(200);
  });
});
