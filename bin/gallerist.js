#!/usr/bin/env node
// Gallerist runs its TypeScript sources directly through tsx: no build step between clone and start.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

if (process.argv[2] === 'emulator') {
  // The one long-running command that needs nothing of the app: it runs without tsx (bin/emulator-bundle.js).
  const { runStandaloneEmulator } = await import('./emulator-bundle.js');
  await runStandaloneEmulator(process.argv.slice(3));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const { main } = await import(pathToFileURL(join(root, 'src', 'cli.ts')).href);
  await main(process.argv.slice(2));
}
