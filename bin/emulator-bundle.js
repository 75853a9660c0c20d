// The standalone Stripe emulator runs from one esbuild bundle of emulator/ on plain Node, without tsx (decision 032):
// tsx's loader thread alone took 38 MB, more than the emulator itself. The bundle is rebuilt when a source is newer.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sources = join(root, 'emulator');
const bundle = join(root, 'node_modules', '.cache', 'gallerist', 'emulator.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the bundle when missing or older than a source; returns its path. */
export async function emulatorBundle() {
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource(sources)) return bundle;
  const esbuild = await import('esbuild');
  mkdirSync(dirname(bundle), { recursive: true });
  // Written aside and renamed, so a concurrent start never imports half a file.
  const tmp = `${bundle}.${process.pid}.tmp.mjs`;
  try {
    await esbuild.build({
      entryPoints: [join(sources, 'cli.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: tmp,
      logLevel: 'warning',
    });
  } finally {
    await esbuild.stop();
  }
  renameSync(tmp, bundle);
  return bundle;
}

/** `gallerist emulator …`: the same flags as emulator/cli.ts. */
export async function runStandaloneEmulator(argv) {
  const { runEmulatorCli } = await import(pathToFileURL(await emulatorBundle()).href);
  return runEmulatorCli(argv);
}
