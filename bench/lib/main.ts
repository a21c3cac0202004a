import { pathToFileURL } from 'node:url';

/** Whether the module at `url` is the script Node was started with (each benchmark also runs alone). */
export function isMain(url: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  return url === pathToFileURL(script).href || url === pathToFileURL(`${script}.ts`).href;
}

/** Runs a benchmark's main, printing a failure and setting the exit code. */
export function runMain(main: () => Promise<unknown>): void {
  main().then(
    () => undefined,
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}

/** `--name=value` or `--name value` from argv. */
export function flag(name: string): string | undefined {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === `--${name}`) return args[i + 1]?.startsWith('--') === false ? args[i + 1] : 'true';
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}
