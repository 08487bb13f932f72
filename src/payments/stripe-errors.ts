import Stripe from 'stripe';
import { CheckoutNotFoundError } from '../checkout/checkout.gateway.js';

/** Stripe's 404 `resource_missing` as the port's CheckoutNotFoundError (asking again will not help); anything else as it came. */
export function rethrowMissing(err: unknown): never {
  if (err instanceof Stripe.errors.StripeInvalidRequestError && (err.statusCode === 404 || err.code === 'resource_missing')) {
    throw new CheckoutNotFoundError(err.message);
  }
  throw err;
}
