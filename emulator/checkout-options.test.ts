import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { emulatorForFile } from './testing/file-emulator.ts';
import { createPrice, createSession, postHostedForm } from './testing/helpers.ts';

const t = await emulatorForFile();
const stripe = t.stripe;

const card = { email: 'buyer@example.com', cardNumber: '4242424242424242', cardExpiry: '12/34', cardCvc: '123' };

const fields: Stripe.Checkout.SessionCreateParams.CustomField[] = [
  {
    key: 'engraving',
    label: { type: 'custom', custom: 'Engraving' },
    type: 'text',
    text: { minimum_length: 3, maximum_length: 10 },
  },
  { key: 'po', label: { type: 'custom', custom: 'PO number' }, type: 'numeric', optional: true },
  {
    key: 'frame',
    label: { type: 'custom', custom: 'Frame' },
    type: 'dropdown',
    dropdown: {
      options: [
        { label: 'Oak', value: 'oak' },
        { label: 'Black', value: 'black' },
      ],
      default_value: 'oak',
    },
  },
];

async function page(s: Stripe.Checkout.Session, headers: Record<string, string> = {}): Promise<string> {
  return (await fetch(s.url!, { headers })).text();
}

describe('custom_fields', () => {
  it('shows the fields, validates required ones on submit and returns the values', async () => {
    const s = await createSession(stripe, { custom_fields: fields });
    expect(s.custom_fields).toEqual([
      {
        key: 'engraving',
        label: { custom: 'Engraving', type: 'custom' },
        optional: false,
        text: { default_value: null, maximum_length: 10, minimum_length: 3, value: null },
        type: 'text',
      },
      {
        key: 'po',
        label: { custom: 'PO number', type: 'custom' },
        numeric: { default_value: null, maximum_length: null, minimum_length: null, value: null },
        optional: true,
        type: 'numeric',
      },
      {
        dropdown: {
          default_value: 'oak',
          options: [
            { label: 'Oak', value: 'oak' },
            { label: 'Black', value: 'black' },
          ],
          value: null,
        },
        key: 'frame',
        label: { custom: 'Frame', type: 'custom' },
        optional: false,
        type: 'dropdown',
      },
    ]);
    const html = await page(s);
    expect(html).toContain('id="custom_engraving"');
    expect(html).toContain('minlength="3"');
    expect(html).toContain('<option value="oak" selected>Oak</option>');
    expect(html).toContain('PO number (optional)');

    const missing = await postHostedForm(s, { ...card, custom_frame: 'oak' });
    expect(missing.status).toBe(200);
    expect(missing.html).toContain('Please fill in “Engraving”.');
    const short = await postHostedForm(s, { ...card, custom_engraving: 'AB', custom_frame: 'oak' });
    expect(short.html).toContain('“Engraving” must be at least 3 characters.');
    expect(short.html).toContain('value="AB"');
    const letters = await postHostedForm(s, {
      ...card,
      custom_engraving: 'ABC',
      custom_po: '12a',
      custom_frame: 'oak',
    });
    expect(letters.html).toContain('“PO number” may only contain digits.');
    const badOption = await postHostedForm(s, { ...card, custom_engraving: 'ABC', custom_frame: 'gold' });
    expect(badOption.html).toContain('Please choose one of the options for “Frame”.');
    expect((await stripe.checkout.sessions.retrieve(s.id)).status).toBe('open');

    const ok = await postHostedForm(s, {
      ...card,
      custom_engraving: ' For Ada ',
      custom_po: '',
      custom_frame: 'black',
    });
    expect(ok.status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(s.id);
    expect(done.custom_fields.map((f) => f[f.type as 'text']?.value)).toEqual(['For Ada', null, 'black']);
    expect(done.custom_fields[2].dropdown?.value).toBe('black');
    const evt = (await stripe.events.list({ type: 'checkout.session.completed' })).data[0];
    expect((evt.data.object as Stripe.Checkout.Session).custom_fields[0].text?.value).toBe('For Ada');
  });

  it('keeps the buyer’s answers when 3-D Secure is denied', async () => {
    const s = await createSession(stripe, {
      custom_fields: [fields[0]],
      phone_number_collection: { enabled: true },
      consent_collection: { terms_of_service: 'required' },
    });
    const answers = { custom_engraving: 'Ada', phone: '5550100', consentTerms: 'on' };
    const step = await postHostedForm(s, { ...card, ...answers, cardNumber: '4000002500003155' });
    expect(step.html).toContain('id="deny"');
    const denied = await fetch(`${s.url}/3ds`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=deny',
    });
    const html = await denied.text();
    expect(html).toContain('id="error"');
    expect(html).toContain('value="Ada"');
    expect(html).toContain('value="5550100"');
    expect(html).toMatch(/id="consentTerms" name="consentTerms" value="on" checked/);
    expect((await postHostedForm(s, { ...card, ...answers })).status).toBe(303);
  });

  it('refuses invalid definitions with a 400 naming the param, storing nothing', async () => {
    const price = await createPrice(stripe);
    const bad = (custom_fields: unknown) =>
      stripe.checkout.sessions
        .create({ mode: 'payment', line_items: [{ price, quantity: 1 }], custom_fields } as never)
        .catch((e) => e);
    const text = (key: string) => ({ key, label: { type: 'custom', custom: 'X' }, type: 'text' });
    const cases: Array<[unknown, string]> = [
      [[text('a'), text('b'), text('c'), text('d')], 'custom_fields'],
      [[text('has space')], 'custom_fields[0][key]'],
      [[text('a'), text('a')], 'custom_fields[1][key]'],
      [[{ ...text('a'), label: { type: 'other', custom: 'X' } }], 'custom_fields[0][label][type]'],
      [[{ ...text('a'), type: 'date' }], 'custom_fields[0][type]'],
      [[{ ...text('a'), dropdown: { options: [{ label: 'A', value: 'a' }] } }], 'custom_fields[0][dropdown]'],
      [[{ ...text('a'), text: { minimum_length: 5, maximum_length: 2 } }], 'custom_fields[0][text][minimum_length]'],
      [[{ ...text('a'), text: { maximum_length: 256 } }], 'custom_fields[0][text][maximum_length]'],
      [[{ ...text('a'), type: 'dropdown' }], 'custom_fields[0][dropdown]'],
      [
        [{ ...text('a'), type: 'dropdown', dropdown: { options: [{ label: 'A', value: 'a' }], default_value: 'z' } }],
        'custom_fields[0][dropdown][default_value]',
      ],
      [[{ label: { type: 'custom', custom: 'X' }, type: 'text' }], 'custom_fields[0][key]'],
    ];
    for (const [value, param] of cases) {
      const err = await bad(value);
      expect(err, param).toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError', param });
    }
    const products = (await stripe.products.list({ limit: 100 })).data.length;
    const inline = await stripe.checkout.sessions
      .create({
        mode: 'payment',
        line_items: [
          { price_data: { currency: 'usd', unit_amount: 100, product_data: { name: 'Inline' } }, quantity: 1 },
        ],
        custom_fields: [text('bad key')] as never,
      })
      .catch((e) => e);
    expect(inline.param).toBe('custom_fields[0][key]');
    expect((await stripe.products.list({ limit: 100 })).data).toHaveLength(products);
    expect((await stripe.checkout.sessions.list()).data).toEqual([]);
  });
});

