import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, loadConfig } from './config.ts';
import { DatabaseInUseError, embeddedDir, embeddedTemplateFile, hasCluster, openDatabase } from './db/connect.ts';
import { migrate } from './db/migrate.ts';
import { withService } from './db/tenancy.ts';

// Each command imports what it needs when it runs: `emulator` and `migrate` never load the app's modules.

const HELP = `Usage: gallerist <command> [options]

Commands:
  serve [--demo]        Start the platform (API, web app, jobs; embedded Stripe emulator without STRIPE_SECRET_KEY)
  migrate               Apply pending database migrations
  seed --demo           Create the demo users and data (idempotent)
  seed --scale N        Demo data plus N units of synthetic volume for benchmarks (1 unit: 10,000 orders,
                        10,000 ledger entries, 1,000 artworks, 10,000 jobs); adds only what is missing
  reconcile             Catch up with Stripe: apply missed events and settle stale pending orders
  doctor                Check configuration, database and Stripe, and say how to fix problems
  mcp                   Serve the MCP tools over stdio for the API key in GALLERIST_API_KEY (logs on stderr)
  emulator [--port N] [--host H]   Run the Stripe emulator on its own
  prepare               Build the migrated embedded database that new data folders start from (npm install runs it)
  help                  Show this help

Configuration is read from environment variables; see README.md.`;

