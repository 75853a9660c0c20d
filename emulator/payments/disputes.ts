import { addTxn } from '../connect/ledger.ts';
import type { TestCard } from '../core/cards.ts';
import { emitEvent, systemOrigin, updateWithEvent } from '../core/events.ts';
import { newId } from '../core/ids.ts';
import type { EmulatorState, Obj, Origin, Rec } from '../core/state.ts';
import { activeRecs, clone, find, insert, nowSec, retire } from '../core/state.ts';

type DisputeKind = NonNullable<TestCard['dispute']>;

/** Evidence fields a dispute carries (all null until given), besides `enhanced_evidence`. */
export const EVIDENCE_FIELDS = [
  'access_activity_log',
  'billing_address',
  'cancellation_policy',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'customer_communication',
  'customer_email_address',
  'customer_name',
  'customer_purchase_ip',
  'customer_signature',
  'duplicate_charge_documentation',
  'duplicate_charge_explanation',
  'duplicate_charge_id',
  'product_description',
  'receipt',
  'refund_policy',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'service_documentation',
  'shipping_address',
  'shipping_carrier',
  'shipping_date',
  'shipping_documentation',
  'shipping_tracking_number',
  'uncategorized_file',
  'uncategorized_text',
];

const KINDS: Record<Exclude<DisputeKind, 'early_fraud_warning'>, { reason: string; code: string; inquiry: boolean }> = {
  fraudulent: { reason: 'fraudulent', code: '10.4', inquiry: false },
  product_not_received: { reason: 'product_not_received', code: '13.1', inquiry: false },
  inquiry: { reason: 'general', code: '10.4', inquiry: true },
};

/** Statuses in which evidence can still be given or the dispute closed. */
export const OPEN = ['needs_response', 'warning_needs_response'];
/** Final statuses. */
export const CLOSED = ['won', 'lost', 'warning_closed'];

/** Stripe's dispute fee in minor units (a flat simplification per currency). */
export function disputeFee(currency: string): number {
  return ({ eur: 2000, gbp: 2000 } as Record<string, number>)[currency] ?? 1500;
}

/** Runs after a successful capture: dispute test cards open a dispute, 5423 an early fraud warning. */
export function disputeTestCharge(state: EmulatorState, origin: Origin, chRec: Rec): void {
  const pmRec = find(state, chRec.obj.payment_method, 'payment_method', chRec.account);
  const kind = (pmRec?.internal.input?.card as TestCard | undefined)?.dispute;
  if (!kind) return;
  if (kind === 'early_fraud_warning') earlyFraudWarning(state, origin, chRec);
  else openDispute(state, origin, chRec, kind);
}

function earlyFraudWarning(state: EmulatorState, origin: Origin, chRec: Rec): void {
  const efw: Obj = {
    id: newId('issfr'),
    object: 'radar.early_fraud_warning',
    actionable: true,
    charge: chRec.id,
    created: nowSec(state),
    fraud_type: 'made_with_stolen_card',
    livemode: false,
    payment_intent: chRec.obj.payment_intent,
  };
  insert(state, 'radar.early_fraud_warning', efw, chRec.account);
  emitEvent(state, origin, 'radar.early_fraud_warning.created', efw);
}

/** Opens a dispute on a captured charge; a chargeback withdraws the amount plus the dispute fee at once. */
export function openDispute(state: EmulatorState, origin: Origin, chRec: Rec, kind: keyof typeof KINDS): Rec {
  const charge = chRec.obj;
  const k = KINDS[kind];
  const created = nowSec(state);
  // Due at the end of the UTC day a week from now, like Stripe's day-granular deadlines.
  const dueBy = Math.floor((created + 7 * 86400) / 86400) * 86400 + 86399;
  const evidence: Obj = Object.fromEntries(EVIDENCE_FIELDS.map((f) => [f, null]));
  evidence.enhanced_evidence = {};
  const dispute: Obj = {
    id: newId('du'),
    object: 'dispute',
    amount: charge.amount_captured,
    balance_transactions: [],
    charge: charge.id,
    created,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence,
    evidence_details: {
      due_by: dueBy,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
    },
    intended_submission_method: null,
    is_charge_refundable: k.inquiry,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    payment_method_details: {
      card: {
        brand: charge.payment_method_details.card.brand,
        case_type: k.inquiry ? 'inquiry' : 'chargeback',
        network_reason_code: k.code,
      },
      type: 'card',
    },
    reason: k.reason,
    status: k.inquiry ? 'warning_needs_response' : 'needs_response',
  };
  const rec = insert(state, 'dispute', dispute, chRec.account, { inquiry: k.inquiry });
  charge.disputed = true;
  emitEvent(state, origin, 'charge.dispute.created', dispute);
  if (!k.inquiry) withdrawFunds(state, origin, rec);
  return rec;
}

