import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { ROOT } from './sandbox-process.js';

/** Scratch space inside the project, so that bundles resolve the runtime-provided @aws-sdk/* from node_modules, as on Lambda. */
export async function scratchDir(name: string): Promise<string> {
  const dir = join(ROOT, 'node_modules/.cache/bench', name);
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Bundles an entry the way the CDK construct does (infra/budget-alerts.ts): ESM, minified, main fields
 * module then main, AWS SDK external (the Lambda runtime provides it), the createRequire banner. The target
 * is node20 (this machine) rather than the function's node24; that changes nothing measurable in size.
 */
export async function bundleLikeLambda(entry: string, outfile: string): Promise<{ bytes: number; metafile: Metafile }> {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    minify: true,
    external: ['@aws-sdk/*'],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  return { bytes: output?.bytes ?? 0, metafile: result.metafile };
}

/** Bytes in the output per package (node_modules) or per source folder, largest first. */
export function bytesByInput(metafile: Metafile): { packages: [string, number][]; files: [string, number][] } {
  const output = Object.values(metafile.outputs)[0];
  const packages = new Map<string, number>();
  const files: [string, number][] = [];
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
    const key = pkg ?? path.split('/').slice(0, path.startsWith('lib/') ? 2 : 1).join('/');
    packages.set(key, (packages.get(key) ?? 0) + input.bytesInOutput);
    files.push([path, input.bytesInOutput]);
  }
  return {
    packages: [...packages].sort((a, b) => b[1] - a[1]),
    files: files.sort((a, b) => b[1] - a[1]),
  };
}
