import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import type { EmulatorOptions, RunningEmulator } from '../index.ts';
import { startEmulator } from '../index.ts';

/** A started emulator on a random port plus an SDK client pointed at it. */
export interface TestEmulator {
  emu: RunningEmulator;
  stripe: Stripe;
  /** POSTs form fields to a control/API path and returns status + parsed JSON. */
  post(
    path: string,
    fields?: Record<string, string | number>,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  get(path: string): Promise<{ status: number; body: any }>;
}

/** Starts an emulator (port 0) and an SDK client with retries disabled. */
export async function setupEmulator(opts: EmulatorOptions = {}): Promise<TestEmulator> {
  const emu = await startEmulator({ port: 0, ...opts });
  const stripe = client(emu.port);
  const post = async (
    path: string,
    fields: Record<string, string | number> = {},
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${emu.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString(),
    });
    return { status: res.status, body: await res.json(), headers: res.headers };
  };
  const get = async (path: string) => {
    const res = await fetch(`${emu.url}${path}`);
    return { status: res.status, body: await res.json() };
  };
  return { emu, stripe, post, get };
}

/** SDK client for an emulator port. */
export function client(port: number, extra: Partial<Stripe.StripeConfig> = {}): Stripe {
  return new Stripe('sk_test_emulator', { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, ...extra });
}

export interface ReceivedWebhook {
  body: string;
  signature: string;
  event: any;
}

/** Local webhook receiver; `respond` decides the status code per request (default 200). */
export async function startReceiver(respond: (n: number, event: any) => number = () => 200) {
  const received: ReceivedWebhook[] = [];
  let count = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      count += 1;
      const event = JSON.parse(body);
      const status = respond(count, event);
      if (status < 300) received.push({ body, signature: String(req.headers['stripe-signature']), event });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ received: status < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    attempts: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Creates a product with a one-time default price and returns the price id. */
export async function createPrice(stripe: Stripe, unitAmount = 2500, currency = 'usd'): Promise<string> {
  const product = await stripe.products.create({
    name: 'Print',
    default_price_data: { currency, unit_amount: unitAmount },
  });
  return product.default_price as string;
}

/** Creates a payment-mode Checkout Session for one price. */
export async function createSession(
  stripe: Stripe,
  extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
  unitAmount = 2500,
): Promise<Stripe.Checkout.Session> {
  const price = await createPrice(stripe, unitAmount);
  return stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price, quantity: 1 }],
    success_url: 'https://shop.example/success?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://shop.example/cart',
    ...extra,
  });
}

/** Posts the hosted Checkout page's form as a browser would; 303 means paid and redirected. */
export async function postHostedForm(session: Stripe.Checkout.Session, fields: Record<string, string>) {
  const res = await fetch(session.url!, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: res.status, html: await res.text() };
}
