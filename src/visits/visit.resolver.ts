import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Requires } from '../access/operation-access.js';
import { Organisation, organisationLoader } from '../organisations/index.js';
import { pageSize, type Page } from '../platform/graphql/connection.js';
import { ListSize } from '../platform/graphql/cost-limit.js';
import { Location, Provider, type ProviderRow } from '../providers/index.js';
import type { RequestContext } from '../request-context.js';
import { WindowPrecision } from './visit.enums.js';
import { conflictsOfVisit, historyOfVisit, providersOfVisit, visitById, type ConflictView, type HistoryRow } from './visit.loaders.js';
import type { VisitRow } from './visit.queries.js';
import { MAX_CONFLICTS, MAX_HISTORY } from './visit.validation.js';
import { cancelVisit, completeVisit, planVisit, rescheduleVisit } from './visit-planning.service.js';
import { checkVisitConflicts, getVisit, listVisits, MAX_WHAT_IF, supervisoryLoad, type SupervisoryLoadResult } from './visit-read.service.js';
import { acknowledgeConflict } from './visit-coordination.service.js';
import {
  OrganisationLoad,
  PlanVisitPayload,
  SupervisoryLoad,
  TimeWindow,
  Visit,
  VisitConflict,
  VisitConnection,
  VisitHistoryEntry,
  VisitPayload,
} from './visit.types.js';
import { AcknowledgeConflictInput, CancelVisitInput, CompleteVisitInput, PlanVisitInput, RescheduleVisitInput, VisitConflictCheckInput, VisitFilter } from './visit.inputs.js';

const organisations = (context: RequestContext, codes: readonly string[]) =>
  organisationLoader(context)
    .loadMany(codes)
    .then((list) => list.filter((item): item is Organisation => Boolean(item) && !(item instanceof Error)));

async function planPayload(context: RequestContext, id: string) {
  const visit = (await visitById(context).load(id))!;
  const conflicts = (await conflictsOfVisit(context).load({ id, limit: MAX_CONFLICTS })).filter((conflict) => conflict.resolution === null);
  return { visit, conflicts };
}

