import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // The slowest setup, test/infra/budget-alerts.test.ts's beforeAll (the first CDK stack of its process: aws-cdk-lib
    // loads lazily), takes ~1 s on this 2-CPU machine when idle and 3–4.5 s with the infra tests running twice over
    // beside other jobs (load average 7–12); vitest's default of 10 s was hit while it also started CloudFormation's
    // validation engine (test/infra/fixtures.ts now leaves that to app.test.ts). Several times the worst seen:
    hookTimeout: 30_000,
    pool: 'forks',
    // Removes the temp directories each file made (test/helpers/temp-dir.ts).
    setupFiles: ['test/helpers/setup.ts'],
  },
});
