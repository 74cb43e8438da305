import type { SqlDefinition } from './platform/database/definitions.js';
import { VISIT_DEFINITIONS } from './visits/index.js';

/**
 * The database functions kept as source (platform/database/definitions.ts), in the order they are applied. The
 * conflict rule — windows, margin, what conflicts — is in src/visits/sql/.
 */
export const DEFINITIONS: readonly SqlDefinition[] = [...VISIT_DEFINITIONS];
