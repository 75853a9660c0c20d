import { describe, expect, it } from 'vitest';
import { formatMoney } from '../money.ts';
import { pdfPages } from './invoice-testing.ts';
import type { InvoiceFacts } from './invoice-view.ts';
import type { Invoice } from './invoices.ts';
import { padGlyphs } from './pdf.ts';
import { renderInvoiceHtml, renderInvoicePdf } from './render-invoice.ts';

function invoice(over: Partial<Invoice> = {}): Invoice {
  return {
    id: '7d4f3c1e-9a55-4a57-8f2a-0c6b8f0e2a11',
    accountId: 'a0000000-0000-4000-8000-000000000001',
    orderId: 'b0000000-0000-4000-8000-000000000002',
    number: 'INV-000042',
    seller: {
      name: 'Lumen Photography',
      address: {
        name: 'Lumen Photography',
        line1: 'Lindenstraße 12',
        postalCode: '10969',
        city: 'Berlin',
        country: 'DE',
      },
      taxId: 'DE123456789',
    },
    buyer: { email: 'zoe@example.com', name: 'Zoë Łukasiewicz 山田' },
    lines: [{ name: 'Fine art print 30×40', quantity: 2, unitAmount: 2500, lineTotal: 5000 }],
    subtotal: 5000,
    discount: 0,
    shipping: 0,
    tax: 0,
    total: 5000,
    currency: 'eur',
    receiptUrl: null,
    issuedAt: new Date('2026-11-20T10:00:00Z'),
    ...over,
  };
}
const paid: InvoiceFacts = { paidAt: new Date('2026-11-21T09:00:00Z'), taxInclusive: false, amountRefunded: 0 };

async function text(inv: Invoice, facts: InvoiceFacts = paid, locale?: string): Promise<string[]> {
  return pdfPages(await renderInvoicePdf(inv, facts, { locale }));
}

describe('invoice PDF', () => {
  it('prints a Latin Extended and CJK buyer name exactly, with seller address, tax id and dates', async () => {
    const bytes = await renderInvoicePdf(invoice(), paid);
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    // Subset fonts keep a one-page invoice small even with a CJK name in it.
    expect(bytes.length).toBeLessThan(40_000);
    const [page] = await pdfPages(bytes);
    expect(page).toContain('Zoë Łukasiewicz 山田');
    expect(page).toContain('zoe@example.com');
    expect(page).toContain('Lumen Photography');
    expect(page).toContain('Lindenstraße 12');
    expect(page).toContain('10969 Berlin');
    expect(page).toContain('Germany');
    expect(page).toContain('VAT ID: DE123456789');
    expect(page).toContain('INV-000042');
    expect(page).toContain('Issue date: 20 November 2026');
    expect(page).toContain('Paid: 21 November 2026');
  });

  it('formats dates for the requested locale', async () => {
    const [page] = await text(invoice(), paid, 'de-DE');
    expect(page).toContain('20. November 2026');
    expect(page).toContain('Deutschland');
  });

  it('names the organization that bought, not the member who clicked buy', async () => {
    const inv = invoice({
      buyer: { email: 'org@demo.gallerist.dev', userId: 'u1', name: 'Olive Org', organizationName: 'Acme Corp' },
    });
    const [page] = await text(inv);
    expect(page).toContain('Acme Corp');
    expect(page).not.toContain('org@demo.gallerist.dev');
    expect(page).not.toContain('Olive Org');
    const html = renderInvoiceHtml(inv, paid, '/invoices/x.pdf');
    expect(html).toContain('Acme Corp');
    expect(html).not.toContain('org@demo.gallerist.dev');
  });

  it('formats amounts per currency: JPY without decimals, EUR with two, KWD with three', async () => {
    const jpy = invoice({
      currency: 'jpy',
      lines: [{ name: 'Print', quantity: 1, unitAmount: 1234, lineTotal: 1234 }],
      subtotal: 1234,
      total: 1234,
    });
    const [jpyPage] = await text(jpy);
    expect(formatMoney(1234, 'jpy')).toMatch(/^(¥1,234|JPY 1,234)$/);
    expect(jpyPage).toContain(`Total ${formatMoney(1234, 'jpy')}`);
    expect(jpyPage).not.toContain('1,234.00');

    const [eurPage] = await text(invoice({ subtotal: 123456, total: 123456 }));
    expect(eurPage).toContain(`Total ${formatMoney(123456, 'eur')}`);
    expect(formatMoney(123456, 'eur')).toContain('1,234.56');

    const [kwdPage] = await text(invoice({ currency: 'kwd', subtotal: 1234, total: 1234 }));
    expect(kwdPage).toContain(formatMoney(1234, 'kwd'));
    expect(formatMoney(1234, 'kwd')).toContain('1.234');
  });

  it('shows inclusive tax under the total and exclusive tax as an added line', async () => {
    const inclusive = invoice({ subtotal: 12000, tax: 2000, total: 12000 });
    const [inc] = await text(inclusive, { ...paid, taxInclusive: true });
    expect(inc).toContain(`Total ${formatMoney(12000, 'eur')}`);
    expect(inc).toContain(`incl. VAT ${formatMoney(2000, 'eur')}`);
    expect(inc.indexOf('incl. VAT')).toBeGreaterThan(inc.indexOf('Total'));
    expect(inc).not.toMatch(/(^|\n)VAT EUR/);

    const exclusive = invoice({ subtotal: 10000, discount: 1000, shipping: 700, tax: 1800, total: 11500 });
    const [exc] = await text(exclusive, { ...paid, taxInclusive: false });
    expect(exc).toContain(`Subtotal ${formatMoney(10000, 'eur')}`);
    expect(exc).toContain(`Discount -${formatMoney(1000, 'eur')}`);
    expect(exc).toContain(`Shipping ${formatMoney(700, 'eur')}`);
    expect(exc).toContain(`VAT ${formatMoney(1800, 'eur')}`);
    expect(exc).not.toContain('incl. VAT');
    expect(exc.indexOf(`VAT ${formatMoney(1800, 'eur')}`)).toBeLessThan(exc.indexOf('Total'));
    expect(exc).toContain(`Total ${formatMoney(11500, 'eur')}`);
  });

  it('shows the amount refunded when there is one', async () => {
    const [page] = await text(invoice(), { ...paid, amountRefunded: 1500 });
    expect(page).toContain(`Refunded -${formatMoney(1500, 'eur')}`);
  });

  it('wraps long names and continues a 60-line invoice on further pages, header repeated', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => ({
      name: `Line ${i + 1}: archival pigment print on Hahnemühle Photo Rag, hand-signed and numbered by the artist`,
      quantity: 1,
      unitAmount: 1000,
      lineTotal: 1000,
    }));
    const bytes = await renderInvoicePdf(invoice({ lines, subtotal: 60000, total: 60000 }), paid);
    const pages = await pdfPages(bytes);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    const all = pages.join('\n');
    for (let i = 1; i <= 60; i++) expect(all).toContain(`Line ${i}: archival`);
    for (const [i, p] of pages.entries()) {
      expect(p).toContain(`Page ${i + 1} of ${pages.length}`);
      expect(p).toContain('Unit price');
    }
    // The name is wider than its column, so it wraps rather than running into the numbers.
    expect(all).toMatch(/Line 1: archival[^\n]*\n[^\n]*numbered by the artist/);
    expect(pages.at(-1)).toContain(`Total ${formatMoney(60000, 'eur')}`);
    expect(bytes.length).toBeLessThan(80_000);
  });
});

