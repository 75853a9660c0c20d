import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSchemaTypes, schemaTypesFile } from './codegen.ts';
import type { Database } from './connect.ts';
import { createTestDatabase } from './testing.ts';

describe('generated table types', () => {
  let d: Database;
  beforeAll(async () => {
    d = await createTestDatabase();
  });
  afterAll(() => d.close());

  it('src/db/schema.gen.ts matches the migrated schema', async () => {
    const fresh = await generateSchemaTypes(d.db);
    expect(fresh, 'src/db/schema.gen.ts is stale: run `npm run db:types`').toBe(readFileSync(schemaTypesFile, 'utf8'));
  });
});
