import { Hono } from 'hono';
import pino from 'pino';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import type { AppEnv } from './context.ts';
import { errorHandler } from './middleware.ts';

function appThrowing(err: Error) {
  const app = new Hono<AppEnv>();
  app.onError(errorHandler);
  app.use('*', async (c, next) => {
    c.set('log', pino({ level: 'silent' }));
    c.set('requestId', 'req-test');
    await next();
  });
  app.get('/', () => {
    throw err;
  });
  return app;
}

describe('errorHandler', () => {
  it('answers any Stripe SDK error with 502 upstream_error in the standard shape', async () => {
    for (const err of [
      new Stripe.errors.StripeConnectionError({ message: 'connect ECONNREFUSED' }),
      new Stripe.errors.StripeInvalidRequestError({ message: 'expires_at must be at least 30 minutes' }),
      new Stripe.errors.StripeAPIError({ message: 'boom' }),
    ]) {
      const res = await appThrowing(err).request('/');
      expect(res.status).toBe(502);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('upstream_error');
      expect(body.error.message).toContain('Payment provider error');
    }
  });

  it('puts Retry-After on rate limits', async () => {
    const res = await appThrowing(new AppError('rate_limited', 'Slow down', { retryAfterSeconds: 42.2 })).request('/');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('43');
  });
});
