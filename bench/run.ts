import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Result } from './emulator.ts';
import { printResults } from './emulator.ts';
import { describeRun, writeReport } from './report.ts';

type BenchFn = () => Promise<Result[]>;

const here = dirname(fileURLToPath(import.meta.url));

// Convention: every bench/*.ts module (except this runner and tests) exports `async function bench…(): Promise<Result[]>`.
const files = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
  .sort();

const all: Result[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as Record<string, unknown>;
  for (const [name, fn] of Object.entries(mod)) {
    if (!/^bench[A-Z]/.test(name) || typeof fn !== 'function') continue;
    console.log(`running ${file} ${name}…`);
    all.push(...(await (fn as BenchFn)()));
  }
}
printResults(all);
// Stored and rendered unless a partial run is asked for (BENCH_NO_REPORT=1 while iterating on one bench).
if (!process.env.BENCH_NO_REPORT) {
  console.log(`results: ${writeReport(describeRun(all))}, docs/PERFORMANCE.md`);
  // Tables laid out as the linter wants them, so a fresh report never fails `npm test`'s lint step.
  spawnSync('npx', ['biome', 'format', '--write', 'docs/PERFORMANCE.md'], { stdio: 'ignore' });
}
