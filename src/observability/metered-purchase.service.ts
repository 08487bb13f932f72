import { PurchaseService, type PurchaseResult } from '../orders/purchase.service.js';
import type { BoxOfficeMetrics } from './metrics.js';

/** Refusals that are not about seats: the customer's own open order, or Stripe (counted by the checkout gateway). */
const NOT_A_HOLD_CONFLICT: ReadonlySet<string> = new Set(['already_holding', 'checkout_failed']);

/**
 * The purchase service, counting the purchases whose seats could not be held
 * (sold out, no adjacent block, too many open holds, …) by the reason the
 * seat engine gave. Built at the composition root (roles/web.role.ts) in
 * place of PurchaseService, so the purchase flow itself is unchanged.
 */
export class MeteredPurchaseService extends PurchaseService {
  constructor(
    deps: ConstructorParameters<typeof PurchaseService>[0],
    private readonly metrics: Pick<BoxOfficeMetrics, 'holdConflicts'>,
  ) {
    super(deps);
  }

  override async start(...args: Parameters<PurchaseService['start']>): Promise<PurchaseResult> {
    const result = await super.start(...args);
    if (!result.ok && !NOT_A_HOLD_CONFLICT.has(result.reason)) this.metrics.holdConflicts.inc({ reason: result.reason });
    return result;
  }
}
