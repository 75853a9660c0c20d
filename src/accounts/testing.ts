import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';

/** The part of test/http.ts's testClient these helpers need. */
interface Client {
  post(path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

/** The token in the newest mail of `template` sent to `to`, read from the outbox. */
export async function emailedToken(db: DB, to: string, template: string): Promise<string> {
  const mail = await withService(db, (tx) =>
    tx
      .selectFrom('mail_outbox')
      .select('text')
      .where('to_address', '=', to.toLowerCase())
      .where('template', '=', template)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow(),
  );
  const m = /token=([\w%-]+)/.exec(mail.text);
  if (!m) throw new Error(`no token in the ${template} mail to ${to}`);
  return decodeURIComponent(m[1]);
}

/** Signs up through the API and opens the emailed confirmation link, as a person would; returns the session. */
export async function signUpAndConfirm(
  c: Client,
  db: DB,
  input: { email: string; name?: string; password?: string },
): Promise<{ user: { id: string; email: string; name: string }; memberships: unknown[]; csrfToken: string }> {
  const r = await c.post('/api/auth/sign-up', { password: 'long enough pw', name: 'Test User', ...input });
  if (r.status !== 202) throw new Error(`sign-up failed: ${r.status} ${JSON.stringify(r.body)}`);
  const token = await emailedToken(db, input.email, 'email_confirmation');
  const s = await c.post('/api/auth/email-link', { token });
  if (s.status !== 200) throw new Error(`confirmation failed: ${s.status} ${JSON.stringify(s.body)}`);
  return s.body;
}
