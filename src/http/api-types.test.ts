import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiTypesFile, generateApiTypes } from './api-types.ts';

describe('the web app API types', () => {
  it('match the OpenAPI document the server builds from its zod schemas (run `npm run api:types`)', async () => {
    expect(readFileSync(apiTypesFile, 'utf8')).toBe(await generateApiTypes());
  });
});
