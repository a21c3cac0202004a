import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '../..');

/** Bundles a handler (the check function's unless `entry` says) the way the CDK construct does: ESM, minified, AWS SDK left to the runtime. */
export async function bundleHandler(outdir: string, entry = 'functions/check-budgets.ts'): Promise<string> {
  const outfile = join(outdir, 'index.mjs');
  await build({
    entryPoints: [join(ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    external: ['@aws-sdk/*'],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  return outfile;
}
