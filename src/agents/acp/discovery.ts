import type { Config } from '../../config.ts';
import { ACP_API_VERSION, SUPPORTED_VERSIONS } from './http.ts';
import type { PaymentHandler } from './schema.ts';

/*
 * The ACP discovery document (rfc.discovery.md, `$defs/DiscoveryResponse`), served unauthenticated at
 * `GET /.well-known/acp.json` (the routes mount it, with `Cache-Control: public, max-age=3600`). It holds only what
 * is stable and shared by every seller on Gallerist: protocol versions, where the REST API lives, the services we
 * implement. Payment handlers are per session (RFC §2.2, §7.1: no payment handler details or PSP routing here):
 * `acpPaymentHandlers()` is what checkout sessions return in `capabilities.payment.handlers`, and
 * `ACP_FULFILLMENT_TYPES` the fulfillment option types our sessions offer.
 */

export interface DiscoveryResponse {
  protocol: {
    name: 'acp';
    version: string;
    supported_versions: string[];
    documentation_url?: string;
  };
  api_base_url: string;
  transports: ('rest' | 'mcp')[];
  capabilities: {
    services: ('checkout' | 'orders' | 'delegate_payment' | 'carts')[];
    extensions?: { name: string; spec?: string; schema?: string }[];
    intervention_types?: ('3ds' | 'biometric' | 'address_verification')[];
    supported_currencies?: string[];
    supported_locales?: string[];
  };
}

/** Where the ACP REST endpoints are mounted under the public URL. */
export const ACP_BASE_PATH = '/acp';

/** The fulfillment option types our checkout sessions offer (prints ship; digital goods and credits don't). */
export const ACP_FULFILLMENT_TYPES = ['shipping', 'digital'] as const;

/** The base URL agents append `/checkout_sessions` to. */
export function acpApiBaseUrl(config: Pick<Config, 'publicUrl'>): string {
  return `${config.publicUrl.replace(/\/+$/, '')}${ACP_BASE_PATH}`;
}

/** The discovery document for this deployment. */
export function buildDiscoveryDocument(
  config: Pick<Config, 'publicUrl'>,
  opts: { currencies?: readonly string[] } = {},
): DiscoveryResponse {
  const doc: DiscoveryResponse = {
    protocol: {
      name: 'acp',
      version: ACP_API_VERSION,
      // Oldest first; the last is the latest (RFC discovery §4.2).
      supported_versions: [...SUPPORTED_VERSIONS].sort(),
    },
    api_base_url: acpApiBaseUrl(config),
    // REST at api_base_url; the MCP binding (the same operations as tools) at /acp/mcp.
    transports: ['rest', 'mcp'],
    capabilities: {
      // Checkout only: order updates go out as webhooks, we take delegated tokens (SPT) but host no delegate_payment.
      services: ['checkout'],
      // Stripe runs 3DS for the SPT card payments we take.
      intervention_types: ['3ds'],
    },
  };
  if (opts.currencies?.length) {
    doc.capabilities.supported_currencies = [...new Set(opts.currencies.map((c) => c.toLowerCase()))];
  }
  return doc;
}

/** The Stripe shared-payment-token card handler id, as `payment_data.handler_id` names it. */
export const STRIPE_SPT_CARD_HANDLER_ID = 'card_tokenized';

/**
 * The payment handlers a checkout session offers (`capabilities.payment.handlers`): cards tokenized by the agent as
 * Stripe shared payment tokens (`spt_…`), the `dev.acp.tokenized.card` handler with `psp: stripe`.
 * `stripeAccountId` is the Stripe account the tokens are granted to (our platform account, or the seller's Connect
 * account when the charge is made there).
 */
export function acpPaymentHandlers(opts: {
  stripeAccountId?: string;
  environment: 'test' | 'production';
  brands?: readonly string[];
}): PaymentHandler[] {
  const config: Record<string, unknown> = {
    psp: 'stripe',
    accepted_brands: [...(opts.brands ?? ['visa', 'mastercard', 'amex', 'discover'])],
    accepted_funding_types: ['credit', 'debit', 'prepaid'],
    supports_3ds: true,
    environment: opts.environment,
  };
  if (opts.stripeAccountId) config.merchant_id = opts.stripeAccountId;
  return [
    {
      id: STRIPE_SPT_CARD_HANDLER_ID,
      name: 'dev.acp.tokenized.card',
      display_name: 'Card',
      version: '2026-01-22',
      spec: 'https://acp.dev/handlers/tokenized.card',
      requires_delegate_payment: true,
      requires_pci_compliance: false,
      psp: 'stripe',
      config_schema: 'https://acp.dev/schemas/handlers/tokenized.card/config.json',
      instrument_schemas: ['https://acp.dev/schemas/handlers/tokenized.card/instrument.json'],
      config,
    },
  ];
}
