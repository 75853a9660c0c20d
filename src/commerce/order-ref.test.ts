import { describe, expect, it } from 'vitest';
import { orderRef } from './order-ref.ts';

describe('orderRef', () => {
  it('is the first block of the id, upper-cased, after a hash', () => {
    expect(orderRef('13e5a827-6b1c-4f7e-9a0d-2f3c4b5a6d7e')).toBe('#13E5A827');
    expect(orderRef('A719892E-0000-4000-8000-000000000000')).toBe('#A719892E');
  });
});
