import { AppError } from '../platform/errors.js';

/**
 * Una via (Awb 5:44): an administrative fine on facts the OM has not released. Names the routing that holds it
 * back and the moment from which a fine becomes possible (null while the OM pursues the facts itself).
 */
export class SamenloopConflictError extends AppError {
  constructor(routingId: string, fineAllowedFrom: string | null, routingIds: readonly string[]) {
    super(
      'SAMENLOOP_CONFLICT',
      fineAllowedFrom
        ? `These facts are with the OM (routing ${routingId}) and it has not decided: an administrative fine is possible from ${fineAllowedFrom}, or once the OM declines.`
        : `The OM took up these facts (routing ${routingId}): no administrative fine while the criminal track runs (Awb 5:44).`,
      { routingId, fineAllowedFrom, routingIds: [...routingIds], field: 'input.relatedSignalIds' },
    );
    this.name = 'SamenloopConflictError';
  }
}
