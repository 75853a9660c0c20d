// The narrow TS types of this domain's columns (CHECK-constrained text, jsonb shapes); the tables themselves are
// generated into src/db/schema.gen.ts (`npm run db:types`) from migrations 0095 and 0099.

/** The ACP order events we send an agent platform (`agent_webhook_deliveries.event_type`). */
export type AgentWebhookEvent = 'order_create' | 'order_update';

/** Where one webhook delivery stands (`agent_webhook_deliveries.status`). */
export type AgentWebhookStatus = 'pending' | 'delivered' | 'failed';
