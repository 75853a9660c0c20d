import type { Hono } from 'hono';
import { balanceObject } from '../connect/ledger.ts';
import type { EmulatorState, Rec } from '../core/state.ts';
import { allScopes, clone } from '../core/state.ts';
import { esc, formatMoney, page } from './layout.ts';

const CAP = 50;
const TABLE_CSS =
  '<style>.wrap{display:block}table{width:100%;border-collapse:collapse;background:#fff;font-size:13px;margin-bottom:8px}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e8ee}th{color:#697386;font-weight:600}code{font-size:12px}</style>';

function newest(state: EmulatorState, type: string): Rec[] {
  return allScopes(state, type)
    .sort((a, b) => b.seq - a.seq)
    .slice(0, CAP);
}

const link = (id: string | null | undefined) =>
  id ? `<a href="/_emulator/objects/${esc(id)}"><code>${esc(id)}</code></a>` : '';
const time = (sec: number) => esc(new Date(sec * 1000).toISOString().replace('.000Z', 'Z'));
const money = (amount: number, currency: string) => esc(formatMoney(amount, currency));

function section(id: string, title: string, head: string[], rows: string[][]): string {
  const body = rows.length
    ? rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')
    : `<tr><td colspan="${head.length}" class="muted">Nothing yet</td></tr>`;
  return `<section id="${id}"><h2>${esc(title)}</h2><table><thead><tr>${head
    .map((h) => `<th>${esc(h)}</th>`)
    .join('')}</tr></thead><tbody>${body}</tbody></table></section>`;
}

function render(state: EmulatorState): string {
  const scope = (r: Rec) => (r.account ? link(r.account) : 'platform');
  const payments = newest(state, 'payment_intent').map((r) => {
    const ch = r.obj.latest_charge ? state.records.get(r.obj.latest_charge)?.obj : null;
    return [
      link(r.id),
      money(r.obj.amount, r.obj.currency),
      esc(r.obj.status),
      link(ch?.id),
      ch ? money(ch.amount_refunded, ch.currency) : '',
      scope(r),
      time(r.obj.created),
    ];
  });
  const refunds = newest(state, 'refund').map((r) => [
    link(r.id),
    money(r.obj.amount, r.obj.currency),
    esc(r.obj.status),
    link(r.obj.charge),
    scope(r),
    time(r.obj.created),
  ]);
  const accounts = newest(state, 'account').map((r) => {
    const bal = balanceObject(state, r.id, r.obj.default_currency);
    const fmt = (l: Array<{ amount: number; currency: string }>) => l.map((b) => money(b.amount, b.currency)).join(' ');
    const status = r.obj.details_submitted ? 'onboarded' : 'onboarding incomplete';
    return [
      link(r.id),
      esc(r.obj.email ?? ''),
      esc(status),
      r.obj.charges_enabled ? 'yes' : 'no',
      fmt(bal.available),
      fmt(bal.pending),
    ];
  });
  const transfers = newest(state, 'transfer').map((r) => [
    link(r.id),
    money(r.obj.amount, r.obj.currency),
    money(r.obj.amount_reversed, r.obj.currency),
    link(r.obj.destination),
    link(r.obj.source_transaction),
    time(r.obj.created),
  ]);
  const payouts = newest(state, 'payout').map((r) => [
    link(r.id),
    money(r.obj.amount, r.obj.currency),
    esc(r.obj.status),
    scope(r),
    time(r.obj.arrival_date),
  ]);
  const events = newest(state, 'event').map((r) => [
    link(r.id),
    esc(r.obj.type),
    link(r.obj.data.object.id),
    scope(r),
    String(r.obj.pending_webhooks),
    time(r.obj.created),
  ]);
  const deliveries = [...state.deliveries]
    .reverse()
    .slice(0, CAP)
    .map((d) => [
      link(d.event),
      esc(d.type),
      esc(d.url),
      esc(d.status ?? d.error ?? ''),
      String(d.attempt),
      time(d.created),
    ]);
  return `${TABLE_CSS}<div class="wrap"><h1>Stripe emulator dashboard<span class="badge">Test mode</span></h1>
<p class="muted">Read-only, newest first, at most ${CAP} rows per section. Object ids link to their JSON.</p>
${section('payments', 'Payments', ['PaymentIntent', 'Amount', 'Status', 'Charge', 'Refunded', 'Account', 'Created'], payments)}
${section('refunds', 'Refunds', ['Refund', 'Amount', 'Status', 'Charge', 'Account', 'Created'], refunds)}
${section('accounts', 'Connected accounts', ['Account', 'Email', 'Onboarding', 'Charges', 'Available', 'Pending'], accounts)}
${section('transfers', 'Transfers', ['Transfer', 'Amount', 'Reversed', 'Destination', 'Source', 'Created'], transfers)}
${section('payouts', 'Payouts', ['Payout', 'Amount', 'Status', 'Account', 'Arrival'], payouts)}
${section('events', 'Events', ['Event', 'Type', 'Object', 'Account', 'Pending webhooks', 'Created'], events)}
${section('deliveries', 'Webhook deliveries', ['Event', 'Type', 'URL', 'Status', 'Attempt', 'Time'], deliveries)}</div>`;
}

/** Read-only dashboard at /_emulator/dashboard plus a JSON view of any object at /_emulator/objects/:id. */
export const dashboardPage = (app: Hono, state: EmulatorState): void => {
  app.get('/_emulator/dashboard', (c) => c.html(page('Emulator dashboard', render(state))));

  app.get('/_emulator/objects/:id', (c) => {
    const rec = state.records.get(c.req.param('id'));
    if (!rec) return c.json({ error: { type: 'invalid_request_error', message: 'No such object' } }, 404);
    return c.json({ ...clone(rec.obj), ...(rec.deleted ? { deleted: true } : {}) });
  });
};
