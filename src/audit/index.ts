export { AuditEventEntity, AuditChainHeadEntity } from './audit-event.entity.js';
export { AuditResolver } from './audit.resolver.js';
export { AuditTrail, type AuditEntry, type AuditOutcome } from './audit-trail.js';
export { AuditWriter } from './audit-writer.js';
export { auditInsertSql } from './audit-store.js';
export { statementReadEventSql } from './statement-read-event.js';
export { verifyAuditLog, type VerificationReport } from './verify.js';
export { AuditCheckpointer, verifyCheckpoints, type Checkpoint, type CheckpointReport } from './checkpoint.js';
export { auditVerdict, type AuditVerdict } from './verdict.js';
