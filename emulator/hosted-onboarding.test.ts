import { describe, expect, it } from 'vitest';
import { hasChromium, useHostedPages } from './testing/hosted-pages.ts';

describe.skipIf(!hasChromium)('hosted Connect onboarding in chromium', () => {
  const h = useHostedPages();

  it('shows a validation error, then onboards and returns to return_url', async () => {
    const a = await h.t.stripe.accounts.create({
      type: 'express',
      email: 'painter@example.com',
      capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
    });
    const link = await h.t.stripe.accountLinks.create({
      account: a.id,
      type: 'account_onboarding',
      refresh_url: `${h.shop}/refresh`,
      return_url: `${h.shop}/return`,
    });
    const page = await h.browser.newPage();
    await page.goto(link.url);
    expect(await page.inputValue('#email')).toBe('painter@example.com');
    expect(await page.inputValue('#routing')).toBe('110000000');
    await page.fill('#businessName', '');
    await page.click('#submitOnboarding');
    expect(await page.textContent('#error')).toContain('business name');
    await page.fill('#businessName', 'Painter Studio');
    await page.fill('#phone', '+1 555 0100');
    await page.fill('#dob', '1985-04-12');
    await page.click('#submitOnboarding');
    await page.waitForURL(`${h.shop}/return`);
    expect(await page.textContent('#shop')).toBe('/return');
    const done = await h.t.stripe.accounts.retrieve(a.id);
    expect(done).toMatchObject({ charges_enabled: true, payouts_enabled: true, details_submitted: true });
    expect(done.business_profile?.name).toBe('Painter Studio');
    await page.close();
  });
});
