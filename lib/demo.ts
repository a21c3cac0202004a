import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeliveryTarget } from './alerts/routing.js';
import { renderSms } from './alerts/render.js';
import { renderGroupSms } from './alerts/render-group.js';
import { createSilence } from './alerts/silences.js';
import type { Alert } from './alerts/types.js';
import type { AlertPublisher } from './delivery/types.js';
import { checkAccounts } from './check.js';
import { loadBudgets } from './config.js';
import { CONSOLE_TARGET, createConsolePublisher } from './delivery/console-publisher.js';
import { digestOf } from './digest/from-store.js';
import { renderDigestEmail } from './digest/render.js';
import { createLinkSigner } from './links/signer.js';
import { createKeyResolver } from './keys.js';
import { createHttpClient } from './providers/http.js';
import { demoAccounts, startSandbox, type Sandbox } from './sandbox/index.js';
import { createFileStore } from './state/file-store.js';

/** The month the demo replays; fixed so that every run shows the same story. */
const DEMO_MONTH = new Date('2026-11-01T00:00:00Z');
const STEP_HOURS = 6;
/** An on-call phone beside the terminal: warnings and up, quiet from 22:00 to 07:00 UTC. */
const PHONE: DeliveryTarget = { id: 'sms:on-call phone', minSeverity: 'warning', quietHours: { from: '22:00', to: '07:00', timezone: 'UTC' } };
/** A silence the demo adds mid-month, as `budget-alerts silence add` would. */
const SILENCE = { at: new Date('2026-11-12T00:00:00Z'), matcher: 'router-prod/*', hours: 36, reason: 'top-up ordered' };

