// The CLI runs from esbuild bundles on plain Node, without tsx (decisions 032 and 034): tsx's loader thread and its
// per-file transforms cost more than the code they load. A bundle is rebuilt when one of its sources is newer.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, 'node_modules', '.cache', 'gallerist');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

// Each source keeps its own import.meta.url and dirname in the bundle, so files found next to a module (migrations,
// JSON schemas, fonts resolved from it) are found exactly as when it runs from source.
const ownImportMeta = {
  name: 'own-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.')) return undefined;
      const contents = source
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)));
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * Builds `entry` (relative to the repository) into the cache when missing or older than a file under `dirs`; returns
 * the entry file. Split into chunks at each dynamic import, so a command loads only its own modules and packages.
 * Each build goes to a new folder and a pointer file is renamed over the old one, so a concurrent start never reads
 * half a build.
 */
async function bundle(name, entry, dirs) {
  const pointer = join(cache, `${name}.json`);
  if (existsSync(pointer)) {
    const built = JSON.parse(readFileSync(pointer, 'utf8'));
    // The bundle holds its sources' absolute paths: a checkout moved elsewhere builds again.
    const current = built.root === root && existsSync(built.file);
    if (current && dirs.every((d) => newestSource(join(root, d)) <= built.builtAt)) return built.file;
  }
  const builtAt = Date.now();
  const outdir = join(cache, `${name}-${builtAt}-${process.pid}`);
  const esbuild = await import('esbuild');
  mkdirSync(cache, { recursive: true });
  try {
    await esbuild.build({
      entryPoints: { [name]: join(root, entry) },
      bundle: true,
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outdir,
      outExtension: { '.js': '.mjs' },
      logLevel: 'warning',
      plugins: [ownImportMeta],
    });
  } finally {
    await esbuild.stop();
  }
  const file = join(outdir, `${name}.mjs`);
  const tmp = `${pointer}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ file, builtAt, root }));
  renameSync(tmp, pointer);
  // Older builds stay a minute for processes that may still be importing their chunks.
  for (const entry of readdirSync(cache)) {
    const path = join(cache, entry);
    if (entry.startsWith(`${name}-`) && path !== outdir && Date.now() - statSync(path).mtimeMs > 60_000)
      rmSync(path, { recursive: true, force: true });
  }
  return file;
}

/** The standalone Stripe emulator (`emulator/cli.ts`). */
export const emulatorBundle = () => bundle('emulator', 'emulator/cli.ts', ['emulator']);

/** Every other command (`src/cli.ts`); the app embeds the emulator, so both trees are its sources. */
export const appBundle = () => bundle('cli', 'src/cli.ts', ['src', 'emulator']);

/** `gallerist emulator …`: the same flags as emulator/cli.ts. */
export async function runStandaloneEmulator(argv) {
  const { runEmulatorCli } = await import(pathToFileURL(await emulatorBundle()).href);
  return runEmulatorCli(argv);
}
