import type { Hono } from 'hono';
import { api, getCtx } from '../core/context.ts';
import { invalid, missing } from '../core/errors.ts';
import { emitEvent, systemOrigin, updateWithEvent } from '../core/events.ts';
import { base62 } from '../core/ids.ts';
import { listResponse, paginate } from '../core/list.ts';
import type { V } from '../core/params.ts';
import { bool, currency, listParams, mergeMetadata, metadata, obj, oneOf, req, str, validate } from '../core/params.ts';
import type { EmulatorState, Obj, Rec } from '../core/state.ts';
import { all, clone, find, insert, mustFind, nowSec } from '../core/state.ts';
import type { BankInput } from './accounts-model.ts';
import {
  attachBankAccount,
  buildAccount,
  capabilityObject,
  completeOnboarding,
  refreshRequirements,
  testBankDetails,
} from './accounts-model.ts';
import { PLATFORM_APPLICATION } from './ledger.ts';

const capability: V = obj({ requested: bool });
const capabilities: V = (value, path) => {
  if (value === '' || typeof value !== 'object' || value === null) throw invalid('Invalid capabilities', path);
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) out[k] = capability(v, `${path}[${k}]`);
  return out;
};

const externalAccount: V = (value, path) => {
  if (typeof value === 'string') {
    if (!/^btok_/.test(value)) throw invalid(`No such token: '${value}'`, path, 'resource_missing');
    return { accountNumber: '000123456789', routing: '110000000' };
  }
  const p = obj({
    object: oneOf('bank_account'),
    country: str,
    currency,
    account_number: req(str),
    routing_number: str,
    account_holder_name: str,
    account_holder_type: oneOf('individual', 'company'),
  })(value, path) as Obj;
  const iban = /^[A-Z]{2}\d{2}/.test(p.account_number);
  return {
    iban: iban ? p.account_number : null,
    accountNumber: iban ? null : p.account_number,
    routing: p.routing_number ?? null,
    holderName: p.account_holder_name ?? null,
  } satisfies BankInput;
};

const updateShape: Record<string, V> = {
  email: str,
  business_type: oneOf('individual', 'company', 'non_profit', 'government_entity'),
  business_profile: obj({
    mcc: str,
    url: str,
    name: str,
    product_description: str,
    support_email: str,
    support_phone: str,
    support_url: str,
  }),
  capabilities,
  settings: obj({
    payouts: obj({
      schedule: obj({ interval: oneOf('manual', 'daily', 'weekly', 'monthly'), delay_days: str }),
      statement_descriptor: str,
    }),
  }),
  tos_acceptance: obj({ date: str, ip: str, user_agent: str, service_agreement: str }),
  external_account: externalAccount,
  default_currency: currency,
  metadata,
};

/** Finds a live connected account (accounts live in the platform scope). */
export function findAccount(state: EmulatorState, id: unknown): Rec | undefined {
  return find(state, id, 'account', null);
}

const accountOr404 = (state: EmulatorState, id: string, param = 'account'): Rec =>
  mustFind(state, id, 'account', null, 'account', param);

// Stored as a record (not an `account`, so it is never a destination or listed) so snapshots keep its id.
const PLATFORM_TYPE = 'platform_account';

/** The platform's own account object, created once per emulator state and persisted with it. */
function platformAccount(state: EmulatorState): Obj {
  const existing = all(state, PLATFORM_TYPE, null)[0];
  if (existing) return existing.obj;
  const a = buildAccount(state, {
    type: 'standard',
    email: 'platform@example.com',
    business_profile: { name: 'Platform' },
  });
  Object.assign(a, { charges_enabled: true, payouts_enabled: true, details_submitted: true, capabilities: {} });
  a.requirements.currently_due = a.requirements.eventually_due = a.requirements.past_due = [];
  a.requirements.disabled_reason = null;
  return insert(state, PLATFORM_TYPE, a, null).obj;
}