describe('invoice HTML page', () => {
  it('shows the same content, escaped and styled, with a Download PDF link', () => {
    const html = renderInvoiceHtml(
      invoice({
        lines: [{ name: '<script>alert(1)</script>', quantity: 1, unitAmount: 5000, lineTotal: 5000 }],
        tax: 800,
      }),
      { ...paid, taxInclusive: true },
      '/invoices/x.pdf?token=t',
    );
    expect(html).toContain('Zoë Łukasiewicz 山田');
    expect(html).toContain('Lindenstraße 12');
    expect(html).toContain('VAT ID: DE123456789');
    expect(html).toContain('20 November 2026');
    expect(html).toContain('incl. VAT');
    expect(html).toContain(formatMoney(800, 'eur'));
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toMatch(/<a id="pdf" href="\/invoices\/x\.pdf\?token=t">Download PDF<\/a>/);
    expect(html).toContain('name="viewport"');
    expect(html).toContain('@media print');
  });
});

describe('seller tax id line', () => {
  it('says "Tax ID" for ids without a country prefix and prints no tax line when there is none', async () => {
    const ein = invoice({ seller: { name: 'Skyline LLC', taxId: '12-3456789' } });
    const html = renderInvoiceHtml(ein, paid, '/invoices/x.pdf');
    expect(html).toContain('Tax ID: 12-3456789');
    expect(html).not.toContain('VAT ID');
    expect((await text(ein)).join('\n')).toContain('Tax ID: 12-3456789');

    const none = invoice({ seller: { name: 'Skyline LLC' } });
    expect(renderInvoiceHtml(none, paid, '/invoices/x.pdf')).not.toMatch(/VAT ID|Tax ID/);
    expect((await text(none)).join('\n')).not.toMatch(/VAT ID|Tax ID/);
  });
});

describe('padGlyphs', () => {
  it('leaves fonts without TrueType outlines alone', () => {
    const notTtf = new Uint8Array(12);
    expect(padGlyphs(notTtf)).toBe(notTtf);
  });
});
