import { describe, expect, it } from 'vitest';
import { Severity, SignalCategory } from '../../src/signals/signal.enums.js';
import { DOCUMENT_ALLOWANCE_BYTES, largestSubmissionBytes } from '../../src/signals/request-size.js';
import { MAX_BULK, MAX_EXTERNAL_ID, MAX_PROVIDER_REFS, MAX_SUMMARY } from '../../src/signals/signal.validation.js';

describe('the largest legitimate submission', () => {
  it('is counted from one signal to exactly the bytes of the whole bulk submission written out', () => {
    const longest = (values: string[]) => values.reduce((a, b) => (b.length > a.length ? b : a));
    const signal = {
      externalId: '\u00e9'.repeat(MAX_EXTERNAL_ID),
      category: longest(Object.values(SignalCategory)),
      severity: longest(Object.values(Severity)),
      possibleCriminalOffence: false,
      providers: Array.from({ length: MAX_PROVIDER_REFS }, (_, n) => ({ id: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}` })),
      occurredAt: '2026-12-01T09:00:00.000+01:00',
      summary: '\u00e9'.repeat(MAX_SUMMARY),
      subjectBsn: '123456782',
    };
    const written = JSON.stringify(Array.from({ length: MAX_BULK }, () => signal)).replace(/\u00e9/g, '\\u00e9');
    const counted = largestSubmissionBytes();
    expect(counted.variables).toBe(Buffer.byteLength(written));
    expect(counted.graphql).toBe(counted.variables + DOCUMENT_ALLOWANCE_BYTES);
    expect(largestSubmissionBytes()).toBe(counted); // measured once per process
  });
});