describe('phone_number_collection', () => {
  it('asks for a phone number and stores it in customer_details and on a created customer', async () => {
    const s = await createSession(stripe, { phone_number_collection: { enabled: true }, customer_creation: 'always' });
    expect(s.phone_number_collection).toEqual({ enabled: true });
    expect(await page(s)).toContain('id="phone"');
    expect((await postHostedForm(s, card)).html).toContain('Please enter your phone number.');
    expect((await postHostedForm(s, { ...card, phone: 'call me' })).html).toContain('Your phone number is invalid.');
    expect((await postHostedForm(s, { ...card, phone: '+1 (555) 010-0200' })).status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(s.id);
    expect(done.customer_details?.phone).toBe('+15550100200');
    expect(((await stripe.customers.retrieve(done.customer as string)) as Stripe.Customer).phone).toBe('+15550100200');
    const plain = await createSession(stripe);
    expect(await page(plain)).not.toContain('id="phone"');
  });
});

describe('consent_collection', () => {
  it('blocks payment until the terms are accepted and records the promotions choice', async () => {
    const s = await createSession(stripe, { consent_collection: { promotions: 'auto', terms_of_service: 'required' } });
    expect(s.consent_collection).toEqual({
      payment_method_reuse_agreement: null,
      promotions: 'auto',
      terms_of_service: 'required',
    });
    expect(s.consent).toBeNull();
    const html = await page(s);
    expect(html).toContain('id="consentPromotions"');
    expect(html).toContain('id="consentTerms"');
    const refused = await postHostedForm(s, { ...card, consentPromotions: 'on' });
    expect(refused.html).toContain('Please accept the terms of service.');
    expect(refused.html).toMatch(/id="consentPromotions" name="consentPromotions" value="on" checked/);
    expect((await postHostedForm(s, { ...card, consentPromotions: 'on', consentTerms: 'on' })).status).toBe(303);
    expect((await stripe.checkout.sessions.retrieve(s.id)).consent).toEqual({
      promotions: 'opt_in',
      terms_of_service: 'accepted',
    });

    const promoOnly = await createSession(stripe, { consent_collection: { promotions: 'auto' } });
    expect(await page(promoOnly)).not.toContain('consentTerms');
    expect((await postHostedForm(promoOnly, card)).status).toBe(303);
    expect((await stripe.checkout.sessions.retrieve(promoOnly.id)).consent).toEqual({
      promotions: 'opt_out',
      terms_of_service: null,
    });
    const err = await createSession(stripe, { consent_collection: { terms_of_service: 'always' as never } }).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ statusCode: 400, param: 'consent_collection[terms_of_service]' });
  });
});

