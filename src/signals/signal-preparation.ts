import { hash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { providerVisibleSql } from '../access/scope.js';
import type { Viewer } from '../access/viewer.js';
import { getOrMake } from '../platform/collections.js';
import { run, sqlf } from '../platform/database/sql.js';
import type { FieldProblem } from '../platform/errors.js';
import { uuidv7 } from '../platform/ids.js';
import { calendarDay } from '../platform/time.js';
import type { Sector } from '../providers/index.js';
import type { RequestContext } from '../request-context.js';
import { pseudonymOf } from './pseudonym.js';
import { routeSignal, type PlannedRouting } from './routing.js';
import { ruleSetValidOn } from './routing-rules.js';
import type { RefKind, SignalDraft } from './signal.validation.js';

interface ResolvedProvider {
  id: string;
  kvkNumber: string | null;
  kboNumber: string | null;
  agbCode: string | null;
  sectors: Sector[];
  locations: Array<{ country: string; municipalityCode: string | null; region: string | null; registeredBy: string }>;
}

/** A valid signal of a submission, its providers found and its routings planned: ready to be stored. */
export interface Prepared {
  index: number;
  id: string;
  draft: SignalDraft;
  providerIds: string[];
  pseudonym: Buffer | null;
  contentHash: Buffer;
  /** Shared by the signals of a batch that route alike: read, never changed. */
  routings: readonly PlannedRouting[];
}

/** A draft at its place in the submission, and the path its fields' problems are reported under. */
export interface NumberedDraft {
  index: number;
  prefix: string;
  draft: SignalDraft;
}

/**
 * Finds the providers each draft names (all drafts in one query, within the submitter's reach), takes the subject's
 * pseudonym and the content's fingerprint, and plans the routings by the rules valid today. A draft naming a
 * provider that is not found, or an AGB code more than one provider has, is reported through `fail` and left out.
 */
export async function prepareSignals(
  context: RequestContext,
  viewer: Viewer,
  drafts: readonly NumberedDraft[],
  now: Date,
  fail: (index: number, problem: FieldProblem) => void,
): Promise<Prepared[]> {
  const providers = await resolveProviders(context.em, viewer, drafts.map((item) => item.draft));
  const rules = ruleSetValidOn(calendarDay(now));
  // Routing looks only at these facts (the submitter and the rules are the batch's): signals that share them share
  // their routings, which are worked out once.
  const routingsByFacts = new Map<string, readonly PlannedRouting[]>();
  const prepared: Prepared[] = [];
  for (const { index, prefix, draft } of drafts) {
    const resolved = draft.refs.map((ref) => providers.lookup(ref.kind, ref.value));
    const problem = resolved.findIndex((match) => match.length !== 1);
    if (problem >= 0) {
      const ref = draft.refs[problem]!;
      const message =
        resolved[problem]!.length === 0
          ? `No provider with ${describe(ref.kind)} ${ref.value} was found.`
          : `More than one provider has AGB code ${ref.value}; name it by kvkNumber or kboNumber.`;
      fail(index, { field: `${prefix}.providers[${problem}].${ref.kind}`, message });
      continue;
    }
    const named = [...new Map(resolved.map((match) => [match[0]!.id, match[0]!])).values()];
    const pseudonym = draft.subjectBsn ? pseudonymOf(context.settings.pseudonymKey, draft.subjectBsn) : null;
    const providerIds = named.map((provider) => provider.id).sort();
    prepared.push({
      index,
      id: uuidv7(now.getTime()),
      draft,
      providerIds,
      pseudonym,
      contentHash: contentHash(draft, providerIds, pseudonym),
      routings: getOrMake(routingsByFacts, `${draft.category} ${draft.severity} ${draft.possibleCriminalOffence} ${providerIds.join(' ')}`, () =>
        routeSignal({
          category: draft.category,
          severity: draft.severity,
          possibleCriminalOffence: draft.possibleCriminalOffence,
          submitter: viewer.organisation,
          submitterKind: viewer.kind,
          providers: named,
        }, rules),
      ),
    });
  }
  return prepared;
}

function describe(kind: RefKind): string {
  return { id: 'id', kvkNumber: 'KvK number', kboNumber: 'KBO number', agbCode: 'AGB code' }[kind];
}

/**
 * The fingerprint of what was submitted, to tell an identical resubmission from a conflicting one: the SHA-256 of
 * the content as canonical JSON. The content is flat (text, a flag, a list of ids), so JSON.stringify of an object
 * whose keys are written in sorted order is that text already; test/signals/content-hash.test.ts holds it to
 * canonicalJson's, so stored fingerprints keep matching.
 */
export function contentHash(draft: SignalContent, providerIds: readonly string[], pseudonym: Buffer | null): Buffer {
  const content = {
    category: draft.category,
    externalId: draft.externalId,
    occurredAt: draft.occurredAt.toISOString(),
    possibleCriminalOffence: draft.possibleCriminalOffence,
    providers: providerIds,
    severity: draft.severity,
    subject: pseudonym?.toString('hex') ?? null,
    summary: draft.summary,
  };
  return hash('sha256', JSON.stringify(content), 'buffer');
}

/** What the content hash covers, besides the providers and the subject. */
export type SignalContent = Pick<SignalDraft, 'externalId' | 'category' | 'severity' | 'possibleCriminalOffence' | 'occurredAt' | 'summary'>;

/** All providers the drafts name, within the submitter's reach, in one query. */
async function resolveProviders(em: EntityManager, viewer: Viewer, drafts: readonly SignalDraft[]) {
  const values = (kind: RefKind) => [...new Set(drafts.flatMap((draft) => draft.refs.filter((ref) => ref.kind === kind).map((ref) => ref.value)))];
  const rows =
    drafts.length === 0
      ? []
      : await run<ResolvedProvider>(
          em,
          sqlf`select p.id, p.kvk_number as "kvkNumber", p.kbo_number as "kboNumber", p.agb_code as "agbCode", p.sectors,
              coalesce((select json_agg(json_build_object('country', l.country, 'municipalityCode', l.municipality_code,
                          'region', l.region, 'registeredBy', l.registered_by))
                        from location l where l.provider_id = p.id), '[]') as locations
            from provider p
            where (p.id = any(${values('id')}::uuid[]) or p.kvk_number = any(${values('kvkNumber')}::text[])
                   or p.kbo_number = any(${values('kboNumber')}::text[]) or p.agb_code = any(${values('agbCode')}::text[]))
              and ${providerVisibleSql(viewer, 'p.id')}`,
        );
  const key: Record<RefKind, (provider: ResolvedProvider) => string | null> = {
    id: (provider) => provider.id,
    kvkNumber: (provider) => provider.kvkNumber,
    kboNumber: (provider) => provider.kboNumber,
    agbCode: (provider) => provider.agbCode,
  };
  // Indexed once: a batch names each of its providers many times.
  const index = new Map<string, ResolvedProvider[]>();
  for (const provider of rows) {
    for (const kind of Object.keys(key) as RefKind[]) {
      const value = key[kind](provider);
      if (value !== null) getOrMake(index, `${kind}:${value}`, () => []).push(provider);
    }
  }
  return {
    lookup: (kind: RefKind, value: string): readonly ResolvedProvider[] => index.get(`${kind}:${value}`) ?? [],
  };
}
