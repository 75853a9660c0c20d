import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openPglite } from './connect.ts';
import { migrate } from './migrate.ts';

/**
 * Writes a migrated embedded database to `file` as PGlite's data-folder dump, unless it is there already: what a
 * new folder starts from instead of PGlite's initdb and every migration (decision 043; tests clone it too). Written
 * whole under a temporary name and renamed, so a reader never finds half of one. Returns whether it built one.
 */
export async function writeEmbeddedTemplate(file: string): Promise<boolean> {
  if (existsSync(file)) return false;
  const d = await openPglite();
  try {
    await migrate(d.db);
    const dump = await d.pglite!.dumpDataDir('none');
    mkdirSync(dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
    return true;
  } finally {
    await d.close();
  }
}
