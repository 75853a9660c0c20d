/** Client-side mirror of the server's coupon rules (CouponPatch and updateCoupon), for the edit dialog. */

/** The server's ceiling on a coupon's redemption limit. */
export const MAX_REDEMPTIONS_LIMIT = 1_000_000;

// Dates are picked as calendar days: a window runs from the start of its first day to the end of its last (UTC).
/** The instant a picked start day begins (UTC), or null when no day is picked. */
export const dayStart = (d: string) => (d ? new Date(`${d}T00:00:00Z`).toISOString() : null);
/** The last second of a picked end day (UTC), or null when no day is picked. */
export const dayEnd = (d: string) => (d ? new Date(`${d}T23:59:59Z`).toISOString() : null);

/** The calendar day (UTC) of an ISO instant, as a date input expects it. */
export const dayOf = (iso: string | null) => (iso ? iso.slice(0, 10) : '');

export type CouponEdit = { endsAt: string | null; maxRedemptions: number | null };
export type CouponEditErrors = Partial<Record<keyof CouponEdit, string>>;

/** Checks the edit form's raw values against the coupon's start; returns the patch or per-field errors. */
export function parseCouponEdit(
  input: { ends: string; maxUses: string },
  startsAt: string | null,
): { ok: true; patch: CouponEdit } | { ok: false; errors: CouponEditErrors } {
  const errors: CouponEditErrors = {};
  const uses = input.maxUses.trim();
  const maxRedemptions = uses ? Number(uses) : null;
  if (
    maxRedemptions !== null &&
    (!/^\d+$/.test(uses) || maxRedemptions < 1 || maxRedemptions > MAX_REDEMPTIONS_LIMIT)
  ) {
    errors.maxRedemptions = 'Enter a whole number from 1 to 1,000,000, or leave it empty for no limit.';
  }
  let endsAt: string | null = null;
  if (input.ends) {
    const end = /^\d{4}-\d{2}-\d{2}$/.test(input.ends) ? new Date(`${input.ends}T23:59:59Z`) : null;
    if (!end || Number.isNaN(end.getTime())) errors.endsAt = 'Enter a valid date.';
    else if (startsAt && end <= new Date(startsAt)) errors.endsAt = 'The end must be after the start';
    else endsAt = end.toISOString();
  }
  if (errors.endsAt || errors.maxRedemptions) return { ok: false, errors };
  return { ok: true, patch: { endsAt, maxRedemptions } };
}
