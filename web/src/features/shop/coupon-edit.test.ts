import { describe, expect, it } from 'vitest';
import { dayOf, parseCouponEdit } from './coupon-edit.ts';

const START = '2026-09-01T00:00:00.000Z';

describe('parseCouponEdit', () => {
  it('turns a day and a limit into the patch the server takes', () => {
    expect(parseCouponEdit({ ends: '2026-12-31', maxUses: ' 75 ' }, START)).toEqual({
      ok: true,
      patch: { endsAt: '2026-12-31T23:59:59.000Z', maxRedemptions: 75 },
    });
  });

  it('clears both when left empty', () => {
    expect(parseCouponEdit({ ends: '', maxUses: '' }, START)).toEqual({
      ok: true,
      patch: { endsAt: null, maxRedemptions: null },
    });
  });

  it.each(['0', '-3', '2.5', '1e3', 'ten', '1000001'])('refuses the limit %s', (maxUses) => {
    const r = parseCouponEdit({ ends: '', maxUses }, null);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.maxRedemptions).toMatch(/whole number from 1 to 1,000,000/);
  });

  it('accepts the largest limit the server does', () => {
    expect(parseCouponEdit({ ends: '', maxUses: '1000000' }, null).ok).toBe(true);
  });

  it('refuses an end before the start, like the server', () => {
    const r = parseCouponEdit({ ends: '2026-08-31', maxUses: '' }, START);
    expect(r).toEqual({ ok: false, errors: { endsAt: 'The end must be after the start' } });
  });

  it('allows ending on the starting day, and any end without a start', () => {
    expect(parseCouponEdit({ ends: '2026-09-01', maxUses: '' }, START).ok).toBe(true);
    expect(parseCouponEdit({ ends: '2020-01-01', maxUses: '' }, null).ok).toBe(true);
  });

  it('refuses a malformed date', () => {
    expect(parseCouponEdit({ ends: '2026-13-45', maxUses: '' }, null)).toEqual({
      ok: false,
      errors: { endsAt: 'Enter a valid date.' },
    });
  });
});

describe('dayOf', () => {
  it('gives the UTC calendar day of an instant', () => {
    expect(dayOf('2026-11-30T23:59:59.000Z')).toBe('2026-11-30');
    expect(dayOf(null)).toBe('');
  });
});
