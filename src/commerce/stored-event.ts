import type Stripe from 'stripe';

/** A Stripe event from the inbox's `payload` column (an object from jsonb, or text from a driver that sends it so). */
export function storedEvent(payload: unknown): Stripe.Event | null {
  return (typeof payload === 'string' ? JSON.parse(payload) : payload) as Stripe.Event | null;
}