@Resolver(() => Visit)
export class VisitResolver {
  @Query(() => Visit, { nullable: true, description: 'A visit you can see (planning or detail view); NOT_FOUND otherwise.' })
  @Requires('visit.read')
  visit(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<VisitRow> {
    return getVisit(context, id);
  }

  @Query(() => VisitConnection, { description: 'The shared planning you can see, by window.' })
  @Requires('visit.read')
  visits(
    @Ctx() context: RequestContext,
    @Arg('filter', () => VisitFilter, { nullable: true }) filter?: VisitFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Page<VisitRow>> {
    return listVisits(context, filter, first, after);
  }

  @Query(() => [VisitConflict], {
    description: `What-if: the visits a planned window would conflict with (at most ${MAX_WHAT_IF}, earliest first). Writes nothing.`,
  })
  @ListSize({ max: MAX_WHAT_IF })
  @Requires('visit.plan')
  visitConflicts(@Arg('input', () => VisitConflictCheckInput) input: VisitConflictCheckInput, @Ctx() context: RequestContext): Promise<ConflictView[]> {
    return checkVisitConflicts(context, input);
  }

  @Query(() => SupervisoryLoad, { description: 'Toezichtlast of a provider: visits from `days` ago to `days` ahead (default 90).' })
  @Requires('visit.read')
  supervisoryLoad(
    @Arg('providerId', () => ID) providerId: string,
    @Ctx() context: RequestContext,
    @Arg('days', () => Int, { nullable: true }) days?: number,
  ): Promise<SupervisoryLoadResult> {
    return supervisoryLoad(context, providerId, days);
  }

  @Mutation(() => PlanVisitPayload, { description: 'Plans a visit; its conflicts come back and are recorded, planning is never blocked.' })
  @Requires('visit.plan')
  async planVisit(@Arg('input', () => PlanVisitInput) input: PlanVisitInput, @Ctx() context: RequestContext) {
    return planPayload(context, await planVisit(context, input));
  }

  @Mutation(() => PlanVisitPayload, { description: 'Moves a visit of your organisation.' })
  @Requires('visit.plan')
  async rescheduleVisit(@Arg('input', () => RescheduleVisitInput) input: RescheduleVisitInput, @Ctx() context: RequestContext) {
    return planPayload(context, await rescheduleVisit(context, input));
  }

  @Mutation(() => VisitPayload, { description: 'Cancels a visit of your organisation (reason required).' })
  @Requires('visit.plan')
  async cancelVisit(@Arg('input', () => CancelVisitInput) input: CancelVisitInput, @Ctx() context: RequestContext) {
    return { visit: (await visitById(context).load(await cancelVisit(context, input)))! };
  }

  @Mutation(() => VisitPayload, { description: 'Marks a visit of your organisation completed.' })
  @Requires('visit.complete')
  async completeVisit(@Arg('input', () => CompleteVisitInput) input: CompleteVisitInput, @Ctx() context: RequestContext) {
    return { visit: (await visitById(context).load(await completeVisit(context, input)))! };
  }

  @Mutation(() => VisitPayload, { description: 'Keeps both visits of an open conflict, with a justification.' })
  @Requires('visit.plan')
  async acknowledgeConflict(@Arg('input', () => AcknowledgeConflictInput) input: AcknowledgeConflictInput, @Ctx() context: RequestContext) {
    return { visit: (await visitById(context).load(await acknowledgeConflict(context, input)))! };
  }

  @FieldResolver(() => Organisation)
  async organisation(@Root() visit: VisitRow, @Ctx() context: RequestContext) {
    return organisationLoader(context).load(visit.leadCode);
  }

  @FieldResolver(() => [Organisation])
  participants(@Root() visit: VisitRow, @Ctx() context: RequestContext) {
    return organisations(context, visit.participantCodes);
  }

  @FieldResolver(() => [Organisation])
  sharedWith(@Root() visit: VisitRow, @Ctx() context: RequestContext) {
    return organisations(context, visit.sharedWithCodes);
  }

  @FieldResolver(() => [Provider])
  providers(@Root() visit: VisitRow, @Ctx() context: RequestContext): Promise<ProviderRow[]> {
    return providersOfVisit(context).load(visit.id);
  }

  @FieldResolver(() => Location, { nullable: true })
  location(@Root() visit: VisitRow): Location | null {
    return visit.location;
  }

  @FieldResolver(() => TimeWindow)
  window(@Root() visit: VisitRow): TimeWindow {
    return { start: visit.windowStart, end: visit.windowEnd, precision: visit.precision };
  }

  @FieldResolver(() => [VisitConflict])
  conflicts(
    @Root() visit: VisitRow,
    @Ctx() context: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20, description: `Open ones first, then by detection; at most ${MAX_CONFLICTS}.` }) first: number,
  ): Promise<ConflictView[]> {
    return conflictsOfVisit(context).load({ id: visit.id, limit: pageSize(first, MAX_CONFLICTS) });
  }

  @FieldResolver(() => Visit, { nullable: true })
  async mergedInto(@Root() visit: VisitRow, @Ctx() context: RequestContext): Promise<VisitRow | null> {
    if (!visit.mergedIntoId) return null;
    const merged = await visitById(context).load(visit.mergedIntoId);
    if (merged) context.audit.recordRead('visit.mergedInto', 'Visit', [{ id: merged.id, owners: [merged.leadCode, ...merged.participantCodes] }]);
    return merged ?? null;
  }

  @FieldResolver(() => [VisitHistoryEntry])
  async history(@Root() visit: VisitRow, @Ctx() context: RequestContext): Promise<HistoryRow[]> {
    return visit.detail ? historyOfVisit(context).load({ id: visit.id, limit: MAX_HISTORY }) : [];
  }
}

@Resolver(() => VisitConflict)
export class VisitConflictResolver {
  @FieldResolver(() => Organisation, { nullable: true })
  resolvedBy(@Root() conflict: ConflictView, @Ctx() context: RequestContext) {
    return conflict.resolvedByCode ? organisationLoader(context).load(conflict.resolvedByCode) : null;
  }
}

@Resolver(() => VisitHistoryEntry)
export class VisitHistoryResolver {
  @FieldResolver(() => Organisation)
  organisation(@Root() entry: HistoryRow, @Ctx() context: RequestContext) {
    return organisationLoader(context).load(entry.actorOrganisation);
  }

  @FieldResolver(() => TimeWindow, { nullable: true })
  previousWindow(@Root() entry: HistoryRow): TimeWindow | null {
    return entry.previousStart && entry.previousEnd
      ? { start: entry.previousStart, end: entry.previousEnd, precision: WindowPrecision.EXACT }
      : null;
  }
}

@Resolver(() => OrganisationLoad)
export class OrganisationLoadResolver {
  @FieldResolver(() => Organisation)
  organisation(@Root() load: { code: string }, @Ctx() context: RequestContext) {
    return organisationLoader(context).load(load.code);
  }
}

export type { SupervisoryLoadResult };
