import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import { escapeHtml, renderEmail } from './layout.ts';

describe('email layout', () => {
  it('renders every part in HTML and plain text', () => {
    const { html, text } = renderEmail({
      preheader: 'Your receipt is inside',
      heading: 'Order confirmed',
      paragraphs: ['Thanks for your purchase.', 'Line one\nLine two'],
      table: {
        rows: [
          ['Print, 30×40', '€120.00'],
          ['Total', '€135.00'],
        ],
      },
      button: { label: 'View your order', url: 'https://shop.example.com/orders/42?x=1&y=2' },
      footer: 'Studio Nord, Oslo',
    });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('max-width:560px');
    expect(html).toContain('>Gallerist</td>');
    expect(html).toContain('Your receipt is inside');
    expect(html).toContain('<h1');
    expect(html).toContain('Line one<br>Line two');
    expect(html).toContain('href="https://shop.example.com/orders/42?x=1&amp;y=2"');
    expect(html).toContain('€135.00');
    expect(html).toContain('Studio Nord, Oslo');
    expect(text).toContain('Order confirmed\n===============');
    expect(text).toContain('View your order:\nhttps://shop.example.com/orders/42?x=1&y=2');
    expect(text).toMatch(/Total: +€135\.00/);
    expect(text).toContain('Studio Nord, Oslo');
    expect(text).not.toContain('<');
  });

  it('escapes hostile input everywhere it is interpolated', () => {
    const evil = `<script>alert(1)</script>"'><img src=x onerror=alert(2)>&amp;`;
    const { html, text } = renderEmail({
      preheader: evil,
      heading: evil,
      paragraphs: [evil],
      table: { rows: [[evil, evil]] },
      button: { label: evil, url: 'https://x.test/"onmouseover="alert(3)' },
      footer: evil,
    });
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('"onmouseover');
    expect(html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert(2)&gt;&amp;amp;',
    );
    // Plain text stays verbatim: it is never parsed as HTML.
    expect(text).toContain(evil);
  });

  it('refuses non-web button links', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,<b>x</b>', '/relative/path', 'vbscript:x']) {
      let err: unknown;
      try {
        renderEmail({ heading: 'x', paragraphs: [], button: { label: 'Go', url } });
      } catch (e) {
        err = e;
      }
      expect(isAppError(err) && err.code).toBe('validation_failed');
    }
    expect(
      renderEmail({ heading: 'x', paragraphs: [], button: { label: 'Mail', url: 'mailto:a@b.test' } }).html,
    ).toContain('href="mailto:a@b.test"');
  });

  it('escapeHtml covers the five significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
