import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { createSession } from './testing/helpers.ts';
import { hasChromium, useHostedPages } from './testing/hosted-pages.ts';

describe.skipIf(!hasChromium)('hosted Checkout page in chromium', () => {
  const h = useHostedPages();

  const session = (extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) =>
    createSession(h.t.stripe, {
      success_url: `${h.shop}/thanks?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${h.shop}/cart`,
      ...extra,
    });

  it('shows a decline, then pays and redirects to success_url', async () => {
    const s = await session({
      customer_email: 'buyer@example.com',
      shipping_address_collection: { allowed_countries: ['US', 'DE'] },
    });
    const page = await h.browser.newPage();
    await page.goto(s.url!);
    expect(await page.inputValue('#email')).toBe('buyer@example.com');
    expect(await page.textContent('#total')).toContain('$25.00');
    await page.fill('#shippingName', 'Jenny Rosen');
    await page.fill('#shippingLine1', '1 Gallery Way');
    await page.fill('#shippingCity', 'Berlin');
    await page.fill('#shippingPostalCode', '10115');
    await page.selectOption('#shippingCountry', 'DE');
    await page.fill('#cardNumber', '4000 0000 0000 9995');
    await page.fill('#cardExpiry', '12 / 34');
    await page.fill('#cardCvc', '123');
    await page.fill('#billingName', 'Jenny Rosen');
    await page.click('#submit');
    expect(await page.textContent('#error')).toContain('insufficient funds');
    expect(await page.inputValue('#shippingCity')).toBe('Berlin');
    await page.fill('#cardNumber', '4242424242424242');
    await Promise.all([page.waitForURL(`${h.shop}/thanks**`), page.click('#submit')]);
    expect(page.url()).toBe(`${h.shop}/thanks?session_id=${s.id}`);
    const paid = await h.t.stripe.checkout.sessions.retrieve(s.id);
    expect(paid).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(paid.collected_information?.shipping_details?.address.city).toBe('Berlin');
    expect(paid.customer_details?.name).toBe('Jenny Rosen');
    await page.goto(s.url!.replace('/c/pay/', '/c/pay/'));
    expect(await page.textContent('h1')).toContain('Payment complete');
    await page.close();
  });

  it('runs the 3-D Secure approve and deny steps', async () => {
    const s = await session();
    const page = await h.browser.newPage();
    await page.goto(s.url!);
    await page.fill('#email', 'three@example.com');
    await page.fill('#cardNumber', '4000002500003155');
    await page.fill('#cardExpiry', '1234');
    await page.fill('#cardCvc', '123');
    await page.click('#submit');
    await page.click('#deny');
    expect(await page.textContent('#error')).toContain('failed authentication');
    await page.fill('#cardNumber', '4000000000003220');
    await page.fill('#cardExpiry', '12/34');
    await page.fill('#cardCvc', '123');
    await page.click('#submit');
    await Promise.all([page.waitForURL(`${h.shop}/thanks**`), page.click('#approve')]);
    expect((await h.t.stripe.checkout.sessions.retrieve(s.id)).payment_status).toBe('paid');
    await page.close();
  });

  it('links back to cancel_url and shows expired sessions clearly', async () => {
    const s = await session();
    const page = await h.browser.newPage();
    await page.goto(s.url!);
    await Promise.all([page.waitForURL(`${h.shop}/cart`), page.click('#cancel')]);
    await h.t.stripe.checkout.sessions.expire(s.id);
    await page.goto(`${h.t.emu.url}/c/pay/${s.id}`);
    expect(await page.textContent('#expired')).toContain('expired');
    await page.close();
  });
});