function applyUpdate(state: EmulatorState, rec: Rec, p: Obj): void {
  const a = rec.obj;
  if (p.email !== undefined) a.email = p.email;
  if (p.business_type !== undefined) a.business_type = p.business_type;
  if (p.default_currency) a.default_currency = p.default_currency;
  if (p.business_profile) Object.assign(a.business_profile, p.business_profile);
  if (p.metadata !== undefined) a.metadata = mergeMetadata(a.metadata, p.metadata);
  if (p.settings?.payouts?.schedule?.interval)
    a.settings.payouts.schedule.interval = p.settings.payouts.schedule.interval;
  if (p.tos_acceptance) {
    a.tos_acceptance = {
      date: p.tos_acceptance.date ? Number(p.tos_acceptance.date) : nowSec(state),
      ip: p.tos_acceptance.ip ?? null,
      user_agent: p.tos_acceptance.user_agent ?? null,
    };
  }
  for (const [name, v] of Object.entries((p.capabilities ?? {}) as Obj)) {
    if (v.requested && !a.capabilities[name]) {
      a.capabilities[name] = a.details_submitted ? 'active' : 'inactive';
      rec.internal.requestedAt = { ...rec.internal.requestedAt, [name]: nowSec(state) };
    } else if (v.requested === false) delete a.capabilities[name];
  }
  refreshRequirements(a);
}

