import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../lib/sandbox/index.js';
import { AnswerMemo } from '../../../lib/sandbox/memo.js';
import type { SandboxResponse } from '../../../lib/sandbox/response.js';
import { DAY, accountApi, after, get, pictory } from './helpers.js';

const NOW = new Date('2026-05-20T12:00:00.000Z');
const MAY = new Date('2026-05-01T00:00:00.000Z');

function answer(body: string, extra: Partial<SandboxResponse> = {}): SandboxResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body, ...extra };
}

describe('AnswerMemo', () => {
  it('keys a request by method, URL and every header, whatever order the headers came in', () => {
    const key = AnswerMemo.keyOf('GET', '/v1/a?x=1', { authorization: 'k1', 'user-agent': 'ua' });
    expect(AnswerMemo.keyOf('GET', '/v1/a?x=1', { 'user-agent': 'ua', authorization: 'k1' })).toBe(key);
    expect(AnswerMemo.keyOf('GET', '/v1/a?x=1', { authorization: 'k2', 'user-agent': 'ua' })).not.toBe(key);
    expect(AnswerMemo.keyOf('GET', '/v1/a?x=1', { authorization: 'k1', 'user-agent': 'ua', accept: '*/*' })).not.toBe(key);
    expect(AnswerMemo.keyOf('GET', '/v1/a?x=2', { authorization: 'k1', 'user-agent': 'ua' })).not.toBe(key);
    expect(AnswerMemo.keyOf('HEAD', '/v1/a?x=1', { authorization: 'k1', 'user-agent': 'ua' })).not.toBe(key);
  });

  it('gives back what it kept, its body encoded once, and never keeps an endless answer', () => {
    const memo = new AnswerMemo(1_000);
    memo.set('a', answer('{"é":1}'));
    const kept = memo.get('a');
    expect(kept?.status).toBe(200);
    expect(Buffer.isBuffer(kept?.body)).toBe(true);
    expect(Buffer.from(kept?.body ?? '').toString('utf8')).toBe('{"é":1}');
    memo.set('b', answer('[', { endless: { chunk: '[', intervalMs: 0 } }));
    expect(memo.get('b')).toBeUndefined();
  });

  it('starts over when its bodies would pass the limit, and skips a body larger than the limit', () => {
    const memo = new AnswerMemo(10);
    memo.set('a', answer('123456'));
    memo.set('b', answer('1234'));
    expect(memo.size).toBe(2);
    memo.set('c', answer('12'));
    expect([memo.get('a'), memo.get('b'), memo.get('c')?.status]).toEqual([undefined, undefined, 200]);
    memo.set('d', answer('12345678901'));
    expect(memo.get('d')).toBeUndefined();
    expect(memo.size).toBe(1);
  });
});

describe.each([true, false])('a sandbox answering the same request twice (memoize: %s)', (memoize) => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  async function start(): Promise<Sandbox> {
    sandbox = await startSandbox({
      now: NOW,
      memoize,
      accounts: [
        { id: 'video', vendor: 'pictory', start: MAY, openingBalance: 500, monthlyAllowance: 500, burnPerHour: 0.5 },
        { id: 'chat', vendor: 'account-api', start: MAY, openingBalance: 300, burnPerHour: 0.25 },
      ],
    });
    return sandbox;
  }

  const USAGE = '/pictoryapis/v1/aicredits/usage';
  const credits = (sb: Sandbox) => accountApi(sb, 'chat', 'credits').then((a) => a.json<{ balance: number; auto_reload_enabled: boolean }>());

  it('answers a top-up made since, in the ledger and the balance', async () => {
    const sb = await start();
    const before = await pictory(sb, 'video', USAGE);
    expect((await pictory(sb, 'video', USAGE)).text).toBe(before.text);
    sb.topUp('video', 40, after(NOW, -60_000));
    const afterTopUp = (await pictory(sb, 'video', USAGE)).json<{ source: string; amount: number }[]>();
    expect(afterTopUp).toHaveLength(before.json<unknown[]>().length + 1);
    expect(afterTopUp.filter((entry) => entry.source === 'Add-on Purchase').map((entry) => entry.amount)).toEqual([40]);

    const balance = (await credits(sb)).balance;
    sb.topUp('chat', 25);
    expect((await credits(sb)).balance).toBeCloseTo(balance + 25, 6);
  });

  it('answers at the clock as moved since, and with auto-reload as set since', async () => {
    const sb = await start();
    const first = await credits(sb);
    expect(first.auto_reload_enabled).toBe(false);
    sb.setNow(after(NOW, DAY));
    expect((await credits(sb)).balance).toBeCloseTo(first.balance - 24 * 0.25, 6);
    sb.setAutoReload('chat', { enabled: true, threshold: 50, amount: 100 });
    expect((await credits(sb)).auto_reload_enabled).toBe(true);
  });

  it('knows an account added since, and still refuses another key on the same URL', async () => {
    const sb = await start();
    const url = `${sb.urls.pictory}${USAGE}`;
    const headers = { authorization: 'pictai_added_later', 'user-agent': 'budget-alerts-tests/1.0' };
    expect((await get(url, headers)).status).toBe(401);
    sb.addAccount({ id: 'later', vendor: 'pictory', start: MAY, openingBalance: 10, monthlyAllowance: 10, burnPerHour: 0, key: 'pictai_added_later' });
    expect((await get(url, headers)).status).toBe(200);
    expect((await get(url, { ...headers, authorization: 'pictai_unknown' })).status).toBe(401);
  });

  it('still applies a fault injected after the answer was first given, and answers as before once it is spent', async () => {
    const sb = await start();
    const before = await pictory(sb, 'video', USAGE);
    sb.inject({ vendor: 'pictory', fault: { kind: 'status', status: 502 } });
    expect((await pictory(sb, 'video', USAGE)).status).toBe(502);
    const again = await pictory(sb, 'video', USAGE);
    expect([again.status, again.text]).toEqual([200, before.text]);
  });
});
