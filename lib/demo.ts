import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert } from './alerts/types.js';
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
  const sandbox = await startSandbox({ now: DEMO_MONTH, accounts: demoAccounts(DEMO_MONTH) });
  try {
    const budgetsFile = join(dir, 'budgets.yaml');
    await writeFile(budgetsFile, demoBudgets(sandbox));
    const config = await loadBudgets(budgetsFile);
    const env = Object.fromEntries(sandbox.accounts().map((a) => [envName(a.id), sandbox.keyOf(a.id)]));
    const http = createHttpClient({ fetch: io.fetch });
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
      const sent: string[] = [];
      const result = await checkAccounts(
        {
          http,
          resolveKey,
          store: createFileStore(join(dir, 'state.json'), { now: () => at }),
          publisher: createConsolePublisher((text) => sent.push(text), 'channels'),
        },
        config,
        at,
      );
      lastReport = result.report;
      if (sent.length === 0) continue;
      io.stdout.write(`\n═══ ${at.toISOString().replace('T', ' ').slice(0, 16)} UTC — ${sent.length} alert(s)\n${sent.join('')}`);
      result.sent.forEach((alert: Alert) => kinds.set(`${alert.kind} ${alert.status}`, (kinds.get(`${alert.kind} ${alert.status}`) ?? 0) + 1));
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
  const lines = ['defaults:', '  renotifyHours: 72', 'accounts:'];
  for (const account of sandbox.accounts()) {
    lines.push(
      `  - id: ${account.id}`,
      `    provider: ${account.vendor}`,
      `    baseUrl: ${sandbox.urls[account.vendor]}`,
      `    apiKey: { env: ${envName(account.id)} }`,
      ...DEMO_RULES[account.vendor],
    );
  }
  return `${lines.join('\n')}\n`;
}

const DEMO_RULES = {
  pictory: ['    budget: { monthly: 400, alertAt: [50, 80, 100], forecastAt: [100] }', '    balance: { below: 50, runwayDays: 3 }'],
  'account-api': [
    '    budget: { monthly: 3000, alertAt: [50, 80, 100], forecastAt: [100] }',
    '    balance: { below: 100, runwayDays: 5 }',
    '    autoReload: { warnWithin: 50 }',
    '    usage: { spikeFactor: 3, errorRate: 10 }',
    '    authExpiryWarnDays: 3',
  ],
  pixelcut: ['    budget: { monthly: 200, alertAt: [80, 100] }', '    balance: { below: 25, runwayDays: 3 }'],
} as const;
