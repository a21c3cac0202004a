import 'aws-sdk-client-mock-vitest/extend';
import {
  DescribeParametersCommand,
  GetParameterCommand,
  GetParametersCommand,
  PutParameterCommand,
  SSMClient,
  type DescribeParametersCommandInput,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { EventEmitter } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../lib/cli.js';
import type { SecretInput } from '../../lib/cli-io.js';
import { tempDir } from '../helpers/temp-dir.js';

const SECRET = 'pictai_s3cr3t-VALUE-0123456789';

const ssm = mockClient(SSMClient);

function capture(stdin?: SecretInput) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env: {},
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    ssm: () => new SSMClient({ region: 'eu-west-1' }),
    ...(stdin !== undefined && { stdin }),
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

/** A terminal in raw mode: records the raw-mode switches; `type` delivers keystrokes. */
class FakeTerminal extends EventEmitter implements SecretInput {
  readonly isTTY = true;
  readonly rawModes: boolean[] = [];
  private heard!: () => void;
  /** Resolves once the command listens for keystrokes. */
  readonly listening = new Promise<void>((resolve) => (this.heard = resolve));
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    super.on(event, listener);
    if (event === 'data') this.heard();
    return this;
  }
  setRawMode(mode: boolean) {
    this.rawModes.push(mode);
    return this;
  }
  pause() {
    return this;
  }
  resume() {
    return this;
  }
  type(text: string) {
    this.emit('data', Buffer.from(text));
  }
  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    throw new Error('a terminal is read in raw mode, not to its end');
  }
}

