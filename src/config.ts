import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

const envSchema = z.object({
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyToUndefined, z.string().min(1).default('127.0.0.1')),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().min(1).default('./data')),
  // Connections per instance; several instances share Postgres's max_connections (Supabase's pooler has its own).
  DATABASE_POOL_SIZE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(200).default(10)),
  // Off behind a pooler in transaction mode (Supabase's on port 6543, PgBouncer before 1.21), which can't keep a
  // connection's prepared statements from one transaction to the next; `auto` tells such a URL by its port.
  DATABASE_PREPARED_STATEMENTS: z.preprocess(emptyToUndefined, z.enum(['auto', 'on', 'off']).default('auto')),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// connection URL')
      .optional(),
  ),
  PUBLIC_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  SESSION_SECRET: z.preprocess(emptyToUndefined, z.string().min(32, 'must be at least 32 characters').optional()),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  SMTP_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^smtps?:\/\//, 'must be smtp:// or smtps://')
      .optional(),
  ),
  MAIL_FROM: z.preprocess(emptyToUndefined, z.string().default('Gallerist <no-reply@gallerist.local>')),
  STRIPE_SECRET_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^(sk|rk)_(test|live)_/, 'must start with sk_test_, sk_live_, rk_test_ or rk_live_')
      .optional(),
  ),
  STRIPE_API_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  STRIPE_WEBHOOK_SECRET: optionalString,
  STRIPE_EMULATOR_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(12111)),
  // Where uploads live: local disk under DATA_DIR, or any S3-compatible bucket (the S3_* variables).
  STORAGE: z.preprocess(emptyToUndefined, z.enum(['local', 's3']).default('local')),
  S3_ENDPOINT: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  S3_BUCKET: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'must be a bucket name (3–63 lowercase letters, digits, dots, dashes)',
      )
      .optional(),
  ),
  S3_REGION: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[a-z0-9-]{1,40}$/, 'must be a region like eu-central-1')
      .default('us-east-1'),
  ),
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_FORCE_PATH_STYLE: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('true')),
  JOBS: z.preprocess(emptyToUndefined, z.enum(['on', 'off']).default('on')),
  // How long a claimed job is someone's: renewed while it runs, so it bounds the wait after a worker dies.
  JOB_LEASE_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(3).max(3600).default(30)),
  // Jobs one instance runs at once. More than the pool: a job holds a connection only while it talks to the
  // database, not while it waits on Stripe or SMTP.
  JOB_CONCURRENCY: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(200).default(16)),
  // Strangers' catalog reads answered from memory until a catalog write commits (decisions 033 and 036).
  PUBLIC_READ_CACHE: z.preprocess(emptyToUndefined, z.enum(['on', 'off']).default('on')),
  // The dev mailbox shows every outgoing email (reset links included): never on where strangers can reach it.
  DEV_MAILBOX: z.preprocess(emptyToUndefined, z.enum(['auto', 'on', 'off']).default('auto')),
  // How many reverse proxies in front of the app append to X-Forwarded-For; 0 trusts only the socket address.
  TRUST_PROXY: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(10).default(0)),
  // An OpenAI-compatible API (OpenAI, Gemini's compatible endpoint, Ollama, llama.cpp, vLLM) for the assistants.
  LLM_BASE_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  LLM_API_KEY: optionalString,
  LLM_MODEL: z.preprocess(emptyToUndefined, z.string().max(200).optional()),
  LLM_VISION_MODEL: z.preprocess(emptyToUndefined, z.string().max(200).optional()),
  EMBEDDINGS_MODEL: z.preprocess(emptyToUndefined, z.string().max(200).optional()),
  // Assistant limits per user (and, for signed-in users, per account): requests and model tokens.
  ASSISTANT_REQUESTS_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(10_000).default(10)),
  ASSISTANT_REQUESTS_PER_DAY: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(1_000_000).default(200),
  ),
  ASSISTANT_TOKENS_PER_MINUTE: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(100).max(100_000_000).default(40_000),
  ),
  ASSISTANT_TOKENS_PER_DAY: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(100).max(1_000_000_000).default(400_000),
  ),
  // Live assistant sessions (WebSocket): how many a user may hold open at once, and how long one lasts before it
  // renews (history carried over), mirroring the session caps of providers' live APIs.
  ASSISTANT_LIVE_SESSIONS_PER_USER: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100).default(3)),
  ASSISTANT_LIVE_SESSION_MINUTES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(240).default(15)),
});

