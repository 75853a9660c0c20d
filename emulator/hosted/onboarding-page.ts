import type { Context, Hono } from 'hono';
import type { OnboardingInput } from '../connect/accounts-model.ts';
import { completeOnboarding, testBankDetails, usesIban } from '../connect/accounts-model.ts';
import { balanceObject } from '../connect/ledger.ts';
import { systemOrigin } from '../core/events.ts';
import type { EmulatorState, Obj, Rec } from '../core/state.ts';
import { all, find, nowSec } from '../core/state.ts';
import { esc, formatMoney, page } from './layout.ts';

type Form = Record<string, string>;

function input(id: string, label: string, value: string, attrs = ''): string {
  return `<label for="${id}">${esc(label)}</label><input id="${id}" name="${id}" value="${esc(value)}" ${attrs}>`;
}

function onboardingForm(rec: Rec, token: string, form: Form, error: string | null): string {
  const a = rec.obj;
  const bank = testBankDetails(a.country);
  const bankFields = usesIban(a.country)
    ? input('iban', 'IBAN', form.iban ?? bank.iban ?? '', 'autocomplete="off"')
    : `<div class="row"><div>${input('routing', 'Routing number', form.routing ?? bank.routing ?? '', 'inputmode="numeric"')}</div><div>${input('accountNumber', 'Account number', form.accountNumber ?? bank.accountNumber ?? '', 'inputmode="numeric"')}</div></div>`;
  const err = error ? `<div class="error" id="error" role="alert">${esc(error)}</div>` : '';
  const title = a.details_submitted ? 'Update your account' : 'Set up payouts';
  return `<div class="wrap"><div class="col"><h1>${title}<span class="badge">Test mode</span></h1>
<p class="muted">Connected account <span id="accountId">${esc(a.id)}</span> · ${esc(a.country)} · ${esc(a.type)}</p>
<p>Test values are prefilled. Submitting verifies the account instantly.</p></div>
<div class="col card"><form method="post" action="/setup/s/${esc(a.id)}/${esc(token)}" id="onboardingForm">${err}
<h2 style="margin-top:0">Business details</h2>
${input('businessName', 'Business name', form.businessName ?? a.business_profile.name ?? 'Test Studio', 'autocomplete="organization"')}
${input('email', 'Email', form.email ?? a.email ?? 'seller@example.com', 'type="email" autocomplete="email"')}
${input('phone', 'Phone', form.phone ?? '0000000000', 'type="tel" autocomplete="tel"')}
${input('dob', 'Date of birth', form.dob ?? '1901-01-01', 'type="date"')}
<h2>Payout bank account</h2>${bankFields}
<button id="submitOnboarding" type="submit">Agree and submit</button></form></div></div>`;
}

function validateForm(form: Form, iban: boolean): string | null {
  if (!form.businessName?.trim()) return 'Enter your business name.';
  if (!/^\S+@\S+\.\S+$/.test(form.email?.trim() ?? '')) return 'Enter a valid email address.';
  if (!/^[\d\s+()-]{6,}$/.test(form.phone?.trim() ?? '')) return 'Enter a valid phone number.';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.dob?.trim() ?? '') || Number.isNaN(Date.parse(form.dob))) {
    return 'Enter your date of birth.';
  }
  if (iban && !/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test((form.iban ?? '').replace(/\s+/g, '').toUpperCase())) {
    return 'Enter a valid IBAN.';
  }
  if (!iban && !/^\d{9}$/.test(form.routing?.trim() ?? '')) return 'Enter a 9-digit routing number.';
  if (!iban && !/^\d{4,17}$/.test(form.accountNumber?.trim() ?? '')) return 'Enter a valid account number.';
  return null;
}

function notFound(c: Context, what: string): Response {
  return c.html(page('Not found', `<div class="wrap"><h1 id="notFound">${esc(what)} not found</h1></div>`), 404);
}