function fundsTxn(state: EmulatorState, rec: Rec, sign: 1 | -1): void {
  const d = rec.obj;
  const fee = -sign * disputeFee(d.currency);
  const txn = addTxn(state, rec.account, {
    type: 'adjustment',
    amount: sign * d.amount,
    currency: d.currency,
    source: d.id,
    description: `Chargeback ${sign < 0 ? 'withdrawal' : 'reversal'} for ${d.charge}`,
    fee,
    feeDetails: [
      {
        amount: fee,
        application: null,
        currency: d.currency,
        description: sign < 0 ? 'Dispute fee' : 'Dispute fee refund',
        type: 'stripe_fee',
      },
    ],
  });
  txn.obj.reporting_category = sign < 0 ? 'dispute' : 'dispute_reversal';
  d.balance_transactions.push(clone(txn.obj));
  state.onChange();
}

function withdrawFunds(state: EmulatorState, origin: Origin, rec: Rec): void {
  fundsTxn(state, rec, -1);
  emitEvent(state, origin, 'charge.dispute.funds_withdrawn', rec.obj);
}

/** Closes a dispute: `won` reinstates the funds and fee; a lost inquiry first becomes a withdrawn chargeback. */
export function closeDispute(state: EmulatorState, origin: Origin, rec: Rec, outcome: 'won' | 'lost'): void {
  const inquiry = rec.internal.inquiry === true;
  if (inquiry && outcome === 'lost') {
    rec.obj.is_charge_refundable = false;
    rec.obj.payment_method_details.card.case_type = 'chargeback';
    fundsTxn(state, rec, -1);
  }
  const prev = { status: rec.obj.status };
  rec.obj.status = inquiry && outcome === 'won' ? 'warning_closed' : outcome;
  state.onChange();
  emitEvent(state, origin, 'charge.dispute.closed', rec.obj, prev);
  if (!inquiry && outcome === 'won') {
    fundsTxn(state, rec, 1);
    emitEvent(state, origin, 'charge.dispute.funds_reinstated', rec.obj);
  }
}

/** Applies evidence/metadata; submitting moves the dispute under review, and test evidence decides it. */
export function updateDispute(
  state: EmulatorState,
  origin: Origin,
  rec: Rec,
  p: { evidence?: Obj; metadata?: Obj; submit: boolean },
): void {
  const result: { verdict: 'won' | 'lost' | null } = { verdict: null };
  updateWithEvent(state, origin, rec, 'charge.dispute.updated', (d) => {
    if (p.metadata) d.metadata = p.metadata;
    if (p.evidence) {
      for (const [k, v] of Object.entries(p.evidence)) d.evidence[k] = v;
      d.evidence_details.has_evidence = EVIDENCE_FIELDS.some((f) => d.evidence[f] !== null);
    }
    if (!p.submit) return;
    d.status = d.status === 'warning_needs_response' ? 'warning_under_review' : 'under_review';
    d.evidence_details.submission_count += 1;
    const text = d.evidence.uncategorized_text;
    result.verdict = text === 'winning_evidence' ? 'won' : text === 'losing_evidence' ? 'lost' : null;
  });
  if (result.verdict) closeDispute(state, origin, rec, result.verdict);
}

/** Tick hook: a dispute left unanswered past `due_by` is lost, as on Stripe. */
export function disputeDeadlines(state: EmulatorState): void {
  const now = nowSec(state);
  for (const rec of activeRecs(state, 'dispute')) {
    const d = rec.obj;
    if (CLOSED.includes(d.status)) retire(state, rec);
    if (!OPEN.includes(d.status) || d.evidence_details.due_by >= now) continue;
    d.evidence_details.past_due = true;
    closeDispute(state, systemOrigin(rec.account), rec, 'lost');
  }
}
