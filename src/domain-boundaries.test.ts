import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Architecture rule: each domain's files are its own business. Code in another folder of src/ imports a domain only
// through its `index.ts` (the public surface), and tests through its `testing.ts` too. The composition root (the
// files directly in src/: assembly, server, CLI) wires modules together and may import any of them.
const SRC = import.meta.dirname;
const DOMAINS = [
  'accounts',
  'agents',
  'audit',
  'commerce',
  'credits',
  'jobs',
  'llm',
  'mail',
  'marketplace',
  'shop',
  'storage',
];
const IMPORT = /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'migrations' ? [] : sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Imports in `text` (a file at `file`, relative to src/) that reach into another domain's private files. */
function boundaryViolations(file: string, text: string): string[] {
  if (!file.includes('/')) return [];
  const own = file.split('/')[0];
  const isTest = /\.test\.ts$|(^|\/)testing\.ts$/.test(file);
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const target = posix.normalize(posix.join(posix.dirname(file), m[1]));
    const [domain, ...rest] = target.split('/');
    if (!DOMAINS.includes(domain) || domain === own || rest.length === 0) continue;
    const entry = rest.join('/');
    if (entry === 'index.ts') continue;
    if (entry === 'testing.ts' && isTest) continue;
    out.push(`${file} imports ${target}: import from ${domain}/index.ts`);
  }
  return out;
}

describe('domain boundaries', () => {
  it('src/ reaches other domains only through their index.ts', () => {
    const found = sourceFiles(SRC).flatMap((p) => {
      const file = relative(SRC, p).split('\\').join('/');
      return boundaryViolations(file, readFileSync(p, 'utf8'));
    });
    expect(found).toEqual([]);
  });

  it('flags a reach into another domain, and allows the index, the assembly and test support', () => {
    const text = [
      "import { findOrder } from '../../commerce/orders.ts';",
      "import { recordAudit } from '../../audit/index.ts';",
      "import { cart } from '../cart.ts';",
      "import { shopFixture } from '../../shop/testing.ts';",
    ].join('\n');
    expect(boundaryViolations('marketplace/sales/x.ts', text)).toEqual([
      'marketplace/sales/x.ts imports commerce/orders.ts: import from commerce/index.ts',
      'marketplace/sales/x.ts imports shop/testing.ts: import from shop/index.ts',
    ]);
    expect(boundaryViolations('marketplace/sales/x.test.ts', text)).toHaveLength(1);
    expect(boundaryViolations('assembly.ts', "import { shopModule } from './shop/module.ts';")).toEqual([]);
    expect(boundaryViolations('http/app.ts', "import { shopModule } from '../shop/module.ts';")).toHaveLength(1);
  });
});
