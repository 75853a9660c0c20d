import { prepareTemplates } from '../src/db/testing.ts';

/** Vitest global setup: migrates the database templates once, so each test file clones in well under a second. */
export default async function setup(): Promise<void> {
  await prepareTemplates();
}
