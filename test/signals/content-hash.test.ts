import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/canonical.js';
import { Severity, SignalCategory } from '../../src/signals/signal.enums.js';
import { contentHash } from '../../src/signals/signal-preparation.js';
import type { SignalDraft } from '../../src/signals/signal.validation.js';

/** The fingerprint as every stored signal got it: SHA-256 of canonicalJson over the content. */
function storedFingerprint(draft: SignalDraft, providerIds: string[], pseudonym: Buffer | null): Buffer {
  const content = {
    externalId: draft.externalId,
    category: draft.category,
    severity: draft.severity,
    possibleCriminalOffence: draft.possibleCriminalOffence,
    providers: providerIds,
    occurredAt: draft.occurredAt.toISOString(),
    summary: draft.summary,
    subject: pseudonym?.toString('hex') ?? null,
  };
  return createHash('sha256').update(canonicalJson(content)).digest();
}

describe('the content hash of a signal', () => {
  it('is the SHA-256 of the canonical JSON of its content, for any content', () => {
    const draft = fc.record({
      externalId: fc.string({ unit: 'binary', maxLength: 40 }),
      category: fc.constantFrom(...Object.values(SignalCategory)),
      severity: fc.constantFrom(...Object.values(Severity)),
      possibleCriminalOffence: fc.boolean(),
      occurredAt: fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
      summary: fc.string({ unit: 'binary', maxLength: 80 }),
    });
    const pseudonym = fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes)));
    fc.assert(
      fc.property(draft, fc.array(fc.uuid()), pseudonym, (fields, providerIds, subject) => {
        const signal: SignalDraft = { ...fields, refs: [], subjectBsn: null };
        return contentHash(signal, providerIds, subject).equals(storedFingerprint(signal, providerIds, subject));
      }),
      { numRuns: 2000 },
    );
  });

  it('changes with every part of the content', () => {
    const base: SignalDraft = { externalId: 'a', category: SignalCategory.KLACHT, severity: Severity.MEDIUM, possibleCriminalOffence: false, refs: [], occurredAt: new Date('2026-10-01T08:00:00Z'), summary: 's', subjectBsn: null };
    const id = '00000000-0000-7000-8000-000000000001';
    const hashes = [
      contentHash(base, [id], null),
      contentHash({ ...base, summary: 't' }, [id], null),
      contentHash({ ...base, possibleCriminalOffence: true }, [id], null),
      contentHash(base, [], null),
      contentHash(base, [id], Buffer.alloc(32)),
    ].map((digest) => digest.toString('hex'));
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});
