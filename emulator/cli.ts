import { pathToFileURL } from 'node:url';
import type { RunningEmulator } from './index.ts';
import { startEmulator } from './index.ts';

/** `gallerist emulator [--port 12111] [--host 127.0.0.1] [--data file.json] [--public-url URL]`. */
export async function runEmulatorCli(argv: string[]): Promise<RunningEmulator> {
  const flag = (name: string): string | undefined => {
    const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return undefined;
    return argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
  };
  const port = Number(flag('port') ?? 12111);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid --port: ${flag('port')}`);
  const emulator = await startEmulator({
    port,
    host: flag('host') ?? '127.0.0.1',
    dataFile: flag('data'),
    publicUrl: flag('public-url'),
  });
  console.log(`Stripe emulator listening on ${emulator.url}`);
  const stop = emulator.stop;
  const shutdown = () => {
    emulator.stop().then(() => process.exit(0));
  };
  // Stopping programmatically also detaches the signal handlers so embedders (and tests) don't leak them.
  emulator.stop = async () => {
    process.off('SIGINT', shutdown);
    process.off('SIGTERM', shutdown);
    await stop();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  return emulator;
}

// Runnable on its own (`node --import tsx emulator/cli.ts …`), which the kill -9 test uses to avoid loading the app.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runEmulatorCli(process.argv.slice(2));
}
