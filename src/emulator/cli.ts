// CLI: npx tsx src/emulator/cli.ts --port <n> --token <t> [--data <dir>] [--scenario <file>] [--install supervisor|core] [--verbose]
import { parseArgs } from 'node:util';
import { ScenarioError } from './scenario';
import { startEmulator } from './server';

const USAGE = 'usage: tsx src/emulator/cli.ts --port <n> --token <t> [--data <dir>] [--scenario <file>] [--install supervisor|core] [--verbose]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function parse(): { port: number; token: string; data?: string; scenario?: string; install?: 'supervisor' | 'core'; verbose: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        token: { type: 'string' },
        data: { type: 'string' },
        scenario: { type: 'string' },
        install: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (values.port === undefined || !/^\d+$/.test(values.port) || Number(values.port) > 65535) fail('--port must be an integer 0-65535');
  if (!values.token) fail('--token is required');
  if (values.install !== undefined && values.install !== 'supervisor' && values.install !== 'core') fail('--install must be supervisor or core');
  return { port: Number(values.port), token: values.token, data: values.data, scenario: values.scenario, install: values.install, verbose: values.verbose };
}

async function main(): Promise<void> {
  const args = parse();
  let emulator;
  try {
    emulator = await startEmulator({
      port: args.port,
      token: args.token,
      dataDir: args.data,
      scenario: args.scenario,
      install: args.install,
      onRequest: args.verbose ? (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`) : undefined,
    });
  } catch (e) {
    if (e instanceof ScenarioError) fail(e.message);
    throw e;
  }
  process.stdout.write(`${args.install === 'core' ? 'Home Assistant Core' : 'Supervisor'} emulator listening on ${emulator.url}\n`);
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
