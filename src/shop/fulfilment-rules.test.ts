import fc from 'fast-check';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { canMove, nextMoves, shippingFromSession } from './fulfilment.ts';
import { addressLines, cropNote } from './print-lines.ts';
import type { FulfilmentStatus } from './tables.ts';

const all: FulfilmentStatus[] = ['paid', 'in_production', 'shipped', 'delivered', 'cancelled'];
const rank: Record<FulfilmentStatus, number> = { paid: 0, in_production: 1, shipped: 2, delivered: 3, cancelled: 4 };

describe('fulfilment rules', () => {
  it('only ever moves forward, whatever the studio clicks, and stops at delivered or cancelled', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...all), { maxLength: 30 }), (clicks) => {
        let s: FulfilmentStatus = 'paid';
        for (const to of clicks) {
          if (!canMove(s, to)) continue;
          expect(rank[to]).toBeGreaterThan(rank[s]);
          s = to;
        }
        if (s === 'delivered' || s === 'cancelled') expect(nextMoves(s)).toEqual([]);
      }),
    );
    expect(canMove('shipped', 'cancelled')).toBe(false);
    expect(canMove('paid', 'delivered')).toBe(false);
    expect(canMove('paid', 'shipped')).toBe(true);
  });

  it('reads the shipping address from collected_information, falling back to customer_details', () => {
    const address = {
      line1: '1 Gallery Way',
      line2: null,
      city: 'Berlin',
      postal_code: '10115',
      state: null,
      country: 'DE',
    };
    const modern = {
      collected_information: { shipping_details: { name: 'Jamie Rivera', address } },
      customer_details: { name: 'Card Holder', address: { ...address, city: 'Paris' } },
    } as unknown as Stripe.Checkout.Session;
    expect(shippingFromSession(modern)).toEqual({
      name: 'Jamie Rivera',
      address: { name: 'Jamie Rivera', ...address },
    });
    const fallback = { collected_information: null, customer_details: { name: 'Card Holder', address } };
    expect(shippingFromSession(fallback as unknown as Stripe.Checkout.Session).address?.city).toBe('Berlin');
    expect(shippingFromSession({ collected_information: null } as unknown as Stripe.Checkout.Session)).toEqual({
      address: null,
      name: null,
    });
    expect(
      addressLines({ name: 'Jamie', line1: '1 Gallery Way', city: 'Berlin', postal_code: '10115', country: 'DE' }),
    ).toEqual(['Jamie', '1 Gallery Way', '10115 Berlin', 'DE']);
  });

  it('describes a crop only when part of the photo is left out', () => {
    expect(cropNote(null)).toBeNull();
    expect(cropNote({ x: 0, y: 0, width: 1, height: 1 })).toBeNull();
    expect(cropNote({ x: 0.1, y: 0, width: 0.8, height: 1 })).toBe(
      'Cropped to 80% × 100% of the frame, from 10% left, 0% top',
    );
  });
});
