import type { Generated } from 'kysely';

/** What an emailed sign-in link is for; both sign the user in, confirmation also proves the address. */
export type EmailLinkPurpose = 'confirm_email' | 'sign_in';

declare module '../db/types.ts' {
  interface Database {
    email_links: {
      id: Generated<string>;
      user_id: string;
      purpose: EmailLinkPurpose;
      token_hash: string;
      expires_at: Date;
      used_at: Date | null;
      created_at: Generated<Date>;
    };
    unconfirmed_users: { user_id: string; created_at: Generated<Date> };
  }
}
