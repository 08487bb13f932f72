import { CheckinService, type CheckinOutcome, type CheckinRequest } from '../tickets/checkin.service.js';
import type { BoxOfficeMetrics } from './metrics.js';

/**
 * The check-in service, counting every scan by its outcome. Built at the
 * composition root (roles/web.role.ts) in place of CheckinService, so the
 * door itself is unchanged.
 */
export class MeteredCheckinService extends CheckinService {
  constructor(
    deps: ConstructorParameters<typeof CheckinService>[0],
    private readonly metrics: Pick<BoxOfficeMetrics, 'checkins'>,
  ) {
    super(deps);
  }

  override async checkin(request: CheckinRequest): Promise<CheckinOutcome> {
    const outcome = await super.checkin(request);
    this.metrics.checkins.inc({ outcome: outcome.admitted ? 'admitted' : outcome.reason });
    return outcome;
  }
}
