import type { Hono } from 'hono';
import { api } from '../core/context.ts';
import { invalid, missing } from '../core/errors.ts';
import { updateWithEvent } from '../core/events.ts';
import { listResponse } from '../core/list.ts';
import { currency, int, listParams, mergeMetadata, metadata, req, str, validate } from '../core/params.ts';
import type { EmulatorState, Rec } from '../core/state.ts';
import { all, childrenOf, find, mustFind } from '../core/state.ts';
import { assertDestination } from './destination-check.ts';
import { availableBalance, insufficientFunds } from './ledger.ts';
import { createTransfer, reverseTransfer } from './transfers-model.ts';

const transferOr404 = (state: EmulatorState, id: string): Rec => mustFind(state, id, 'transfer', null);

function reversalOr404(state: EmulatorState, transfer: string, id: string): Rec {
  const rev = find(state, id, 'transfer_reversal', null);
  if (!rev || rev.obj.transfer !== transfer) throw missing('transfer_reversal', id);
  return rev;
}

/** Transfers to connected accounts and their reversals (platform scope). */
export const transfers = (app: Hono, state: EmulatorState): void => {
  api(app, 'post', '/v1/transfers', (ctx) => {
    const p = validate(ctx.params, {
      amount: req(int(1)),
      currency: req(currency),
      destination: req(str),
      description: str,
      transfer_group: str,
      source_transaction: str,
      metadata,
    });
    if (ctx.account) throw invalid('Transfers can only be created by the platform account.', 'destination');
    assertDestination(state, p.destination, 'destination');
    let availableOn: number | undefined;
    if (p.source_transaction) {
      // Funds from a specific charge: allowed before they are available, up to the charge amount.
      const ch = find(state, p.source_transaction, 'charge', null);
      if (ch?.obj.status !== 'succeeded') {
        throw missing('charge', p.source_transaction, 'source_transaction');
      }
      if (ch!.obj.currency !== p.currency) throw invalid('The currency must match the source transaction.', 'currency');
      if (p.amount > ch!.obj.amount_captured - ch!.obj.amount_refunded) {
        throw invalid('Transfer amount exceeds the source transaction amount.', 'amount');
      }
      availableOn = find(state, ch!.obj.balance_transaction, 'balance_transaction', null)?.obj.available_on;
    } else if (availableBalance(state, null, p.currency) < p.amount) {
      throw insufficientFunds('transfer');
    }
    return createTransfer(state, ctx, {
      amount: p.amount,
      currency: p.currency,
      destination: p.destination,
      description: p.description,
      metadata: mergeMetadata({}, p.metadata),
      transfer_group: p.transfer_group,
      source_transaction: p.source_transaction,
      availableOn,
    }).obj;
  });

  api(app, 'get', '/v1/transfers/:id', (ctx) => {
    validate(ctx.params, {});
    return transferOr404(state, ctx.path.id).obj;
  });

  api(app, 'post', '/v1/transfers/:id', (ctx) => {
    const p = validate(ctx.params, { metadata, description: str });
    const rec = transferOr404(state, ctx.path.id);
    updateWithEvent(state, { ...ctx, account: null }, rec, 'transfer.updated', (o) => {
      if (p.metadata !== undefined) o.metadata = mergeMetadata(o.metadata, p.metadata);
      if (p.description !== undefined) o.description = p.description;
    });
    return rec.obj;
  });

  api(app, 'get', '/v1/transfers', (ctx) => {
    const p = validate(ctx.params, { ...listParams, destination: str, transfer_group: str });
    const recs = all(state, 'transfer', null).filter(
      (r) =>
        (!p.destination || r.obj.destination === p.destination) &&
        (!p.transfer_group || r.obj.transfer_group === p.transfer_group),
    );
    return listResponse('/v1/transfers', recs, p);
  });

  api(app, 'post', '/v1/transfers/:id/reversals', (ctx) => {
    const p = validate(ctx.params, {
      amount: int(1),
      description: str,
      metadata,
      refund_application_fee: str,
    });
    const rec = transferOr404(state, ctx.path.id);
    const remaining = rec.obj.amount - rec.obj.amount_reversed;
    if (remaining <= 0) {
      throw invalid(`Transfer ${rec.id} has already been fully reversed.`, undefined, 'transfer_already_reversed');
    }
    const amount = p.amount ?? remaining;
    if (amount > remaining) {
      throw invalid(
        `You have attempted to reverse ${amount} ${rec.obj.currency}, but the transfer only has ${remaining} remaining to reverse.`,
        'amount',
        'amount_too_large',
      );
    }
    return reverseTransfer(state, ctx, rec, {
      amount,
      description: p.description,
      metadata: mergeMetadata({}, p.metadata),
    }).obj;
  });

  api(app, 'get', '/v1/transfers/:id/reversals', (ctx) => {
    const p = validate(ctx.params, listParams);
    transferOr404(state, ctx.path.id);
    const recs = childrenOf(state, 'transfer_reversal', ctx.path.id);
    return listResponse(`/v1/transfers/${ctx.path.id}/reversals`, recs, p);
  });

  api(app, 'get', '/v1/transfers/:id/reversals/:rid', (ctx) => {
    validate(ctx.params, {});
    return reversalOr404(state, ctx.path.id, ctx.path.rid).obj;
  });

  api(app, 'post', '/v1/transfers/:id/reversals/:rid', (ctx) => {
    const p = validate(ctx.params, { metadata });
    const rev = reversalOr404(state, ctx.path.id, ctx.path.rid);
    rev.obj.metadata = mergeMetadata(rev.obj.metadata, p.metadata);
    state.onChange();
    return rev.obj;
  });
};
