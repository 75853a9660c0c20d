import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { ACP_FULFILLMENT_TYPES, acpPaymentHandlers, buildDiscoveryDocument } from './discovery.ts';
import { ACP_API_VERSION } from './http.ts';
import { PaymentHandler } from './schema.ts';
import { validateAcp } from './schema-validate.ts';

describe('ACP discovery document', () => {
  const config = loadConfig({ PUBLIC_URL: 'https://shop.example.com/', DATA_DIR: '/tmp/unused', LOG_LEVEL: 'silent' });

  it('validates against $defs/DiscoveryResponse and points agents at /acp', () => {
    const doc = buildDiscoveryDocument(config, { currencies: ['EUR', 'usd', 'eur'] });
    expect(validateAcp('DiscoveryResponse', doc)).toEqual([]);
    expect(doc).toMatchObject({
      protocol: { name: 'acp', version: ACP_API_VERSION, supported_versions: [ACP_API_VERSION] },
      api_base_url: 'https://shop.example.com/acp',
      transports: ['rest', 'mcp'],
      capabilities: { services: ['checkout'], supported_currencies: ['eur', 'usd'] },
    });
    const supported = doc.protocol.supported_versions;
    expect(supported.at(-1)).toBe(doc.protocol.version);
    expect(validateAcp('DiscoveryResponse', buildDiscoveryDocument(config))).toEqual([]);
  });

  it('carries no payment handler or merchant details (RFC discovery §7.1)', () => {
    const text = JSON.stringify(buildDiscoveryDocument(config));
    expect(text).not.toMatch(/stripe|handler|merchant|acct_/i);
  });

  it('the session-level Stripe SPT card handler validates against $defs/PaymentHandler', () => {
    for (const h of [
      ...acpPaymentHandlers({ environment: 'test' }),
      ...acpPaymentHandlers({ environment: 'production', stripeAccountId: 'acct_1', brands: ['visa'] }),
    ]) {
      expect(validateAcp('PaymentHandler', h)).toEqual([]);
      expect(PaymentHandler.parse(h)).toEqual(h);
      expect(h).toMatchObject({ name: 'dev.acp.tokenized.card', psp: 'stripe', requires_delegate_payment: true });
    }
    expect(ACP_FULFILLMENT_TYPES).toEqual(['shipping', 'digital']);
  });
});
