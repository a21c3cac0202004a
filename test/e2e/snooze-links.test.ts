// Snooze links end to end, in real headless Chromium (Debian's chromium, driven by playwright-core):
// an alert's email rendered with the real signer, its link opened against the Function URL handler
// served on loopback, the state in dynalite.
import { existsSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isActive } from '../../lib/alerts/silences.js';
import { renderSnsBodies } from '../../lib/delivery/sns-publisher.js';
import { createLinkSigner } from '../../lib/links/signer.js';
import { createDynamoDbStore } from '../../lib/state/dynamodb-store.js';
import { createSnoozeLinkHandler } from '../../functions/snooze-link-handler.js';
import { createStateTable, dynamoClient, startDynalite, type RunningDynalite } from '../helpers/dynalite.js';
import { ALERT_AT, DAY_MS, firingAlert, SECRET } from '../lib/links/fixtures.js';
import { serveFunctionUrl, type FunctionUrlHandler } from './function-url.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The flags that work on this closed network (see the machine notes): no sandbox as root, no background traffic. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
const SCREENSHOT = resolve(import.meta.dirname, '../../docs/snooze-confirmation.png');
const TABLE = 'budget-alerts-state';
/** Generous for a busy 2-CPU machine: waits end as soon as the page is there. */
const WAIT_MS = 30_000;
const CLICK = new Date(ALERT_AT.getTime() + 3_600_000);

interface BrowserGlobals {
  getComputedStyle(element: unknown): { backgroundColor: string };
}

describe('snooze links in headless Chromium', () => {
  let dynalite: RunningDynalite;
  let client: DynamoDBClient;
  let server: Awaited<ReturnType<typeof serveFunctionUrl>>;
  let browser: Browser;
  let page: Page;
  let now = CLICK;
  let email: string;

  const store = () => createDynamoDbStore({ client, tableName: TABLE, now: () => now });
  /** The URL the email gives for `label`. */
  const linkIn = (text: string, label: string): string => {
    const match = new RegExp(`^ {2}${label}: (\\S+)$`, 'm').exec(text);
    if (match === null) throw new Error(`no "${label}" link in the email:\n${text}`);
    return match[1]!;
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not at ${CHROMIUM}: install it with "apt-get install -y chromium" (.ci/run does), or set CHROMIUM_PATH`);
    }
    dynalite = await startDynalite();
    client = dynamoClient(dynalite.endpoint);
    await createStateTable(client, TABLE);
    const handler = createSnoozeLinkHandler({
      secret: async () => SECRET,
      store: (at) => createDynamoDbStore({ client, tableName: TABLE, now: () => at }),
      logger: new Logger({ serviceName: 'budget-alerts', logLevel: 'ERROR' }),
      clock: () => now,
    }) as FunctionUrlHandler;
    server = await serveFunctionUrl(handler);
    // The check function's side: the email of a firing alert, signed for this URL.
    const sign = createLinkSigner({ baseUrl: server.url, secret: SECRET });
    const alert = firingAlert();
    email = renderSnsBodies(alert, sign(alert)).email;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 90_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    client?.destroy();
    await dynalite?.close();
  });

  beforeEach(async () => {
    now = CLICK;
    page = await browser.newPage({ viewport: { width: 400, height: 560 } });
    page.setDefaultTimeout(WAIT_MS);
    return async () => {
      await page.close();
    };
  });

  it('GET shows the alert key and the duration and changes nothing; the button snoozes; Undo undoes', { timeout: 120_000 }, async () => {
    // Prepare
    const link = linkIn(email, 'Snooze 1 day');
    expect(link.startsWith(server.url)).toBe(true);

    // Act: open the link as a reader (or a mail scanner) does
    const response = await page.goto(link);

    // Assess: a confirmation, styled (the CSP lets exactly our inline style through), and no silence yet
    expect(response?.status()).toBe(200);
    await expect.poll(() => page.locator('h1').textContent(), { timeout: WAIT_MS }).toBe('Snooze for 1 day?');
    expect(await page.locator('main').textContent()).toContain('video-prod/balance.low');
    const button = page.getByRole('button', { name: 'Snooze for 1 day' });
    // (tsconfig has no DOM lib: the browser's getComputedStyle is reached through globalThis)
    const background = await button.evaluate((b) => (globalThis as unknown as BrowserGlobals).getComputedStyle(b).backgroundColor);
    expect(background).toBe('rgb(11, 87, 208)');
    expect(await store().listSilences()).toEqual([]);
    await saveScreenshot(page);

    // Act: confirm
    await Promise.all([page.waitForURL(link), button.click()]);
    await page.locator('h1', { hasText: 'Snoozed' }).waitFor();

    // Assess: the silence is written and the page says until when and how to undo it
    const [silence] = await store().listSilences();
    expect(silence).toMatchObject({ matcher: 'video-prod/balance.low', startsAt: CLICK.toISOString(), endsAt: new Date(CLICK.getTime() + DAY_MS).toISOString() });
    expect(isActive(silence!, now)).toBe(true);
    expect(await page.locator('main').textContent()).toContain('until 2026-11-21 13:00 UTC');

    // Act: undo
    await page.getByRole('button', { name: 'Undo this snooze' }).click();
    await page.locator('h1', { hasText: 'Snooze undone' }).waitFor();

    // Assess
    const [undone] = await store().listSilences();
    expect(undone?.removedAt).toBe(CLICK.toISOString());
  });

  it('shows the error page, 403, for a tampered token', { timeout: 60_000 }, async () => {
    // Prepare: the week link with its signature altered
    const link = new URL(linkIn(email, 'Snooze 1 week'));
    const token = link.searchParams.get('t')!;
    link.searchParams.set('t', `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`);
    const before = await store().listSilences();

    // Act
    const response = await page.goto(link.toString());

    // Assess
    expect(response?.status()).toBe(403);
    await page.locator('h1', { hasText: 'This link is not valid' }).waitFor();
    expect(await page.locator('form').count()).toBe(0);
    expect(await store().listSilences()).toEqual(before);
  });

  it('shows the error page, 410, for an expired token', { timeout: 60_000 }, async () => {
    // Prepare: a week after the alert, its links have expired
    const link = linkIn(email, 'Silence this account for 1 day');
    now = new Date(ALERT_AT.getTime() + 7 * DAY_MS + 60_000);
    const before = await store().listSilences();

    // Act
    const response = await page.goto(link);

    // Assess
    expect(response?.status()).toBe(410);
    await page.locator('h1', { hasText: 'This link has expired' }).waitFor();
    expect(await store().listSilences()).toEqual(before);
  });
});

/**
 * The confirmation page for the README. Written when missing or when UPDATE_SCREENSHOTS=1, so that runs on a clean
 * checkout leave the committed picture alone; always taken, so a page that cannot be captured fails here.
 */
async function saveScreenshot(page: Page): Promise<void> {
  const png = await page.screenshot({ fullPage: true });
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(SCREENSHOT)) {
    await mkdir(join(SCREENSHOT, '..'), { recursive: true });
    await writeFile(SCREENSHOT, png);
  }
  expect((await stat(SCREENSHOT)).size).toBeLessThan(200_000);
}