/** CLI entry point used by bin/gallerist.js. */
export async function main(argv: string[]): Promise<void> {
  const [command = 'help', ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest.includes('--demo'));
      case 'migrate': {
        const config = loadConfig();
        const database = await openDatabase(config);
        const applied = await migrate(database.db);
        console.log(
          applied.length
            ? `Applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}`
            : 'Database is up to date.',
        );
        await database.close();
        return;
      }
      case 'seed': {
        const scale = scaleOption(rest);
        if (!rest.includes('--demo') && scale === null) {
          throw new UsageError('seed needs --demo or --scale N.');
        }
        const config = loadConfig();
        // Synthetic buyers and orders have no place next to real ones.
        if (scale !== null && config.STRIPE_SECRET_KEY?.includes('_live_')) {
          throw new UsageError('seed --scale refuses to run with a live Stripe key: it writes synthetic orders.');
        }
        const database = await openDatabase(config);
        await migrate(database.db);
        const { DEMO_PASSWORD, seedDemo } = await import('./seed.ts');
        const { platformSeeders } = await import('./assembly.ts');
        const logins = await withService(database.db, (tx) => seedDemo(tx, { storage: config }, platformSeeders));
        if (scale !== null) {
          const { seedScale } = await import('./seed-scale.ts');
          const started = performance.now();
          const counts = await seedScale(database.db, scale, { now: new Date(), onProgress: progressBar() });
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          console.log(
            `Scale ${scale}× ready in ${seconds} s: ${Object.entries(counts)
              .map(([k, n]) => `${n} ${k}`)
              .join(', ')}.`,
          );
        }
        console.log(`Demo data ready. Logins (password "${DEMO_PASSWORD}"):`);
        for (const l of logins) console.log(`  ${l.email.padEnd(30)} ${l.role}`);
        await database.close();
        return;
      }
      case 'reconcile': {
        const config = loadConfig();
        const { createLogger } = await import('./server.ts');
        const logger = createLogger(config);
        const database = await openDatabase(config, logger);
        await migrate(database.db);
        const { setupStripe } = await import('./commerce/stripe.ts');
        const { reconcile } = await import('./commerce/reconcile.ts');
        const { assemblePlatform } = await import('./assembly.ts');
        const { systemClock } = await import('./clock.ts');
        const setup = await setupStripe(config, logger);
        // The same modules as the server: a payment settled here runs the same offering hooks.
        const base = { config, db: database.db, clock: systemClock, logger, stripe: setup.stripe };
        const assembly = assemblePlatform(base);
        try {
          const r = await reconcile(database.db, setup.stripe, assembly.commerce, systemClock, {
            publicUrl: config.publicUrl,
            actor: { kind: 'cli' },
          });
          console.log(
            r.skipped
              ? 'Another reconcile is running; nothing done.'
              : `Events: ${r.events} (applied ${r.applied}, already seen ${r.duplicates}, failed ${r.failed}). Pending orders checked: ${r.pendingChecked} (paid ${r.completed}, expired ${r.expired}).`,
          );
          if (r.failed) process.exitCode = 1;
        } finally {
          await assembly.close();
          await setup.emulator?.stop();
          await database.close();
        }
        return;
      }
      case 'doctor': {
        const { runDoctor } = await import('./doctor.ts');
        const { platformModules } = await import('./assembly.ts');
        const ok = await runDoctor(
          process.env,
          console.log,
          platformModules.flatMap((m) => m.doctorChecks ?? []),
        );
        process.exitCode = ok ? 0 : 1;
        return;
      }
      case 'mcp':
        return await mcpCommand();
      case 'emulator': {
        const { runEmulatorCli } = await import('../emulator/cli.ts');
        await runEmulatorCli(rest);
        return;
      }
      case 'prepare': {
        const { writeEmbeddedTemplate } = await import('./db/embedded-template.ts');
        const file = embeddedTemplateFile();
        const started = performance.now();
        // Run by npm install: a failure costs only speed (a first start creates its database), so it never fails it.
        try {
          const built = await writeEmbeddedTemplate(file);
          console.log(
            built
              ? `Prepared the embedded database template in ${Math.round(performance.now() - started)} ms: ${file}`
              : `The embedded database template is ready: ${file}`,
          );
        } catch (err) {
          console.warn(
            `Could not prepare the embedded database template (${(err as Error).message}); a first start creates its database instead.`,
          );
        }
        return;
      }
      case 'help':
      case '--help':
      case '-h':
        console.log(HELP);
        return;
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(
        `${err.message}\n\nFix the environment variables above (see README.md, "Configuration"). Run \`gallerist doctor\` for a full check.`,
      );
      process.exit(2);
    }
    if (err instanceof DatabaseInUseError) {
      console.error(err.message);
      process.exit(2);
    }
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${HELP}`);
      process.exit(2);
    }
    const stripe = stripeStartFailure(err);
    if (stripe) {
      console.error(stripe);
      process.exit(2);
    }
    throw err;
  }
}

/** `--scale N` as a number, null when absent; anything but a whole number from 1 to 1000 is a usage error. */
function scaleOption(args: string[]): number | null {
  const at = args.indexOf('--scale');
  if (at === -1) return null;
  const raw = args[at + 1] ?? '';
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 1000) throw new UsageError('--scale needs a whole number from 1 to 1000.');
  return n;
}

/** Progress on stderr: a bar redrawn in place on a terminal, a line per finished part otherwise (CI logs). */
function progressBar() {
  const tty = process.stderr.isTTY;
  return (part: string, done: number, total: number) => {
    const share = total === 0 ? 1 : done / total;
    if (tty) {
      const width = 30;
      const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '-');
      process.stderr.write(`\r[${bar}] ${String(Math.round(share * 100)).padStart(3)}% ${part} ${done}/${total}   `);
      if (done >= total) process.stderr.write('\n');
    } else if (done >= total) {
      process.stderr.write(`${part}: ${done}/${total}\n`);
    }
  };
}

/** Stripe unreachable or refusing the key while starting: a sentence to act on rather than the SDK's stack. */
function stripeStartFailure(err: unknown): string | null {
  const { type, message } = (err ?? {}) as { type?: string; message?: string };
  const next = 'See README.md, "Configuration". Run `gallerist doctor` for a full check.';
  if (type === 'StripeConnectionError') {
    const at = process.env.STRIPE_API_URL ? ` at ${process.env.STRIPE_API_URL}` : '';
    return `Could not reach the Stripe API${at}: ${message}\n\nCheck STRIPE_API_URL and the network. ${next}`;
  }
  if (type === 'StripeAuthenticationError' || type === 'StripePermissionError') {
    return `Stripe refused the key in STRIPE_SECRET_KEY: ${message}\n\nUse a secret key of the right account and mode. ${next}`;
  }
  return null;
}

class UsageError extends Error {}

/** `vite build` in a child process: its few hundred MB of build state leave with it instead of staying in the server. */
async function buildWebApp(): Promise<void> {
  const { spawn } = await import('node:child_process');
  const { createRequire } = await import('node:module');
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
      cwd: process.cwd(),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`Building the web app failed (vite exited with ${code}); run \`npm run build:web\``);
}

/**
 * The first `serve --demo` on a database without the demo data seeds it in a child process (`gallerist seed
 * --demo`) before opening it: generating and resizing the demo photos leaves ~150 MB of native memory that a
 * process does not give back (decision 038). The server's own seed call then finds everything present. Only when
 * run as the CLI script, which the child runs again.
 */
async function seedDemoInChild(config: ReturnType<typeof loadConfig>): Promise<void> {
  const script = process.argv[1];
  if (!script?.endsWith('gallerist.js') || !(await demoMissing(config))) return;
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  await promisify(execFile)(process.execPath, [script, 'seed', '--demo'], { maxBuffer: 4 << 20 });
}

// A new embedded folder, or a Postgres database without the tables or without the demo admin.
async function demoMissing(config: ReturnType<typeof loadConfig>): Promise<boolean> {
  if (!config.DATABASE_URL) return !hasCluster(embeddedDir(config.dataDir));
  const { default: pg } = await import('pg');
  const { DEMO_ADMIN_EMAIL } = await import('./seed.ts');
  const client = new pg.Client({ connectionString: config.DATABASE_URL });
  await client.connect();
  try {
    const table = await client.query<{ t: string | null }>(`select to_regclass('public.users')::text as t`);
    if (!table.rows[0]?.t) return true;
    const admin = await client.query('select 1 from public.users where lower(email) = $1', [DEMO_ADMIN_EMAIL]);
    return admin.rowCount === 0;
  } finally {
    await client.end();
  }
}

