import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Public, Requires } from '../access/operation-access.js';
import { can } from '../access/policy.js';
import { Organisation, organisationLoader } from '../organisations/index.js';
import { pageSize, type Page } from '../platform/graphql/connection.js';
import { Provider, providerById, type ProviderRow } from '../providers/index.js';
import type { RequestContext } from '../request-context.js';
import { Signal, signalById, signalOwners, type SignalRow } from '../signals/index.js';
import { Visit, visitById, type VisitRow } from '../visits/index.js';
import { publishEnforcementAction, updateEnforcementActionStatus } from './enforcement-changes.service.js';
import { getEnforcementAction, listEnforcementActions, listPublicEnforcementActions, requireVisibleAction } from './enforcement-read.service.js';
import { recordEnforcementAction } from './enforcement-recording.service.js';
import { actionsOfProvider, historyOfAction, relatedIdsOf, type StatusChangeRow } from './enforcement.loaders.js';
import type { EnforcementRow } from './enforcement.queries.js';
import {
  EnforcementAction,
  EnforcementActionConnection,
  EnforcementActionFilter,
  EnforcementActionPayload,
  EnforcementActionStatusChange,
  PublishEnforcementActionInput,
  RecordEnforcementActionInput,
  UpdateEnforcementActionStatusInput,
} from './enforcement.types.js';
import { MAX_RELATED } from './enforcement.validation.js';

/** How many measures a provider lists at most, newest first. */
const MAX_PROVIDER_ACTIONS = 100;
const MAX_HISTORY = 50;

