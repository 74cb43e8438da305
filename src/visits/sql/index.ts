import type { SqlDefinition } from '../../platform/database/definitions.js';
import { VISIT_LOCK_PROVIDERS, VISIT_RECORD_CONFLICTS, VISIT_RESOLVE_STALE_CONFLICTS } from './conflicts.js';
import { VISIT_PLAN } from './plan.js';
import { VISIT_GAP_DAYS, VISIT_GAP_SECONDS, VISIT_MARGIN_WINDOW, VISIT_PLANNING_WINDOW, VISIT_WEEK_WINDOW } from './windows.js';

/** The visits' database functions, callees before callers. */
export const VISIT_DEFINITIONS: readonly SqlDefinition[] = [
  VISIT_WEEK_WINDOW,
  VISIT_PLANNING_WINDOW,
  VISIT_MARGIN_WINDOW,
  VISIT_GAP_DAYS,
  VISIT_GAP_SECONDS,
  VISIT_LOCK_PROVIDERS,
  VISIT_RECORD_CONFLICTS,
  VISIT_RESOLVE_STALE_CONFLICTS,
  VISIT_PLAN,
];
