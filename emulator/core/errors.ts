/** A Stripe API error; thrown anywhere in a handler and rendered in Stripe's `{ error: … }` shape. */
export class StripeError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extra: {
      code?: string;
      decline_code?: string;
      param?: string;
      charge?: string;
      payment_intent?: Record<string, unknown>;
      payment_method?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
  }

  /** Body as Stripe sends it. */
  toJSON(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = { type: this.type, message: this.message };
    for (const [k, v] of Object.entries(this.extra)) if (v !== undefined) error[k] = v;
    if (this.extra.code) error.doc_url = `https://stripe.com/docs/error-codes/${this.extra.code.replace(/_/g, '-')}`;
    return { error };
  }
}

/** 400 invalid_request_error, optionally tied to a param. */
export function invalid(message: string, param?: string, code?: string): StripeError {
  return new StripeError(400, 'invalid_request_error', message, { param, code });
}

/** 404 resource_missing in Stripe's wording: "No such customer: 'cus_123'". */
export function missing(kind: string, id: string, param = 'id'): StripeError {
  return new StripeError(404, 'invalid_request_error', `No such ${kind}: '${id}'`, { code: 'resource_missing', param });
}

/** 400 required-parameter error. */
export function requiredParam(param: string): StripeError {
  return new StripeError(400, 'invalid_request_error', `Missing required param: ${param}.`, {
    code: 'parameter_missing',
    param,
  });
}