/** Replays a month of simulated activity through the real check and prints every alert per channel. */
export async function runDemo(io: { stdout: { write(text: string): unknown }; fetch?: typeof fetch }): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'budget-alerts-demo-'));
  // Simulated time runs far faster than real time, so per-second vendor rate limits would only slow the demo.
  const sandbox = await startSandbox({ now: DEMO_MONTH, accounts: demoAccounts(DEMO_MONTH), enforceRateLimits: false });
  try {
    const budgetsFile = join(dir, 'budgets.yaml');
    await writeFile(budgetsFile, demoBudgets(sandbox));
    const config = await loadBudgets(budgetsFile);
    const env = Object.fromEntries(sandbox.accounts().map((a) => [envName(a.id), sandbox.keyOf(a.id)]));
    const http = createHttpClient({ fetch: io.fetch, limits: { pixelcut: { perSecond: Number.POSITIVE_INFINITY } } });
    const resolveKey = createKeyResolver({ env, ssm: () => { throw new Error('the demo uses no SSM keys'); } });

    io.stdout.write(
      `budget-alerts demo — simulated vendors on ${Object.values(sandbox.urls).join(', ')}\n` +
        `Replaying ${DEMO_MONTH.toISOString().slice(0, 7)} with a check every ${STEP_HOURS} hours for ${config.accounts.length} accounts; ` +
        `state in ${dir}\n`,
    );
    const kinds = new Map<string, number>();
    // Snooze links as a deployed stack signs them (the link function's URL is made up here).
    const links = createLinkSigner({ baseUrl: 'https://snooze.example.lambda-url.us-east-1.on.aws/', secret: 'demo-secret-demo-secret-demo-secret-0123' });
    let lastReport;
    const end = new Date(Date.UTC(DEMO_MONTH.getUTCFullYear(), DEMO_MONTH.getUTCMonth() + 1, 1, 6));
    const statePath = join(dir, 'state.json');
    // What the phone's quiet hours hold, shown once (each night's run holds it again until 07:00).
    const waiting = new Set<string>();
    for (let at = new Date(DEMO_MONTH.getTime() + STEP_HOURS * 3_600_000); at <= end; at = new Date(at.getTime() + STEP_HOURS * 3_600_000)) {
      sandbox.setNow(at);
      const shown: string[] = [];
      const store = createFileStore(statePath, { now: () => at });
      if (at.getTime() === SILENCE.at.getTime()) await addSilence(store, at, shown);
      const result = await checkAccounts(
        { http, resolveKey, store, publisher: demoPublisher(kinds, shown, links, waiting), targets: [CONSOLE_TARGET, PHONE], concurrency: 1 },
        config,
        at,
      );
      lastReport = result.report;
      for (const alert of result.silenced) shown.push(`── held by a silence: ${alert.title}\n`);
      for (const d of result.report.delivery ?? []) {
        if (!d.heldForQuietHours?.includes(PHONE.id) || waiting.has(d.key)) continue;
        waiting.add(d.key);
        shown.push(`   (the on-call phone is in its quiet hours: ${d.key} waits for 07:00)\n`);
      }
      if (shown.length > 0) io.stdout.write(`\n═══ ${at.toISOString().replace('T', ' ').slice(0, 16)} UTC\n${shown.join('')}`);
    }
    const digest = await digestOf(createFileStore(statePath, { now: () => end }), config.accounts, end, 'week');
    io.stdout.write(`\nThe weekly digest (as \`budget-alerts digest --period week\` prints it and the email shows it):\n\n${renderDigestEmail(digest, 'weekly').text}`);
    io.stdout.write(`\nAlerts sent over the month, by kind:\n`);
    for (const [kind, count] of [...kinds].sort()) io.stdout.write(`  ${kind.padEnd(32)} ${count}\n`);
    io.stdout.write(`\nLast report (as \`budget-alerts check --json\` prints it):\n${JSON.stringify(lastReport, null, 2)}\n`);
    return 0;
  } finally {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The demo's channels: the terminal shows every channel's rendering the first time a kind fires or
 * resolves (email and Slack with their snooze links), one line after that; the on-call phone gets SMS.
 */
function demoPublisher(
  kinds: Map<string, number>,
  shown: string[],
  links: (alert: Alert) => readonly { label: string; url: string }[],
  waiting: Set<string>,
): AlertPublisher {
  return {
    publish: async (alert, target) => {
      if (target.id === PHONE.id) {
        waiting.delete(alert.key);
        shown.push(`   📱 on-call phone: ${renderSms(alert)}\n`);
        return;
      }
      const kind = `${alert.kind} ${alert.status}`;
      const style = kinds.has(kind) ? 'line' : 'channels';
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      await createConsolePublisher((text) => shown.push(style === 'line' ? `── ${text}` : text), style, links).publish(alert, target);
    },
    publishGroup: async (alerts) => {
      for (const alert of alerts) waiting.delete(alert.key);
      shown.push(`   📱 on-call phone, its quiet hours over (one message): ${renderGroupSms(alerts)}\n`);
    },
  };
}

async function addSilence(store: ReturnType<typeof createFileStore>, now: Date, shown: string[]): Promise<void> {
  const silence = createSilence({ id: 'demo0001', matcher: SILENCE.matcher, now, durationMs: SILENCE.hours * 3_600_000, reason: SILENCE.reason, createdBy: 'demo' });
  if ('problem' in silence) throw new Error(silence.problem);
  await store.addSilence(silence);
  shown.push(`$ budget-alerts silence add '${SILENCE.matcher}' --for ${SILENCE.hours}h --reason "${SILENCE.reason}"   (until ${silence.endsAt})\n`);
}

function envName(accountId: string): string {
  return `DEMO_${accountId.replace(/-/g, '_').toUpperCase()}_KEY`;
}

/** The budgets file the demo checks, pointing at the sandbox's vendors. */
function demoBudgets(sandbox: Sandbox): string {
  const lines = ['accounts:'];
  for (const account of sandbox.accounts()) {
    lines.push(
      `  - id: ${account.id}`,
      `    provider: ${account.vendor}`,
      `    baseUrl: ${sandbox.urls[account.vendor]}`,
      `    apiKey: { env: ${envName(account.id)} }`,
      ...(DEMO_RULES[account.id] ?? []),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The rules of each demo account (see lib/sandbox/demo.ts for the activity they watch). */
const DEMO_RULES: Record<string, readonly string[]> = {
  'video-prod': [
    '    budget: { monthly: 400, alertAt: [50, 80, 100], forecastAt: [100] }',
    '    balance: { below: 50 }',
    '    creditPrice: { amount: 0.05, currency: USD }',
  ],
  'chat-prod': ['    budget: { monthly: 3000 }', '    autoReload: { warnWithin: 50 }', '    authExpiryWarnDays: 3'],
  'batch-jobs': [
    '    budget: { monthly: 1500, alertAt: [80, 100] }',
    '    autoReload: {}',
    '    usage: { spikeFactor: 3, errorRate: 10 }',
  ],
  'images-prod': ['    budget: { monthly: 500, alertAt: [80, 100] }', '    balance: { below: 100 }', '    creditPrice: { amount: 0.02, currency: EUR }'],
  'images-staging': ['    balance: { below: 100, runwayDays: 14 }'],
  // Any JSON credit API: where the balance is and how to ask for it (see "Any credit API" in the README).
  'credits-api': [
    '    endpoint:',
    '      path: /v1/account/balance',
    '      auth: { header: Authorization, value: "Bearer {key}" }',
    '      available: data.remaining',
    '      currency: { path: data.currency }',
    '    budget: { monthly: 600, alertAt: [50, 80, 100] }',
    '    balance: { below: 150 }',
  ],
  // A preset: OpenRouter's documented endpoint and mapping, nothing to configure but the key.
  'router-prod': ['    budget: { monthly: 100, alertAt: [50, 80] }', '    balance: { below: 50 }'],
};
