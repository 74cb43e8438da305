import type { CheckpointReport } from './checkpoint.js';
import type { VerificationReport } from './verify.js';

export interface AuditVerdict {
  /** 0: intact and anchored; 1: tampered, or not anchored at all. */
  exitCode: 0 | 1;
  lines: string[];
}

/**
 * What `npm run audit:verify` concludes from the chains and the checkpoints. A log with events but not one signed
 * checkpoint of this database is not accepted as intact: the server signs one every minute and on shutdown, so
 * none at all means the checkpoints were removed (or AUDIT_CHECKPOINT_DIR points elsewhere) — and without them a
 * rewrite that recomputes the hashes cannot be told from the original. `allowUnanchored` accepts that knowingly.
 */
export function auditVerdict(chains: VerificationReport, anchors: CheckpointReport, options: { allowUnanchored?: boolean; checkpointDir: string }): AuditVerdict {
  const problems = [...chains.problems, ...anchors.problems];
  if (problems.length > 0) {
    return {
      exitCode: 1,
      lines: [
        `Audit log TAMPERED: ${problems.length} problems in ${chains.events} events and ${anchors.checkpoints} checkpoints.`,
        `  first broken link: ${problems[0]}`,
        ...problems.slice(1).map((problem) => `  - ${problem}`),
      ],
    };
  }
  const heads = chains.heads.map((head) => `  chain ${String(head.shard).padStart(2)}: ${head.seq} events, head ${head.hash}`);
  if (anchors.checkpoints === 0 && chains.events > 0 && !options.allowUnanchored) {
    return {
      exitCode: 1,
      lines: [
        `Audit log NOT ANCHORED: ${chains.events} events in consistent chains, but no signed checkpoint of this database in ${options.checkpointDir}.`,
        '  The checkpoints were removed, or AUDIT_CHECKPOINT_DIR points elsewhere; a rewrite of the whole log would not be detected.',
        '  Run with --allow-unanchored to accept the chains without their anchor.',
      ],
    };
  }
  return {
    exitCode: 0,
    lines: [
      `Audit log intact: ${chains.events} events in ${chains.heads.length} chains, ${anchors.checkpoints} signed checkpoints hold.`,
      ...(anchors.checkpoints === 0 ? ['  warning: accepted without a signed checkpoint (--allow-unanchored, or an empty log).'] : []),
      ...heads,
    ],
  };
}