/** Connect accounts: CRUD + list, capabilities, external accounts, login links, account links, onboarding control. */
export const accounts = (app: Hono, state: EmulatorState): void => {
  api(app, 'post', '/v1/accounts', (ctx) => {
    const p = validate(ctx.params, {
      ...updateShape,
      type: oneOf('express', 'standard', 'custom'),
      country: str,
      controller: obj({}),
    });
    if (!p.type && !p.controller) throw invalid('Missing required param: type.', 'type', 'parameter_missing');
    if (p.country && !/^[A-Za-z]{2}$/.test(p.country)) throw invalid(`Invalid country: ${p.country}`, 'country');
    if (p.type === 'express' && !p.capabilities?.transfers?.requested && !p.capabilities?.card_payments?.requested) {
      throw invalid(
        'Express accounts must request the `transfers` capability (and usually `card_payments`).',
        'capabilities',
      );
    }
    const account = buildAccount(state, { ...p, metadata: mergeMetadata({}, p.metadata) });
    const requestedAt = Object.fromEntries(Object.keys(account.capabilities).map((k) => [k, account.created]));
    const rec = insert(state, 'account', account, null, { requestedAt, links: {}, loginTokens: {} });
    if (p.external_account) attachBankAccount(state, ctx, rec, p.external_account);
    return rec.obj;
  });

  api(app, 'get', '/v1/account', (ctx) => {
    validate(ctx.params, {});
    return ctx.account ? accountOr404(state, ctx.account).obj : platformAccount(state);
  });

  api(app, 'get', '/v1/accounts/:id', (ctx) => {
    validate(ctx.params, {});
    return accountOr404(state, ctx.path.id, 'id').obj;
  });

  api(app, 'post', '/v1/accounts/:id', (ctx) => {
    const p = validate(ctx.params, updateShape);
    const rec = accountOr404(state, ctx.path.id, 'id');
    if (p.external_account) attachBankAccount(state, ctx, rec, p.external_account);
    updateWithEvent(state, { ...ctx, account: rec.id }, rec, 'account.updated', () => applyUpdate(state, rec, p));
    return rec.obj;
  });

  api(app, 'delete', '/v1/accounts/:id', (ctx) => {
    validate(ctx.params, {});
    const rec = accountOr404(state, ctx.path.id, 'id');
    rec.deleted = true;
    state.onChange();
    emitEvent(state, { ...ctx, account: rec.id }, 'account.application.deauthorized', {
      id: PLATFORM_APPLICATION,
      object: 'application',
      name: 'Gallerist emulator platform',
    });
    return { id: rec.id, object: 'account', deleted: true };
  });

  api(app, 'get', '/v1/accounts', (ctx) => {
    const p = validate(ctx.params, listParams);
    return listResponse('/v1/accounts', all(state, 'account', null), p);
  });

  api(app, 'get', '/v1/accounts/:id/capabilities', (ctx) => {
    validate(ctx.params, {});
    const rec = accountOr404(state, ctx.path.id, 'account');
    const data = Object.keys(rec.obj.capabilities)
      .sort()
      .map((name) => capabilityObject(rec, name));
    return { object: 'list', data, has_more: false, url: `/v1/accounts/${rec.id}/capabilities` };
  });

  api(app, 'get', '/v1/accounts/:id/capabilities/:cap', (ctx) => {
    validate(ctx.params, {});
    const rec = accountOr404(state, ctx.path.id, 'account');
    if (!rec.obj.capabilities[ctx.path.cap]) throw missing('capability', ctx.path.cap);
    return capabilityObject(rec, ctx.path.cap);
  });

  api(app, 'get', '/v1/accounts/:id/external_accounts', (ctx) => {
    const p = validate(ctx.params, { ...listParams, object: oneOf('bank_account', 'card') });
    const rec = accountOr404(state, ctx.path.id, 'account');
    return paginate(
      `/v1/accounts/${rec.id}/external_accounts`,
      all(state, 'bank_account', rec.id).map((r) => r.obj),
      p,
    );
  });

  api(app, 'post', '/v1/accounts/:id/login_links', (ctx) => {
    validate(ctx.params, {});
    const rec = accountOr404(state, ctx.path.id, 'account');
    if (rec.obj.type !== 'express') {
      throw invalid('Cannot create a login link for an account that is not an Express account.', 'account');
    }
    const token = base62(12);
    rec.internal.loginTokens = { ...rec.internal.loginTokens, [token]: nowSec(state) };
    state.onChange();
    return { object: 'login_link', created: nowSec(state), url: `${state.publicUrl}/express/${rec.id}/${token}` };
  });

  api(app, 'post', '/v1/account_links', (ctx) => {
    const p = validate(ctx.params, {
      account: req(str),
      refresh_url: str,
      return_url: str,
      type: req(oneOf('account_onboarding', 'account_update')),
      collect: oneOf('currently_due', 'eventually_due'),
      collection_options: obj({ fields: str, future_requirements: str }),
    });
    const rec = accountOr404(state, p.account, 'account');
    for (const key of ['refresh_url', 'return_url'] as const) {
      if (!p[key]) throw invalid(`Missing required param: ${key}.`, key, 'parameter_missing');
      if (!/^https?:\/\/\S+$/.test(p[key])) throw invalid('Not a valid URL', key, 'url_invalid');
    }
    if (p.type === 'account_update' && !rec.obj.details_submitted) {
      throw invalid(
        'You cannot create `account_update` links for an account that has not completed onboarding.',
        'type',
      );
    }
    const created = nowSec(state);
    const token = base62(12);
    rec.internal.links = {
      ...rec.internal.links,
      [token]: { expiresAt: created + 300, refresh: p.refresh_url, return: p.return_url, type: p.type, used: false },
    };
    state.onChange();
    return {
      object: 'account_link',
      created,
      expires_at: created + 300,
      url: `${state.publicUrl}/setup/s/${rec.id}/${token}`,
    };
  });

  app.post('/_emulator/accounts/:id/onboard', (c) => {
    const p = validate(getCtx(c).params, {
      business_name: str,
      email: str,
      phone: str,
      dob: str,
      iban: str,
      routing_number: str,
      account_number: str,
    });
    const rec = accountOr404(state, c.req.param('id'), 'account');
    const bank = testBankDetails(rec.obj.country);
    completeOnboarding(state, systemOrigin(null), rec, {
      businessName: p.business_name ?? rec.obj.business_profile.name ?? 'Test Business',
      email: p.email ?? rec.obj.email ?? 'seller@example.com',
      phone: p.phone ?? '0000000000',
      dob: p.dob ?? '1901-01-01',
      iban: p.iban ?? (p.account_number ? null : (bank.iban ?? null)),
      routing: p.routing_number ?? bank.routing ?? null,
      accountNumber: p.account_number ?? bank.accountNumber ?? null,
    });
    return c.json(clone(rec.obj));
  });
};
