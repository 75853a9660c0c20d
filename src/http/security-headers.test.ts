import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers.ts';

function appWith(https: boolean) {
  return new Hono().use('*', securityHeaders({ https })).get('/', (c) => c.html('<p>hi</p>'));
}

describe('security headers', () => {
  it('sends HSTS only when the public address is https', async () => {
    const secure = await appWith(true).request('/');
    expect(secure.headers.get('strict-transport-security')).toContain('max-age=31536000');
    const plain = await appWith(false).request('/');
    expect(plain.headers.get('strict-transport-security')).toBeNull();
  });

  it('forbids framing and inline script, and sniffing', async () => {
    const res = await appWith(false).request('/');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
