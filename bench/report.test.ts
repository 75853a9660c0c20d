import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Result } from './emulator.ts';
import { describeRun, writeReport } from './report.ts';

const dir = mkdtempSync(join(tmpdir(), 'bench-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (suite: string, name: string, ratio: number): Result => ({
  suite,
  name,
  requests: 100,
  rps: 50,
  p99_ms: 9,
  errors: 0,
  ratio,
});

// `npm run bench` keeps every run as JSON and regenerates docs/PERFORMANCE.md from all of them.
describe('bench report', () => {
  it('stores each run and renders the latest in full plus the ratios over recent runs', () => {
    const dirs = { results: join(dir, 'results'), doc: join(dir, 'PERFORMANCE.md') };
    writeReport(describeRun([row('platform', 'GET /a | b', 0.5)], new Date('2026-12-06T10:00:00Z')), dirs);
    writeReport(
      describeRun([row('platform', 'GET /a | b', 0.75), row('webhooks', 'ack', 1.2)], new Date('2026-12-06T11:00:00Z')),
      dirs,
    );
    expect(readdirSync(dirs.results)).toHaveLength(2);
    const doc = readFileSync(dirs.doc, 'utf8');
    expect(doc).toContain('Latest run: 2026-12-06T11:00:00.000Z');
    expect(doc).toContain('## webhooks');
    // Pipes in names are escaped so the table keeps its columns.
    expect(doc).toContain('| GET /a \\| b | 50 | 9 | 100 | 0 | 0.75× |');
    expect(doc).toMatch(/\| platform: GET \/a \\\| b \| 0\.5× \| 0\.75× \|/);
    expect(doc).toMatch(/\| webhooks: ack \| – \| 1\.2× \|/);
  });
});
