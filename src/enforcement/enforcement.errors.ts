import { AppError } from '../platform/errors.js';

/** Why the OM has not released the facts for a fine (yet): `extensions.reason` of the error. */
export const PENDING = 'PENDING';
export const PURSUED = 'PURSUED';
export const IMPOSED_BEFORE_RELEASE = 'IMPOSED_BEFORE_RELEASE';
export type UnreleasedReason = typeof PENDING | typeof PURSUED | typeof IMPOSED_BEFORE_RELEASE;

/**
 * Una via (Awb 5:44): an administrative fine on facts the OM has not released. Names the routing that holds it
 * back and the moment from which a fine becomes possible (null while the OM pursues the facts itself).
 */
export class SamenloopConflictError extends AppError {
  constructor(reason: UnreleasedReason, routingId: string, fineAllowedFrom: string | null, routingIds: readonly string[]) {
    const messages: Record<UnreleasedReason, string> = {
      PENDING: `These facts are with the OM (routing ${routingId}) and it has not decided: an administrative fine is possible from ${fineAllowedFrom}, or once the OM declines.`,
      PURSUED: `The OM took up these facts (routing ${routingId}): no administrative fine while the criminal track runs (Awb 5:44).`,
      IMPOSED_BEFORE_RELEASE: `The OM released these facts only on ${fineAllowedFrom} (routing ${routingId}): a fine imposed before that day is not possible (Awb 5:44).`,
    };
    super('SAMENLOOP_CONFLICT', messages[reason], { reason, routingId, fineAllowedFrom, routingIds: [...routingIds], field: 'input.relatedSignalIds' });
    this.name = 'SamenloopConflictError';
  }
}
