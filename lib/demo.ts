import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertPublisher } from './delivery/types.js';
import { checkAccounts } from './check.js';
import { loadBudgets } from './config.js';
import { createConsolePublisher } from './delivery/console-publisher.js';
import { createKeyResolver } from './keys.js';
import { createHttpClient } from './providers/http.js';
import { demoAccounts, startSandbox, type Sandbox } from './sandbox/index.js';
import { createFileStore } from './state/file-store.js';

/** The month the demo replays; fixed so that every run shows the same story. */
const DEMO_MONTH = new Date('2026-11-01T00:00:00Z');
const STEP_HOURS = 6;

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
    let lastReport;
    const end = new Date(Date.UTC(DEMO_MONTH.getUTCFullYear(), DEMO_MONTH.getUTCMonth() + 1, 1, 6));
    for (let at = new Date(DEMO_MONTH.getTime() + STEP_HOURS * 3_600_000); at <= end; at = new Date(at.getTime() + STEP_HOURS * 3_600_000)) {
      sandbox.setNow(at);
      const shown: string[] = [];
      // Every channel's rendering the first time a kind fires or resolves; one line after that.
      const publisher: AlertPublisher = {
        publish: async (alert, target) => {
          const kind = `${alert.kind} ${alert.status}`;
          const style = kinds.has(kind) ? 'line' : 'channels';
          kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
          await createConsolePublisher((text) => shown.push(style === 'line' ? `── ${text}` : text), style).publish(alert, target);
        },
      };
      const store = createFileStore(join(dir, 'state.json'), { now: () => at });
      const result = await checkAccounts({ http, resolveKey, store, publisher, concurrency: 1 }, config, at);
      lastReport = result.report;
      if (shown.length > 0) {
        io.stdout.write(`\n═══ ${at.toISOString().replace('T', ' ').slice(0, 16)} UTC — ${shown.length} alert(s)\n${shown.join('')}`);
      }
    }
    io.stdout.write(`\nAlerts sent over the month, by kind:\n`);
    for (const [kind, count] of [...kinds].sort()) io.stdout.write(`  ${kind.padEnd(32)} ${count}\n`);
    io.stdout.write(`\nLast report (as \`budget-alerts check --json\` prints it):\n${JSON.stringify(lastReport, null, 2)}\n`);
    return 0;
  } finally {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  }
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
  'video-prod': ['    budget: { monthly: 400, alertAt: [50, 80, 100], forecastAt: [100] }', '    balance: { below: 50 }'],
  'chat-prod': ['    budget: { monthly: 3000 }', '    autoReload: { warnWithin: 50 }', '    authExpiryWarnDays: 3'],
  'batch-jobs': [
    '    budget: { monthly: 1500, alertAt: [80, 100] }',
    '    autoReload: {}',
    '    usage: { spikeFactor: 3, errorRate: 10 }',
  ],
  'images-prod': ['    budget: { monthly: 500, alertAt: [80, 100] }', '    balance: { below: 100 }'],
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
