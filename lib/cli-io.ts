import type { SSMClient } from '@aws-sdk/client-ssm';

/** Standard input as the keys command reads it; a terminal also offers raw mode, so the key is never echoed. */
export interface SecretInput extends AsyncIterable<string | Buffer> {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  on?(event: 'data', listener: (chunk: string | Buffer) => void): unknown;
  removeListener?(event: 'data', listener: (chunk: string | Buffer) => void): unknown;
  pause?(): unknown;
  resume?(): unknown;
}

/** What the CLI touches of the outside world; injected so tests run it in-process. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** HTTP for the vendors. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Wall clock when `--now` is not given. @default () => new Date() */
  readonly clock?: () => Date;
  /** SSM client factory for `{ssm}` keys. @default new SSMClient({}) */
  readonly ssm?: () => SSMClient;
  /**
   * `host:pid` of this process, written on its claims so that a rerun after `kill -9` takes them over
   * at once instead of waiting for them to lapse. @default none (claims lapse after their deadline)
   */
  readonly processId?: string;
  /** Where `keys put` reads the key from (a terminal is read without echo). */
  readonly stdin?: SecretInput;
}

export const EXIT = { ok: 0, internal: 1, usage: 2, someFailed: 3 } as const;

/** Where the CLI keeps state unless `--state` says otherwise. */
export const DEFAULT_STATE_FILE = '.budget-alerts/state.json';
