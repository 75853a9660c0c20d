import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/** Prints the ten slowest tests after the run, so a test creeping past the 10 s budget shows up in CI logs. */
export default class SlowestTests implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const rows: Array<{ ms: number; line: string }> = [];
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const ms = t.diagnostic()?.duration ?? 0;
        rows.push({ ms, line: `${t.project.name.padEnd(8)} ${relative(process.cwd(), m.moduleId)} › ${t.fullName}` });
      }
    }
    rows.sort((a, b) => b.ms - a.ms);
    const top = rows.slice(0, 10);
    if (!top.length) return;
    console.log('\nSlowest tests:');
    for (const r of top) console.log(`  ${(r.ms / 1000).toFixed(1).padStart(5)} s  ${r.line.slice(0, 150)}`);
  }
}
