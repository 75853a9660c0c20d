import { prepareSeededTemplates, prepareTemplates } from '../src/db/testing.ts';

/**
 * Vitest global setup (runs for the root and once per project): migrates the database templates once, so each
 * test file clones in well under a second, and picks the run's id for the demo-seeded templates (built by the
 * first test file that needs one, see `createDemoTestDatabase`); its teardown removes them.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  await prepareTemplates();
  return prepareSeededTemplates();
}
