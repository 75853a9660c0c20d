// The narrow TS types of this domain's columns (CHECK-constrained text, jsonb shapes); the tables themselves are
// generated into src/db/schema.gen.ts (`npm run db:types`) and narrowed with these in src/db/types.ts.

/** What an emailed sign-in link is for; both sign the user in, confirmation also proves the address. */
export type EmailLinkPurpose = 'confirm_email' | 'sign_in';
