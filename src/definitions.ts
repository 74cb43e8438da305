import type { SqlDefinition } from './platform/database/definitions.js';
import { UUID_V7 } from './platform/database/uuid-v7.js';
import { VISIT_DEFINITIONS } from './visits/index.js';

/**
 * The database functions kept as source (platform/database/definitions.ts), in the order they are applied. The
 * conflict rule — windows, margin, what conflicts — is in src/visits/sql/.
 */
export const DEFINITIONS: readonly SqlDefinition[] = [UUID_V7, ...VISIT_DEFINITIONS];