describe('locale', () => {
  it('validates the locale, stores it and sets <html lang>', async () => {
    const fr = await createSession(stripe, { locale: 'fr' });
    expect(fr.locale).toBe('fr');
    expect(await page(fr)).toContain('<html lang="fr">');
    const auto = await createSession(stripe, { locale: 'auto' });
    expect(await page(auto, { 'accept-language': 'de-DE,de;q=0.9' })).toContain('<html lang="de">');
    expect(await page(auto, { 'accept-language': 'pt-BR' })).toContain('<html lang="pt-BR">');
    const unset = await createSession(stripe);
    expect(unset.locale).toBeNull();
    expect(await page(unset)).toContain('<html lang="en">');
    const err = await createSession(stripe, { locale: 'xx' as never }).catch((e) => e);
    expect(err).toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError', param: 'locale' });
    expect((await stripe.checkout.sessions.list()).data).toHaveLength(3);
  });
});

describe('invoice_creation', () => {
  const invoiceCreation: Stripe.Checkout.SessionCreateParams.InvoiceCreation = {
    enabled: true,
    invoice_data: {
      description: 'Prints for Ada',
      footer: 'Thank you!',
      metadata: { order: 'o_7' },
      custom_fields: [{ name: 'VAT', value: 'DE123' }],
    },
  };

  it('creates a customer and a paid invoice on completion, with events and hosted pages', async () => {
    const s = await createSession(stripe, { invoice_creation: invoiceCreation });
    expect(s.invoice_creation).toEqual({
      enabled: true,
      invoice_data: {
        account_tax_ids: null,
        custom_fields: [{ name: 'VAT', value: 'DE123' }],
        description: 'Prints for Ada',
        footer: 'Thank you!',
        issuer: null,
        metadata: { order: 'o_7' },
        rendering_options: null,
      },
    });
    expect(s).toMatchObject({ invoice: null, customer: null, customer_creation: 'if_required' });
    expect((await postHostedForm(s, { ...card, billingName: 'Ada' })).status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(s.id, { expand: ['invoice'] });
    const inv = done.invoice as Stripe.Invoice;
    expect(done.customer).toMatch(/^cus_/);
    expect(inv.id).toMatch(/^in_/);
    expect(inv).toMatchObject({
      object: 'invoice',
      status: 'paid',
      customer: done.customer,
      currency: 'usd',
      amount_due: 2500,
      amount_paid: 2500,
      amount_remaining: 0,
      total: 2500,
      description: 'Prints for Ada',
      footer: 'Thank you!',
      metadata: { order: 'o_7' },
      custom_fields: [{ name: 'VAT', value: 'DE123' }],
      customer_email: 'buyer@example.com',
      customer_name: 'Ada',
    });
    expect(inv.number).toMatch(/^[A-Z0-9]{8}-0001$/);
    expect(inv.status_transitions.paid_at).toBeGreaterThan(0);
    expect(inv.lines.data).toMatchObject([{ object: 'line_item', amount: 2500, quantity: 1, description: 'Print' }]);
    expect((await stripe.invoices.retrieve(inv.id)).id).toBe(inv.id);
    expect((await stripe.invoices.listLineItems(inv.id)).data).toHaveLength(1);

    const hosted = await fetch(inv.hosted_invoice_url!);
    expect(hosted.status).toBe(200);
    const hostedHtml = await hosted.text();
    expect(hostedHtml).toContain(inv.number!);
    expect(hostedHtml).toContain('$25.00');
    expect(hostedHtml).toContain('DE123');
    const pdf = await fetch(inv.invoice_pdf!);
    expect(pdf.status).toBe(200);
    expect(await pdf.text()).toContain('Thank you!');

    const types = (await stripe.events.list({ limit: 20 })).data.map((e) => e.type).reverse();
    expect(types.slice(-5)).toEqual([
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'checkout.session.completed',
    ]);
    expect(types).toContain('customer.created');
    const created = (await stripe.events.list({ type: 'invoice.created' })).data[0];
    expect((created.data.object as Stripe.Invoice).status).toBe('draft');
    const completed = (await stripe.events.list({ type: 'checkout.session.completed' })).data[0];
    expect((completed.data.object as Stripe.Checkout.Session).invoice).toBe(inv.id);

    const other = await createSession(stripe, { invoice_creation: { enabled: true } });
    await t.post(`/_emulator/checkout/sessions/${other.id}/complete`);
    expect((await stripe.invoices.list({ customer: done.customer as string })).data.map((i) => i.id)).toEqual([inv.id]);
    expect((await stripe.invoices.list()).data).toHaveLength(2);
    expect((await stripe.invoices.retrieve('in_missing').catch((e) => e)).statusCode).toBe(404);
  });

  it('uses the given customer and makes no invoice without invoice_creation', async () => {
    const c = await stripe.customers.create({ email: 'known@example.com', name: 'Known' });
    const s = await createSession(stripe, { customer: c.id, invoice_creation: { enabled: true } });
    const done = (await t.post(`/_emulator/checkout/sessions/${s.id}/complete`)).body;
    const inv = await stripe.invoices.retrieve(done.invoice);
    expect(inv).toMatchObject({ customer: c.id, customer_email: 'known@example.com', status: 'paid' });
    const plain = await createSession(stripe);
    expect((await t.post(`/_emulator/checkout/sessions/${plain.id}/complete`)).body).toMatchObject({
      invoice: null,
      customer: null,
    });
    expect((await stripe.invoices.list()).data).toHaveLength(1);
  });

  it('waits for an async payment to settle before invoicing', async () => {
    const s = await createSession(stripe, { invoice_creation: { enabled: true } });
    const pending = await t.post(`/_emulator/checkout/sessions/${s.id}/complete`, { async_outcome: 'succeeded' });
    expect(pending.body).toMatchObject({ payment_status: 'unpaid', invoice: null });
    await t.post('/_emulator/clock/advance', { seconds: 61 });
    const paid = await stripe.checkout.sessions.retrieve(s.id);
    expect(paid.invoice).toMatch(/^in_/);
    const evt = (await stripe.events.list({ type: 'checkout.session.async_payment_succeeded' })).data[0];
    expect((evt.data.object as Stripe.Checkout.Session).invoice).toBe(paid.invoice);
  });

  it('refuses invalid invoice_data', async () => {
    const err = (p: unknown) => createSession(stripe, { invoice_creation: p as never }).catch((e) => e);
    const five = Array.from({ length: 5 }, (_, i) => ({ name: `n${i}`, value: 'v' }));
    expect(await err({ enabled: true, invoice_data: { custom_fields: five } })).toMatchObject({
      param: 'invoice_creation[invoice_data][custom_fields]',
    });
    expect(await err({ invoice_data: { description: 'x' } })).toMatchObject({ param: 'invoice_creation[enabled]' });
    expect(await err({ enabled: true, invoice_data: { issuer: { type: 'account' } } })).toMatchObject({
      param: 'invoice_creation[invoice_data][issuer][account]',
    });
    expect(await err({ enabled: true, invoice_data: { nope: 1 } })).toMatchObject({
      param: 'invoice_creation[invoice_data][nope]',
    });
    expect((await stripe.checkout.sessions.list()).data).toEqual([]);
  });
});

describe('control API completion', () => {
  it('fills test values for required custom fields, phone and terms', async () => {
    const s = await createSession(stripe, {
      custom_fields: fields,
      phone_number_collection: { enabled: true },
      consent_collection: { promotions: 'auto', terms_of_service: 'required' },
    });
    const done = await t.post(`/_emulator/checkout/sessions/${s.id}/complete`);
    expect(done.status).toBe(200);
    expect(done.body.custom_fields.map((f: any) => f[f.type].value)).toEqual(['test', null, 'oak']);
    expect(done.body.customer_details.phone).toBe('+15555550100');
    expect(done.body.consent).toEqual({ promotions: 'opt_out', terms_of_service: 'accepted' });
  });
});