// Resolves an account link token; expired or used links send the user to refresh_url like Stripe.
function linkFor(state: EmulatorState, c: Context): { rec: Rec; link: Obj; token: string } | Response {
  const rec = find(state, c.req.param('acct'), 'account', null);
  const token = c.req.param('token') ?? '';
  const link = rec?.internal.links?.[token];
  if (!rec || !link) return notFound(c, 'Onboarding link');
  if (link.used || nowSec(state) >= link.expiresAt) return c.redirect(link.refresh, 302);
  return { rec, link, token };
}

function row(cells: string[]): string {
  return `<li>${cells.map((x) => `<span>${x}</span>`).join('')}</li>`;
}

function expressDashboard(state: EmulatorState, rec: Rec): string {
  const bal = balanceObject(state, rec.id, rec.obj.default_currency);
  const sum = (list: Obj[]) => list.map((b) => esc(formatMoney(b.amount, b.currency))).join(' · ');
  const payouts = all(state, 'payout', rec.id)
    .slice(0, 20)
    .map((r) => row([esc(r.id), esc(formatMoney(r.obj.amount, r.obj.currency)), esc(r.obj.status)]))
    .join('');
  const transfers = all(state, 'transfer', null)
    .filter((r) => r.obj.destination === rec.id)
    .slice(0, 20)
    .map((r) => row([esc(r.id), esc(formatMoney(r.obj.amount, r.obj.currency)), r.obj.reversed ? 'reversed' : 'paid']))
    .join('');
  const name = rec.obj.business_profile.name ?? rec.obj.email ?? rec.id;
  return `<div class="wrap"><div class="col"><h1>${esc(name)}<span class="badge">Express · test mode</span></h1>
<div class="total" id="availableBalance">${sum(bal.available)}</div><p class="muted">Available</p>
<div class="sum"><span>Pending</span><span id="pendingBalance">${sum(bal.pending)}</span></div></div>
<div class="col card"><h2 style="margin-top:0">Payouts</h2><ul class="items" id="payouts">${payouts || '<li class="muted">No payouts yet</li>'}</ul>
<h2>Recent transfers</h2><ul class="items" id="transfers">${transfers || '<li class="muted">No transfers yet</li>'}</ul></div></div>`;
}

/** Hosted Connect pages: account-link onboarding (`/setup/s/…`) and the Express dashboard (`/express/…`). */
export const onboardingPages = (app: Hono, state: EmulatorState): void => {
  app.get('/setup/s/:acct/:token', (c) => {
    const found = linkFor(state, c);
    if (found instanceof Response) return found;
    return c.html(page('Account onboarding', onboardingForm(found.rec, found.token, {}, null)));
  });

  app.post('/setup/s/:acct/:token', async (c) => {
    const found = linkFor(state, c);
    if (found instanceof Response) return found;
    const { rec, link, token } = found;
    const form = (await c.req.parseBody()) as Form;
    const iban = usesIban(rec.obj.country);
    const error = validateForm(form, iban);
    if (error) return c.html(page('Account onboarding', onboardingForm(rec, token, form, error)), 400);
    const onboarding: OnboardingInput = {
      businessName: form.businessName.trim(),
      email: form.email.trim(),
      phone: form.phone.trim(),
      dob: form.dob.trim(),
      iban: iban ? form.iban.replace(/\s+/g, '').toUpperCase() : null,
      routing: iban ? null : form.routing.trim(),
      accountNumber: iban ? null : form.accountNumber.trim(),
      userAgent: c.req.header('user-agent') ?? null,
    };
    completeOnboarding(state, systemOrigin(null), rec, onboarding);
    link.used = true;
    state.onChange();
    return c.redirect(link.return, 303);
  });

  app.get('/express/:acct/:token', (c) => {
    const rec = find(state, c.req.param('acct'), 'account', null);
    if (!rec?.internal.loginTokens?.[c.req.param('token')]) return notFound(c, 'Express dashboard');
    return c.html(page('Express dashboard', expressDashboard(state, rec!)));
  });
};
