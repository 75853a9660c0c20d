/** Splits a price into the platform fee (rounded down, in the artist's favour) and the artist's share. */
export function splitFee(amount: number, bps: number): { fee: number; share: number } {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError('amount must be a non-negative integer');
  if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) throw new RangeError('bps must be an integer in 0..10000');
  // BigInt keeps amount × bps exact beyond 2^53.
  const fee = Number((BigInt(amount) * BigInt(bps)) / 10_000n);
  return { fee, share: amount - fee };
}
