import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withService } from '../../src/db/tenancy.ts';
import { startTestApp } from '../../test/app.ts';
import {
  closeAll,
  expectNoAxeViolations,
  hasChromium,
  launchBrowser,
  onHostedCheckout,
  openPage,
  pathIs,
  payOnHostedCheckout,
  publicUrlContext,
  signIn,
  type TestApp,
} from './support.ts';

const STUDIO = 'studio@demo.gallerist.dev';
const BUYER = 'noor.buyer@example.com';
const CODE = 'PRINTS20';

// Decision 030: the studio turns on Stripe's promotion codes and shipping choice, with tax on top of prices; the
// client pays on the hosted page and every order view shows what Stripe settled.
describe.skipIf(!hasChromium)('web: print shop priced by Stripe Checkout', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let studio: Page;
  let client: Page;
  let galleryPath: string;
  let orderId: string;

  beforeAll(async () => {
    app = await startTestApp();
    const { stripe, db } = app.platform.deps;
    // The platform's marketing team made this code in the Stripe dashboard.
    const coupon = await stripe.coupons.create({ percent_off: 20, duration: 'once', name: 'Spring prints' });
    await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id }, code: CODE });
    const g = await withService(db, (tx) =>
      tx.selectFrom('galleries').select('token').where('status', '=', 'published').executeTakeFirstOrThrow(),
    );
    galleryPath = `/g/${g.token}`;
    browser = await launchBrowser();
  });

  afterAll(() => closeAll(contexts, browser, app));

  const newPage = (viewport = { width: 1280, height: 900 }) =>
    openPage(browser, contexts, publicUrlContext(app, viewport));

  it('the studio turns on promotion codes and shipping choice; rates for different countries are refused', async () => {
    studio = await newPage();
    await signIn(studio, STUDIO);
    await studio.waitForURL(pathIs('/app'));
    await studio.goto('/studio/shop-settings');
    const form = studio.getByRole('form', { name: 'Shop settings' });
    await form.getByRole('button', { name: 'Save settings' }).waitFor();
    const codes = form.getByLabel('Accept Stripe promotion codes at checkout');
    const choice = form.getByLabel('Let buyers choose shipping on the Stripe payment page');
    expect(await codes.isChecked()).toBe(false);
    expect(await choice.isChecked()).toBe(false);
    await form.getByLabel('Tax rate (%)').fill('19');
    await form.getByLabel('Prices include tax').uncheck();
    await codes.check();
    await choice.check();
    // The demo rates mix EU-only and worldwide ones: Stripe would show the EU rate to a buyer in Japan.
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.getByText(/^To let buyers choose shipping on the payment page: every rate must ship/).waitFor();
    expect(await choice.getAttribute('aria-invalid')).toBe('true');
    await form
      .getByLabel('Shipping rates')
      .fill('standard | Standard | 5.00 | | 3-5\nexpress | Express | 15.00 | | 1-2');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await studio.getByText('Settings saved').first().waitFor();
    await expectNoAxeViolations(studio, 'shop settings with Stripe options');
    const row = await withService(app.platform.deps.db, (tx) =>
      tx
        .selectFrom('studio_settings as s')
        .innerJoin('accounts as a', 'a.id', 's.account_id')
        .select(['s.stripe_promotion_codes', 's.stripe_shipping_choice', 's.tax_rate_bps', 's.tax_inclusive'])
        .where('a.slug', '=', 'lumen-photography')
        .executeTakeFirstOrThrow(),
    );
    expect(row).toEqual({
      stripe_promotion_codes: true,
      stripe_shipping_choice: true,
      tax_rate_bps: 1900,
      tax_inclusive: false,
    });
  });

  it('the client adds prints, switches shipping and enters a code on the hosted page, and pays', async () => {
    client = await newPage({ width: 390, height: 844 });
    await client.goto(galleryPath);
    const photos = client.getByRole('list', { name: 'Photos' }).getByRole('button');
    for (const n of [0, 1]) {
      await photos.nth(n).click();
      await client.getByRole('dialog').getByRole('button', { name: 'Buy prints' }).click();
      const dialog = client.getByRole('dialog', { name: 'Buy prints' });
      await dialog.getByRole('combobox', { name: 'Product' }).click();
      await client.getByRole('option', { name: /^A3 print/ }).click();
      await dialog.getByRole('combobox', { name: 'Paper' }).click();
      await client.getByRole('option', { name: /^Matte/ }).click();
      await dialog.getByRole('button', { name: 'Add to cart' }).click();
      await client.getByRole('dialog', { name: /cart/i }).waitFor();
      await client.keyboard.press('Escape');
    }
    await client.getByRole('button', { name: 'Cart', exact: true }).click();
    const cart = client.getByRole('dialog', { name: /cart/i });
    await cart.getByTestId('cart-line').nth(1).waitFor();
    // Shipping and the code wait for the payment page; the cart says so instead of showing €0.00 shipping.
    expect(await cart.getByTestId('shipping-at-payment').textContent()).toContain('Express €15.00');
    expect(await cart.getByTestId('promotion-code-note').textContent()).toContain('Enter it on the payment page');
    expect(await cart.getByTestId('order-shipping').textContent()).toBe('Chosen at payment');
    const cartTax = await cart.getByTestId('order-tax').textContent();
    await expectNoAxeViolations(client, 'cart with Stripe options at 390 px');
    await cart.getByLabel('Email for your receipt').fill(BUYER);
    await cart.getByRole('button', { name: 'Checkout' }).click();

    await client.waitForURL(onHostedCheckout);
    // Stripe's own tax line, not a "Tax" item among the prints.
    const tax = client.locator('#taxLines');
    expect(await tax.textContent()).toContain('Tax (19%)');
    expect(await tax.textContent()).toContain(cartTax ?? '?');
    expect(await client.locator('#lineItems').textContent()).not.toMatch(/Tax|Shipping/);
    await client.getByRole('radio', { name: /Express/ }).check();
    await client.click('#updateShipping');
    await client.locator('#shippingCost').getByText('€15.00').waitFor();
    await client.fill('#promotionCode', CODE.toLowerCase());
    await client.click('#applyCode');
    await client.locator('#discount').getByText(CODE).waitFor();
    const charged = await client.locator('#total').textContent();
    const taxAfterCode = (await tax.textContent())?.replace('Tax (19%)', '').trim();
    await payOnHostedCheckout(client, '4242 4242 4242 4242', 'Noor Haddad', {
      name: 'Noor Haddad',
      line1: 'Keizersgracht 1',
      city: 'Amsterdam',
      postalCode: '1015 CJ',
      country: 'NL',
    });

    await client.waitForURL((url) => url.pathname === galleryPath);
    const summary = client.getByRole('region', { name: 'Thank you! Your order is confirmed' });
    await summary.waitFor();
    expect(await summary.getByTestId('order-discount').textContent()).toMatch(/^−€\d+\.\d\d$/);
    expect(await summary.getByText(`Discount (${CODE})`).count()).toBe(1);
    expect(await summary.getByText('Shipping (Express)').count()).toBe(1);
    expect(await summary.getByTestId('order-shipping').textContent()).toBe('€15.00');
    expect(await summary.getByTestId('order-tax').textContent()).toBe(taxAfterCode);
    expect(await summary.getByTestId('order-total').textContent()).toBe(charged);
    await expectNoAxeViolations(client, 'settled order summary at 390 px');
  });

  it('the studio sees the settled discount, shipping and tax on the order page', async () => {
    const order = await withService(app.platform.deps.db, (tx) =>
      tx
        .selectFrom('orders')
        .select(['id', 'discount', 'shipping', 'tax', 'total', 'metadata'])
        .where('buyer_email', '=', BUYER)
        .executeTakeFirstOrThrow(),
    );
    orderId = order.id;
    expect(order.metadata).toMatchObject({ promotion_code: CODE, shipping_rate_name: 'Express' });
    await studio.goto(`/studio/orders/${orderId}`);
    const totals = studio.getByTestId('order-totals');
    await totals.waitFor();
    const euros = (n: unknown) => `€${(Number(n) / 100).toFixed(2)}`;
    expect(await totals.getByTestId('order-discount').textContent()).toBe(`−${euros(order.discount)}`);
    expect(await totals.getByText(`Discount (${CODE})`).count()).toBe(1);
    expect(await totals.getByText('Shipping (Express)').count()).toBe(1);
    expect(await totals.getByTestId('order-shipping').textContent()).toBe('€15.00');
    expect(await totals.getByTestId('order-tax').textContent()).toBe(euros(order.tax));
    expect(await totals.getByTestId('order-total').textContent()).toBe(euros(order.total));
  });
});