async function serveCommand(demo: boolean): Promise<void> {
  const { createLogger, startPlatform } = await import('./server.ts');
  const { onboardDemoArtists } = await import('./marketplace/demo.ts');
  const { DEMO_PASSWORD } = await import('./seed.ts');
  const config = loadConfig();
  const logger = createLogger(config);
  // The first start builds the web app while the database is created and seeded (each about half of that start);
  // until it is done, pages answer "not built yet" and the banner waits. A failure is held and rethrown below.
  const webBuilt = existsSync(join(process.cwd(), 'web', 'dist', 'index.html'));
  if (!webBuilt) logger.info('building the web app (first start only)');
  const built = webBuilt
    ? Promise.resolve(null)
    : buildWebApp().then(
        () => null,
        (err: unknown) => err,
      );
  if (demo) await seedDemoInChild(config);
  const platform = await startPlatform({ config, demo, logger });
  if (demo && platform.stripeSetup.emulatorUrl) {
    // The demo artist sells right away: onboarding is completed on the emulator, never on real Stripe.
    const n = await onboardDemoArtists(
      platform.deps.db,
      platform.stripeSetup.stripe,
      platform.stripeSetup.emulatorUrl,
      platform.deps.clock,
    );
    if (n) logger.info({ artists: n }, 'demo artists onboarded on the Stripe emulator');
  }
  const buildError = await built;
  if (buildError) {
    await platform.stop();
    throw buildError;
  }
  const base = config.publicUrl;
  const lines = [
    '',
    `  Gallerist is running (${platform.database.kind === 'pglite' ? `embedded Postgres in ${embeddedDir(config.dataDir)}` : 'Postgres'})`,
    '',
    `  Storefront   ${base}/`,
    `  Admin        ${base}/admin`,
    `  App          ${base}/app`,
    `  API docs     ${base}/api/docs`,
    `  Health       ${base}/healthz`,
    ...(platform.deps.devMailbox ? [`  Mailbox      ${base}/dev/mailbox (this machine only)`] : []),
    platform.stripeSetup.emulatorUrl
      ? `  Stripe       emulator at ${platform.stripeSetup.emulatorUrl} (dashboard: ${platform.stripeSetup.emulatorUrl}/_emulator/dashboard)`
      : `  Stripe       ${platform.stripeSetup.mode} mode`,
  ];
  if (platform.demoLogins.length) {
    lines.push('', `  Demo logins (password "${DEMO_PASSWORD}"):`);
    for (const l of platform.demoLogins) lines.push(`    ${l.email.padEnd(30)} ${l.role}`);
  }
  console.log(`${lines.join('\n')}\n`);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await platform.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

// stdout carries the MCP protocol, so everything else (logs, refusals) goes to stderr.
async function mcpCommand(): Promise<void> {
  const secret = process.env.GALLERIST_API_KEY?.trim();
  if (!secret) {
    console.error('Set GALLERIST_API_KEY to an API key of your account (create one under Account → API keys).');
    process.exit(2);
  }
  const config = loadConfig();
  const { default: pino } = await import('pino');
  const logger = pino({ level: config.LOG_LEVEL, base: undefined }, pino.destination(2));
  const database = await openDatabase(config, logger, { longLived: true });
  await migrate(database.db);
  const { setupStripe } = await import('./commerce/stripe.ts');
  const { assemblePlatform } = await import('./assembly.ts');
  const { systemClock } = await import('./clock.ts');
  const { authenticateApiKey } = await import('./agents/api-keys.ts');
  const { isAppError } = await import('./errors.ts');
  const principal = await authenticateApiKey(database.db, secret).catch(async (err: unknown) => {
    if (!isAppError(err)) throw err;
    await database.close();
    console.error(`${err.message}. Create a new key under Account → API keys and set GALLERIST_API_KEY to it.`);
    process.exit(2);
  });
  const setup = await setupStripe(config, logger);
  // The same modules as the server: a checkout opened or settled here runs the same offering hooks.
  const base = { config, db: database.db, clock: systemClock, logger, stripe: setup.stripe };
  const assembly = assemblePlatform(base);
  const { createMcpServer } = await import('./agents/mcp/server.ts');
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  const server = createMcpServer({ ...base, commerce: assembly.commerce }, principal);
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await server.close().catch(() => {});
    await assembly.close();
    await setup.emulator?.stop();
    await database.close();
    process.exit(0);
  };
  // The client ending the session closes stdin; the transport alone would keep the process alive.
  process.stdin.once('end', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  await server.connect(new StdioServerTransport());
  logger.info({ keyId: principal.keyId, accountId: principal.accountId }, 'MCP server ready on stdio');
}
