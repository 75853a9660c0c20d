import { z } from '@hono/zod-openapi';
import { pageQuery } from '../db/keyset.ts';
import { BillingAddress, Email, Name, Password, SignInPassword, Slug, TaxId } from './fields.ts';

// The field rules live in fields.ts (plain zod) so the web app validates its forms with these same schemas.
export { BillingAddress, Email, Name, Password, SignInPassword, Slug, TaxId };

export const AccountKind = z.enum(['studio', 'artist', 'provider', 'organization']);
export const Role = z.enum(['owner', 'admin', 'member']);
export const InviteRole = z.enum(['admin', 'member']);

// Same-site path to continue to after the emailed confirmation link (e.g. an invitation).
const NextPath = z
  .string()
  .max(500)
  .regex(/^\/(?![/\\])/, 'Use a path on this site');
export const SignUpInput = z
  .strictObject({ email: Email, password: Password, name: Name, next: NextPath.optional() })
  .openapi('SignUpInput');
export const SignUpAccepted = z.object({ ok: z.literal(true) }).openapi('SignUpAccepted');
export const EmailLinkInput = z.strictObject({ token: z.string().min(10).max(200) }).openapi('EmailLinkInput');
export const SignInInput = z.strictObject({ email: Email, password: SignInPassword }).openapi('SignInInput');
export const ResetRequestInput = z.strictObject({ email: Email }).openapi('PasswordResetRequest');
export const ResetConfirmInput = z
  .strictObject({ token: z.string().min(10).max(200), password: Password })
  .openapi('PasswordResetConfirm');
export const CreateAccountInput = z
  .strictObject({ name: Name, slug: Slug, kind: AccountKind })
  .openapi('CreateAccountInput');
export const InviteInput = z.strictObject({ email: Email, role: InviteRole }).openapi('InviteInput');
export const AcceptInviteInput = z.strictObject({ token: z.string().min(10).max(200) }).openapi('AcceptInviteInput');

export const User = z
  .object({ id: z.uuid(), email: z.string(), name: z.string(), isPlatformAdmin: z.boolean() })
  .openapi('User');
export const Membership = z
  .object({ accountId: z.uuid(), slug: z.string(), name: z.string(), kind: AccountKind, role: Role })
  .openapi('Membership');
export const SessionPayload = z
  // A union, not `User.nullable()`: that would make the named User schema itself nullable in the OpenAPI document.
  .object({ user: z.union([User, z.null()]), memberships: z.array(Membership), csrfToken: z.string() })
  .openapi('Session');
export const Member = z
  .object({ userId: z.uuid(), email: z.string(), name: z.string(), role: Role, joinedAt: z.string() })
  .openapi('Member');
export const Invitation = z
  .object({ id: z.uuid(), email: z.string(), role: InviteRole, createdAt: z.string(), expiresAt: z.string() })
  .openapi('Invitation');
/** The admin directories' query: a search and a cursor page. */
export const Page = z.object({
  q: z.string().trim().max(200).optional(),
  ...pageQuery,
});
export const AdminUser = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    isPlatformAdmin: z.boolean(),
    suspendedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('AdminUser');
export const AdminAccount = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    name: z.string(),
    kind: AccountKind,
    suspendedAt: z.string().nullable(),
    createdAt: z.string(),
    memberCount: z.number().int(),
  })
  .openapi('AdminAccount');

export type MembershipT = z.infer<typeof Membership>;
export type UserT = z.infer<typeof User>;

/** What an admin may change of the seller details invoices print; `null` clears a field, an absent one is kept. */
export const LegalDetailsInput = z
  .strictObject({
    taxId: TaxId.nullable().optional(),
    billingAddress: BillingAddress.nullable().optional(),
  })
  .openapi('AccountLegalDetailsInput');
export type LegalDetailsInputT = z.infer<typeof LegalDetailsInput>;

export const LegalDetails = z
  .object({
    accountId: z.uuid(),
    name: z.string(),
    taxId: z.string().nullable(),
    billingAddress: z.record(z.string(), z.string()).nullable(),
    /** The address invoices fall back to when no billing address is set (a studio's return address), else null. */
    fallbackAddress: z.record(z.string(), z.string()).nullable(),
    /** Whether the caller may change them (owners and admins). */
    canEdit: z.boolean(),
  })
  .openapi('AccountLegalDetails');
export type LegalDetailsT = z.infer<typeof LegalDetails>;