describe('budget-alerts keys', () => {
  let config: string;

  beforeAll(async () => {
    const dir = await tempDir('keys-cli-');
    config = join(dir, 'budgets.yaml');
    await writeFile(
      config,
      `accounts:
  - { id: video-prod, provider: pictory, apiKey: { ssm: /budget-alerts/video-prod } }
  - { id: images, provider: pixelcut, apiKey: { ssm: budget-alerts-images } }
  - { id: images-eu, provider: pixelcut, apiKey: { ssm: budget-alerts-images } }
  - { id: local, provider: pictory, apiKey: { env: LOCAL_KEY } }
`,
    );
  });
  beforeEach(() => ssm.reset());
  afterEach(() => ssm.reset());

  describe('put', () => {
    it('writes the piped key, trimmed, as a SecureString (overwrite) to the account’s parameter and prints no value', async () => {
      // Prepare
      ssm.on(PutParameterCommand).resolves({ Version: 4, Tier: 'Standard' });
      const { io, stdout, stderr } = capture(Readable.from([`${SECRET}\n`]));

      // Act
      const code = await main(['keys', 'put', 'video-prod', '--config', config], io);

      // Assess
      expect(code).toBe(0);
      expect(ssm).toHaveReceivedCommandTimes(PutParameterCommand, 1);
      expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, {
        Name: '/budget-alerts/video-prod',
        Value: SECRET,
        Type: 'SecureString',
        Overwrite: true,
      });
      expect(stdout()).toBe('Stored the key of video-prod in /budget-alerts/video-prod (SecureString, version 4).\n');
      expect(stdout() + stderr()).not.toContain(SECRET);
      expect(ssm).not.toHaveReceivedCommand(GetParameterCommand);
      expect(ssm).not.toHaveReceivedCommand(GetParametersCommand);
    });

    it('reads a terminal in raw mode without echo, honouring backspace, and restores the terminal', async () => {
      // Prepare
      ssm.on(PutParameterCommand).resolves({ Version: 1 });
      const terminal = new FakeTerminal();
      const { io, stdout, stderr } = capture(terminal);

      // Act
      const pending = main(['keys', 'put', 'images', '--config', config], io);
      await terminal.listening;
      terminal.type(`${SECRET}X`);
      terminal.type('\u007f\r');
      const code = await pending;

      // Assess
      expect(code).toBe(0);
      expect(terminal.rawModes).toEqual([true, false]);
      expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, { Name: 'budget-alerts-images', Value: SECRET, Type: 'SecureString', Overwrite: true });
      expect(stderr()).toBe('API key for images (pixelcut), stored in budget-alerts-images: \n');
      expect(stdout() + stderr()).not.toContain(SECRET);
    });

    it('writes nothing when Ctrl-C is pressed at the prompt (exit 2), and restores the terminal', async () => {
      const terminal = new FakeTerminal();
      const { io, stderr } = capture(terminal);
      const pending = main(['keys', 'put', 'video-prod', '--config', config], io);
      await terminal.listening;
      terminal.type('pictai_half\u0003');
      expect(await pending).toBe(2);
      expect(terminal.rawModes).toEqual([true, false]);
      expect(stderr()).toContain('cancelled; nothing was written');
      expect(stderr()).not.toContain('pictai_half');
      expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    });

    it('refuses an account whose key comes from the environment, before reading anything (exit 2)', async () => {
      const { io, stderr } = capture(Readable.from([SECRET]));
      expect(await main(['keys', 'put', 'local', '--config', config], io)).toBe(2);
      expect(stderr()).toContain('account "local" reads its key from environment variable LOCAL_KEY, not SSM');
      expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    });

    it('refuses an unknown account, naming the known ones (exit 2)', async () => {
      const { io, stderr } = capture(Readable.from([SECRET]));
      expect(await main(['keys', 'put', 'nope', '--config', config], io)).toBe(2);
      expect(stderr()).toContain('has no account "nope" (accounts: video-prod, images, images-eu, local)');
      expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    });

    it('refuses empty and multi-line input (exit 2) and writes nothing', async () => {
      for (const input of ['\n', `${SECRET}\nsecond line\n`]) {
        const { io, stderr } = capture(Readable.from([input]));
        expect(await main(['keys', 'put', 'video-prod', '--config', config], io)).toBe(2);
        expect(stderr()).not.toContain(SECRET);
      }
      expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    });

    it('reports an AWS failure without the value, even if the error message echoes it (exit 1)', async () => {
      ssm.on(PutParameterCommand).rejects(Object.assign(new Error(`Value '${SECRET}' failed to satisfy constraint`), { name: 'ValidationException' }));
      const { io, stdout, stderr } = capture(Readable.from([SECRET]));
      expect(await main(['keys', 'put', 'video-prod', '--config', config], io)).toBe(1);
      expect(stderr()).toContain('could not write /budget-alerts/video-prod: ValidationException: Value \'[redacted]\' failed');
      expect(stdout() + stderr()).not.toContain(SECRET);
    });

    it('needs exactly one account id and --config (exit 2)', async () => {
      expect(await main(['keys', 'put', '--config', config], capture(Readable.from([SECRET])).io)).toBe(2);
      expect(await main(['keys', 'put', 'video-prod'], capture(Readable.from([SECRET])).io)).toBe(2);
      expect(await main(['keys', 'rotate', '--config', config], capture().io)).toBe(2);
      expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    });
  });

  describe('check', () => {
    it('reports which parameters exist from their metadata only, and exits 3 when one is missing', async () => {
      // Prepare
      ssm.on(DescribeParametersCommand).resolves({
        Parameters: [{ Name: '/budget-alerts/video-prod', Type: 'SecureString', Version: 2, LastModifiedDate: new Date('2026-11-01T10:00:00Z') }],
      });
      const { io, stdout } = capture();

      // Act
      const code = await main(['keys', 'check', '--config', config], io);

      // Assess
      expect(code).toBe(3);
      expect(ssm).toHaveReceivedCommandWith(DescribeParametersCommand, {
        ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: ['/budget-alerts/video-prod', 'budget-alerts-images'] }],
      });
      expect(ssm).not.toHaveReceivedCommand(GetParameterCommand);
      expect(ssm).not.toHaveReceivedCommand(GetParametersCommand);
      expect(stdout()).toContain('video-prod  /budget-alerts/video-prod  ok (SecureString, version 2, changed 2026-11-01)');
      expect(stdout()).toContain(`images      budget-alerts-images  MISSING: budget-alerts keys put images --config ${config}`);
      expect(stdout()).toContain('local       env LOCAL_KEY (read from the environment, not SSM)');
      expect(stdout()).toContain('2 SSM parameter(s) missing.'); // images and images-eu share the parameter
    });

    it('exits 0 when every parameter exists, and flags one stored as a plain String', async () => {
      ssm.on(DescribeParametersCommand).resolves({
        Parameters: [
          { Name: '/budget-alerts/video-prod', Type: 'SecureString', Version: 1 },
          { Name: 'budget-alerts-images', Type: 'String', Version: 1 },
        ],
      });
      const { io, stdout } = capture();
      expect(await main(['keys', 'check', '--config', config], io)).toBe(0);
      expect(stdout()).toContain('budget-alerts-images  exists, but as String, not SecureString');
      expect(stdout()).toContain('Every SSM key exists.');
    });

    it('asks in batches of 50 names and follows NextToken', async () => {
      // Prepare: 120 accounts with their own parameters
      const dir = await tempDir('keys-many-');
      const many = join(dir, 'many.yaml');
      const ids = Array.from({ length: 120 }, (_, i) => `acct-${i}`);
      await writeFile(many, `accounts:\n${ids.map((id) => `  - { id: ${id}, provider: pictory, apiKey: { ssm: /k/${id} } }`).join('\n')}\n`);
      ssm.on(DescribeParametersCommand).callsFake((input: DescribeParametersCommandInput) => {
        const names = input.ParameterFilters?.[0]?.Values ?? [];
        const half = Math.ceil(names.length / 2);
        const page = input.NextToken === undefined ? names.slice(0, half) : names.slice(half);
        return { Parameters: page.map((Name) => ({ Name, Type: 'SecureString', Version: 1 })), NextToken: input.NextToken === undefined ? 'more' : undefined };
      });
      const { io, stdout } = capture();

      // Act
      const code = await main(['keys', 'check', '--config', many], io);

      // Assess
      expect(code).toBe(0);
      const calls = ssm.commandCalls(DescribeParametersCommand).map((c) => c.args[0].input);
      expect(calls.map((c) => c.ParameterFilters?.[0]?.Values?.length)).toEqual([50, 50, 50, 50, 20, 20]);
      expect(calls.every((c) => (c.MaxResults ?? 0) <= 50)).toBe(true);
      expect(stdout()).toContain('Every SSM key exists.');
    });

    it('reports an AWS failure (exit 1)', async () => {
      ssm.on(DescribeParametersCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
      const { io, stderr } = capture();
      expect(await main(['keys', 'check', '--config', config], io)).toBe(1);
      expect(stderr()).toContain('could not list SSM parameters: AccessDeniedException: not authorized');
    });
  });
});