@Resolver(() => EnforcementAction)
export class EnforcementResolver {
  @Query(() => EnforcementAction, { nullable: true, description: 'A measure you may see; NOT_FOUND otherwise.' })
  @Requires('enforcement.read')
  enforcementAction(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<EnforcementRow> {
    return getEnforcementAction(context, id);
  }

  @Query(() => EnforcementActionConnection, { description: 'Measures you may see, newest imposition first.' })
  @Requires('enforcement.read')
  enforcementActions(
    @Ctx() context: RequestContext,
    @Arg('filter', () => EnforcementActionFilter, { nullable: true }) filter?: EnforcementActionFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Page<EnforcementRow>> {
    return listEnforcementActions(context, filter, first, after);
  }

  @Query(() => EnforcementActionConnection, {
    description: 'Published measures (openbaarmaking), for anyone, without a token: no notes, no related records, no personal data.',
  })
  @Public('published enforcement measures are public by law; the public view carries no notes, related records or personal data')
  publicEnforcementActions(
    @Ctx() context: RequestContext,
    @Arg('filter', () => EnforcementActionFilter, { nullable: true }) filter?: EnforcementActionFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Page<EnforcementRow>> {
    return listPublicEnforcementActions(context, filter, first, after);
  }

  @Mutation(() => EnforcementActionPayload, {
    description: 'Records a measure. A BEVEL, AANWIJZING or VERSCHERPT_TOEZICHT is published at once; an AANGIFTE routes its facts to the OM.',
  })
  @Requires('enforcement.record')
  async recordEnforcementAction(@Arg('input', () => RecordEnforcementActionInput) input: RecordEnforcementActionInput, @Ctx() context: RequestContext) {
    return payload(context, await recordEnforcementAction(context, input));
  }

  @Mutation(() => EnforcementActionPayload, { description: "Publishes a measure of your organisation (once)." })
  @Requires('enforcement.record')
  async publishEnforcementAction(@Arg('input', () => PublishEnforcementActionInput) input: PublishEnforcementActionInput, @Ctx() context: RequestContext) {
    return payload(context, await publishEnforcementAction(context, input));
  }

  @Mutation(() => EnforcementActionPayload, {
    description: 'Marks a measure of your organisation COMPLIED or WITHDRAWN: appended to its history, never rewriting what was recorded.',
  })
  @Requires('enforcement.record')
  async updateEnforcementActionStatus(
    @Arg('input', () => UpdateEnforcementActionStatusInput) input: UpdateEnforcementActionStatusInput,
    @Ctx() context: RequestContext,
  ) {
    return payload(context, await updateEnforcementActionStatus(context, input));
  }

  @FieldResolver(() => Organisation)
  organisation(@Root() action: EnforcementRow, @Ctx() context: RequestContext) {
    return organisationLoader(context).load(action.organisationCode);
  }

  @FieldResolver(() => Boolean)
  published(@Root() action: EnforcementRow): boolean {
    return action.publishedAt !== null;
  }

  /** The provider as the viewer may see it; otherwise (the public view, or the OM outside its reach) its public facts. */
  @FieldResolver(() => Provider)
  async provider(@Root() action: EnforcementRow, @Ctx() context: RequestContext): Promise<ProviderRow> {
    if (action.view !== 'PUBLIC' && context.viewer) {
      const visible = await providerById(context).load(action.provider.id);
      if (visible) return visible;
    }
    // The public record names the provider by name and register number; its AGB code (for a practitioner a
    // personal code), sectors and locations are not part of it.
    return { ...action.provider, agbCode: null, sectors: [], publicOnly: true };
  }

  @FieldResolver(() => [Signal])
  async relatedSignals(
    @Root() action: EnforcementRow,
    @Ctx() context: RequestContext,
    @Arg('first', () => Int, { defaultValue: MAX_RELATED, description: `At most ${MAX_RELATED}.` }) first: number,
  ): Promise<SignalRow[]> {
    if (action.view === 'PUBLIC') return [];
    const { signalIds } = await relatedIdsOf(context).load(action.id);
    const signals = (await Promise.all(signalIds.slice(0, pageSize(first, MAX_RELATED)).map((id) => signalById(context).load(id)))).filter(
      (signal): signal is SignalRow => signal !== undefined,
    );
    const owners = await Promise.all(signals.map((signal) => signalOwners(context, signal)));
    context.audit.recordRead('enforcementAction.relatedSignals', 'Signal', signals.map((signal, index) => ({ id: signal.id, owners: owners[index]! })));
    return signals;
  }

  @FieldResolver(() => [Visit])
  async relatedVisits(
    @Root() action: EnforcementRow,
    @Ctx() context: RequestContext,
    @Arg('first', () => Int, { defaultValue: MAX_RELATED, description: `At most ${MAX_RELATED}.` }) first: number,
  ): Promise<VisitRow[]> {
    if (action.view === 'PUBLIC') return [];
    const { visitIds } = await relatedIdsOf(context).load(action.id);
    const visits = (await Promise.all(visitIds.slice(0, pageSize(first, MAX_RELATED)).map((id) => visitById(context).load(id)))).filter(
      (visit): visit is VisitRow => visit !== undefined,
    );
    context.audit.recordRead('enforcementAction.relatedVisits', 'Visit', visits.map((visit) => ({ id: visit.id, owners: [visit.leadCode, ...visit.participantCodes] })));
    return visits;
  }

  @FieldResolver(() => [EnforcementActionStatusChange])
  history(
    @Root() action: EnforcementRow,
    @Ctx() context: RequestContext,
    @Arg('first', () => Int, { defaultValue: MAX_HISTORY, description: `The oldest this many, at most ${MAX_HISTORY}.` }) first: number,
  ): Promise<StatusChangeRow[]> {
    if (action.view === 'PUBLIC') return Promise.resolve([]);
    return historyOfAction(context).load({ id: action.id, limit: pageSize(first, MAX_HISTORY) });
  }
}

@Resolver(() => EnforcementActionStatusChange)
export class EnforcementStatusChangeResolver {
  @FieldResolver(() => Organisation)
  changedBy(@Root() change: StatusChangeRow, @Ctx() context: RequestContext) {
    return organisationLoader(context).load(change.organisationCode);
  }
}

/** The enforcement picture of a provider: the measures the viewer may see, newest first. */
@Resolver(() => Provider)
export class ProviderEnforcementResolver {
  @FieldResolver(() => [EnforcementAction], {
    description: `Measures you may see, newest imposition first; at most ${MAX_PROVIDER_ACTIONS}. Empty where the provider is shown through a published measure only.`,
  })
  async enforcementActions(
    @Root() provider: ProviderRow,
    @Ctx() context: RequestContext,
    @Arg('first', () => Int, { defaultValue: 20, description: `At most ${MAX_PROVIDER_ACTIONS}.` }) first: number,
  ): Promise<EnforcementRow[]> {
    if (provider.publicOnly || !context.viewer || !can(context.viewer, 'enforcement.read')) return [];
    const actions = await actionsOfProvider(context).load({ id: provider.id, limit: pageSize(first, MAX_PROVIDER_ACTIONS) });
    context.audit.recordRead('provider.enforcementActions', 'EnforcementAction', actions.map((action) => ({ id: action.id, owners: [action.organisationCode] })));
    return actions;
  }
}

async function payload(context: RequestContext, id: string) {
  return { enforcementAction: await requireVisibleAction(context, id, 'enforcementAction') };
}
