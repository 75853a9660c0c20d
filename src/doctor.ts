import { accessSync, constants } from 'node:fs';
import { sql } from 'kysely';
import { createStripeClient } from './commerce/stripe.ts';
import { type Config, ConfigError, devMailboxEnabled, loadConfig } from './config.ts';
import { openDatabase } from './db/connect.ts';
import { listMigrations } from './db/migrate.ts';

/** One doctor finding: what was checked, whether it passed, and how to fix it when not. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** A check a domain module contributes (e.g. the webhook route round-trip); it gets only the configuration. */
export type DoctorCheck = (config: Config) => Promise<Check[]>;

/** Runs every check, printing one line each plus fixes; returns true when all passed. */
export async function runDoctor(
  env: Record<string, string | undefined>,
  print: (line: string) => void,
  extraChecks: readonly DoctorCheck[] = [],
): Promise<boolean> {
  const checks = await collectChecks(env, extraChecks);
  for (const c of checks) {
    print(`${c.ok ? '✔' : '✘'} ${c.name}: ${c.detail}`);
    if (!c.ok && c.fix) print(`    fix: ${c.fix}`);
  }
  const failed = checks.filter((c) => !c.ok).length;
  print(failed ? `\n${failed} problem(s) found.` : '\nEverything looks good.');
  return failed === 0;
}

/** Gathers the checks without printing (tests call this). */
export async function collectChecks(
  env: Record<string, string | undefined>,
  extraChecks: readonly DoctorCheck[] = [],
): Promise<Check[]> {
  const checks: Check[] = [];
  let config: Config;
  try {
    config = loadConfig(env);
    checks.push({ name: 'configuration', ok: true, detail: 'environment variables are valid' });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => ({
      name: 'configuration',
      ok: false,
      detail: p,
      fix: 'Correct or unset this variable (see README "Configuration").',
    }));
  }
  try {
    accessSync(config.dataDir, constants.W_OK);
    checks.push({ name: 'data dir', ok: true, detail: `${config.dataDir} is writable` });
  } catch {
    checks.push({
      name: 'data dir',
      ok: false,
      detail: `${config.dataDir} is not writable`,
      fix: 'Set DATA_DIR to a writable folder.',
    });
  }
  checks.push(await checkDatabase(config));
  checks.push(...(await checkStripe(config)));
  checks.push(checkMail(config));
  if (config.publicUrl.startsWith('http://') && config.STRIPE_SECRET_KEY?.includes('_live_')) {
    checks.push({
      name: 'public url',
      ok: false,
      detail: 'live Stripe keys with a plain-http PUBLIC_URL',
      fix: 'Serve Gallerist over https and set PUBLIC_URL=https://… so cookies are Secure.',
    });
  }
  for (const extra of extraChecks) checks.push(...(await extra(config)));
  return checks;
}

// Production here means real Stripe or an https address: places where strangers can reach /dev/mailbox.
function checkMail(config: Config): Check {
  const production =
    Boolean(config.STRIPE_SECRET_KEY && !config.STRIPE_API_URL) || config.publicUrl.startsWith('https://');
  if (config.DEV_MAILBOX === 'on' && production) {
    return {
      name: 'dev mailbox',
      ok: false,
      detail: 'DEV_MAILBOX=on in production: /dev/mailbox shows every email, password-reset links included',
      fix: 'Unset DEV_MAILBOX (or set it to off); set SMTP_URL so mail is delivered.',
    };
  }
  if (config.SMTP_URL) return { name: 'mail', ok: true, detail: 'SMTP_URL set: mail is delivered by SMTP' };
  const embedded = !config.STRIPE_SECRET_KEY && !config.STRIPE_API_URL;
  return {
    name: 'mail',
    ok: !production,
    detail: devMailboxEnabled(config, embedded)
      ? 'no SMTP_URL: mail is kept in the dev mailbox at /dev/mailbox (loopback clients only)'
      : 'no SMTP_URL: mail is recorded but never delivered',
    ...(production ? { fix: 'Set SMTP_URL=smtp://user:pass@host:587 so buyers get receipts and reset links.' } : {}),
  };
}

async function checkDatabase(config: Config): Promise<Check> {
  try {
    const database = await openDatabase(config);
    try {
      await sql`select 1`.execute(database.db);
      const applied = await database.db
        .selectFrom('schema_migrations')
        .select('version')
        .execute()
        .catch(() => []);
      const pending = listMigrations().length - applied.length;
      // Pending migrations are not a fault: serve applies them at start.
      return {
        name: 'database',
        ok: true,
        detail:
          pending > 0
            ? `${database.kind} reachable, ${pending} migration(s) pending (applied by \`gallerist migrate\` or at start)`
            : `${database.kind} reachable, schema up to date`,
      };
    } finally {
      await database.close();
    }
  } catch (err) {
    return {
      name: 'database',
      ok: false,
      detail: `cannot open the database: ${(err as Error).message}`,
      fix: config.DATABASE_URL
        ? 'Check DATABASE_URL (host, port, user, password, database) and that the server accepts connections.'
        : 'Stop other Gallerist processes using DATA_DIR, or point DATA_DIR at another folder.',
    };
  }
}

async function checkStripe(config: Config): Promise<Check[]> {
  if (!config.STRIPE_SECRET_KEY && !config.STRIPE_API_URL) {
    return [{ name: 'stripe', ok: true, detail: 'no STRIPE_SECRET_KEY: serve runs the embedded Stripe emulator' }];
  }
  const checks: Check[] = [];
  const key = config.STRIPE_SECRET_KEY ?? 'sk_test_gallerist_local';
  checks.push({
    name: 'stripe key',
    ok: true,
    detail: `${key.includes('_live_') ? 'LIVE' : 'test'} mode key${config.STRIPE_API_URL ? ` against ${config.STRIPE_API_URL}` : ''}`,
  });
  try {
    const stripe = createStripeClient(key, config.STRIPE_API_URL);
    await stripe.balance.retrieve();
    checks.push({
      name: 'stripe api',
      ok: true,
      detail: `reachable, SDK API version ${stripe.getApiField('version') ?? 'default'}`,
    });
  } catch (err) {
    checks.push({
      name: 'stripe api',
      ok: false,
      detail: (err as Error).message,
      fix: 'Check STRIPE_SECRET_KEY in the Stripe dashboard (Developers → API keys) and network access to Stripe.',
    });
  }
  if (config.STRIPE_SECRET_KEY && !config.STRIPE_API_URL && config.webhookSecrets.length === 0) {
    checks.push({
      name: 'webhook secret',
      ok: false,
      detail: 'STRIPE_WEBHOOK_SECRET is not set, so Stripe events would be rejected',
      fix: `Create an endpoint for ${config.publicUrl}/api/webhooks/stripe in the Stripe dashboard and set STRIPE_WEBHOOK_SECRET=whsec_… (comma-separate several to rotate).`,
    });
  }
  return checks;
}
