import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type Json<T = unknown> = ColumnType<T, string | T | undefined, string | T>;

/**
 * All tables, by name. Each domain adds its own tables with module augmentation
 * (`declare module '../db/types.ts' { interface Database { ... } }`) so it owns its schema.
 */
export interface Database {
  schema_migrations: { version: string; name: string; checksum: string; applied_at: Generated<Date> };
  users: {
    id: Generated<string>;
    email: string;
    name: string;
    password_hash: string;
    is_platform_admin: Generated<boolean>;
    suspended_at: Date | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  accounts: {
    id: Generated<string>;
    slug: string;
    name: string;
    kind: 'studio' | 'artist' | 'provider' | 'organization';
    suspended_at: Date | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  memberships: {
    account_id: string;
    user_id: string;
    role: 'owner' | 'admin' | 'member';
    created_at: Generated<Date>;
  };
  invitations: {
    id: Generated<string>;
    account_id: string;
    email: string;
    role: 'admin' | 'member';
    token_hash: string;
    invited_by: string;
    expires_at: Date;
    accepted_at: Date | null;
    revoked_at: Date | null;
    created_at: Generated<Date>;
  };
  sessions: {
    id: Generated<string>;
    token_hash: string;
    user_id: string;
    expires_at: Date;
    user_agent: string | null;
    ip: string | null;
    created_at: Generated<Date>;
    last_seen_at: Generated<Date>;
  };
  password_resets: {
    id: Generated<string>;
    user_id: string;
    token_hash: string;
    expires_at: Date;
    used_at: Date | null;
    created_at: Generated<Date>;
  };
  rate_limits: { key: string; window_start: Date; hits: number };
  audit_events: {
    id: Generated<string>;
    account_id: string | null;
    actor_user_id: string | null;
    actor: string;
    action: string;
    entity_type: string;
    entity_id: string | null;
    before: Json | null;
    after: Json | null;
    request_id: string | null;
    created_at: Generated<Date>;
  };
  mail_outbox: {
    id: Generated<string>;
    account_id: string | null;
    to_address: string;
    subject: string;
    html: string;
    text: string;
    template: string;
    status: Generated<'queued' | 'sent' | 'failed' | 'captured'>;
    attempts: Generated<number>;
    last_error: string | null;
    created_at: Generated<Date>;
    sent_at: Date | null;
  };
  jobs: {
    id: Generated<string>;
    name: string;
    payload: Json;
    unique_key: string | null;
    run_at: Generated<Date>;
    attempts: Generated<number>;
    max_attempts: Generated<number>;
    status: Generated<'queued' | 'running' | 'done' | 'failed'>;
    locked_by: string | null;
    locked_until: Date | null;
    last_error: string | null;
    created_at: Generated<Date>;
    finished_at: Date | null;
  };
  job_schedules: { name: string; interval_seconds: number; next_run_at: Date; last_run_at: Date | null };
}

/** A Kysely handle: the root instance or a transaction. Domain functions take this first. */
export type DB = Kysely<Database>;
export type Tx = Transaction<Database>;