export type Env = z.infer<typeof envSchema>;

/** The S3-compatible bucket uploads go to when STORAGE=s3. */
export interface S3Config {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

/** Resolved configuration the rest of the platform reads; never read process.env elsewhere. */
export interface Config extends Env {
  dataDir: string;
  publicUrl: string;
  sessionSecret: string;
  secureCookies: boolean;
  /** Multiple webhook secrets are accepted so they can be rotated without downtime. */
  webhookSecrets: string[];
  /** Set exactly when STORAGE=s3. */
  s3: S3Config | null;
  /** Set exactly when LLM_BASE_URL is: the model API the assistants and embeddings use. */
  llm: LlmConfig | null;
}

/** The OpenAI-compatible model API; each model is optional (no chat model: assistants explain how to set one). */
export interface LlmConfig {
  baseUrl: string;
  apiKey: string | null;
  model: string | null;
  visionModel: string | null;
  embeddingsModel: string | null;
}

/** A configuration problem, printed as a clear message instead of a stack trace. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment; throws ConfigError listing every problem at once. */
export function parseEnv(env: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  // S3 needs all of its variables; booting without one would only fail at the first upload.
  if (parsed.data.STORAGE === 's3') {
    const needed = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;
    const missing = needed.filter((k) => !parsed.data[k]);
    if (missing.length) throw new ConfigError(missing.map((k) => `${k}: required when STORAGE=s3`));
  }
  // A model name without an API to ask is a mistake to report now, not at the first chat.
  if (!parsed.data.LLM_BASE_URL) {
    const orphans = (['LLM_MODEL', 'LLM_VISION_MODEL', 'EMBEDDINGS_MODEL', 'LLM_API_KEY'] as const).filter(
      (k) => parsed.data[k],
    );
    if (orphans.length)
      throw new ConfigError(orphans.map((k) => `${k}: needs LLM_BASE_URL (the OpenAI-compatible API's URL)`));
  }
  return parsed.data;
}

/**
 * Whether `/dev/mailbox` is mounted: `auto` only on the embedded emulator with no SMTP (local development and the
 * demo), where every email stays on this machine anyway; `on` is an explicit (and doctor-flagged) override.
 */
export function devMailboxEnabled(config: Pick<Env, 'DEV_MAILBOX' | 'SMTP_URL'>, embeddedEmulator: boolean): boolean {
  if (config.DEV_MAILBOX !== 'auto') return config.DEV_MAILBOX === 'on';
  return embeddedEmulator && !config.SMTP_URL;
}

/** Loads configuration, creating the data dir and a persisted session secret when needed. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = parseEnv(env);
  const dataDir = resolve(parsed.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const publicUrl = (parsed.PUBLIC_URL ?? `http://${displayHost(parsed.HOST)}:${parsed.PORT}`).replace(/\/$/, '');
  return {
    ...parsed,
    dataDir,
    publicUrl,
    sessionSecret: parsed.SESSION_SECRET ?? persistedSecret(dataDir, 'session-secret'),
    secureCookies: publicUrl.startsWith('https://'),
    webhookSecrets: (parsed.STRIPE_WEBHOOK_SECRET ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    s3: s3Config(parsed),
    llm: parsed.LLM_BASE_URL
      ? {
          baseUrl: parsed.LLM_BASE_URL.replace(/\/$/, ''),
          apiKey: parsed.LLM_API_KEY ?? null,
          model: parsed.LLM_MODEL ?? null,
          visionModel: parsed.LLM_VISION_MODEL ?? parsed.LLM_MODEL ?? null,
          embeddingsModel: parsed.EMBEDDINGS_MODEL ?? null,
        }
      : null,
  };
}

function s3Config(env: Env): S3Config | null {
  if (env.STORAGE !== 's3') return null;
  return {
    endpoint: (env.S3_ENDPOINT as string).replace(/\/$/, ''),
    bucket: env.S3_BUCKET as string,
    region: env.S3_REGION,
    accessKeyId: env.S3_ACCESS_KEY_ID as string,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY as string,
    forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
  };
}

/** Reads a random secret from DATA_DIR, generating it on first use so restarts keep sessions valid. */
export function persistedSecret(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host === '127.0.0.1' ? 'localhost' : host;
}
