#!/usr/bin/env node
// Gallerist's CLI runs its TypeScript sources from esbuild bundles rebuilt when a source changes (bin/bundles.js,
// decisions 032 and 034): no build step between clone and start, and no tsx loader in the running process.
import { pathToFileURL } from 'node:url';

if (process.argv[2] === 'emulator') {
  const { runStandaloneEmulator } = await import('./bundles.js');
  await runStandaloneEmulator(process.argv.slice(3));
} else {
  const { appBundle } = await import('./bundles.js');
  const { main } = await import(pathToFileURL(await appBundle()).href);
  await main(process.argv.slice(2));
}
