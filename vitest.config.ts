import { defineConfig } from 'vitest/config';

// DB-backed tests run once on PGlite and, when TEST_DATABASE_URL is set, once more on real Postgres.
const postgres = process.env.TEST_DATABASE_URL;

export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    reporters: ['default', './test/slowest-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Three files at once on two cores: the database-backed files wait on Postgres and child processes often
    // enough that a third worker cut the first group from about 500 s to 450 s here (the browser group stays at one).
    maxWorkers: 3,
    // Production hashes passwords at scrypt N=2^17; suites that sign in hundreds of times opt into 2^14 (honoured
    // only under VITEST/NODE_ENV=test, see src/accounts/password.ts).
    env: { GALLERIST_TEST_SCRYPT_N: '16384' },
    projects: [
      {
        extends: true as const,
        test: {
          name: 'pglite',
          // Test files share a worker's module cache: the platform has no module-level mutable state (one
          // assembly), and importing it afresh per file cost about 400 s of a CI run.
          isolate: false,
          include: ['src/**/*.test.ts', 'emulator/**/*.test.ts', 'bench/**/*.test.ts', 'web/src/**/*.test.ts'],
          env: { GALLERIST_TEST_DB: 'pglite' },
        },
      },
      ...(postgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                isolate: false,
                include: ['src/**/*.test.ts'],
                env: { GALLERIST_TEST_DB: 'postgres' },
              },
            },
            {
              extends: true as const,
              test: {
                // Several app processes on one Postgres database (test/reliability; npm run test:reliability
                // runs them at full size).
                name: 'reliability',
                include: ['test/reliability/**/*.test.ts'],
                env: { GALLERIST_TEST_DB: 'postgres' },
              },
            },
          ]
        : []),
      {
        extends: true as const,
        test: {
          name: 'e2e',
          include: ['web/e2e/**/*.test.ts'],
          env: { GALLERIST_TEST_DB: 'pglite' },
          // One browser test file at a time (two at once measured slower on two cores: 364 s vs 316 s), in a group
          // of its own after the others, sharing its worker's module cache like them.
          fileParallelism: false,
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
