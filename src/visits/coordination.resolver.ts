import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Requires } from '../access/operation-access.js';
import { Organisation, organisationLoader } from '../organisations/index.js';
import type { RequestContext } from '../request-context.js';
import { visitById } from './visit.loaders.js';
import type { VisitRow } from './visit.queries.js';
import { ListSize } from '../platform/graphql/cost-limit.js';
import { listProposals, MAX_PROPOSALS, type ProposalRow } from './coordination-proposals.js';
import { coordinateVisits, respondToCoordination } from './visit-coordination.service.js';
import {
  CoordinateVisitsPayload,
  CoordinationProposal,
  CoordinationProposalPayload,
  Visit,
} from './visit.types.js';
import { CoordinateVisitsInput, CoordinationProposalFilter, RespondToCoordinationInput } from './visit.inputs.js';

@Resolver(() => CoordinationProposal)
export class CoordinationResolver {
  @Query(() => [CoordinationProposal], {
    description: `Merge proposals your organisation sent (outgoing) or received (incoming), newest first; at most ${MAX_PROPOSALS}.`,
  })
  @ListSize({ max: MAX_PROPOSALS })
  @Requires('visit.read')
  coordinationProposals(
    @Ctx() context: RequestContext,
    @Arg('filter', () => CoordinationProposalFilter, { nullable: true }) filter?: CoordinationProposalFilter,
  ): Promise<ProposalRow[]> {
    return listProposals(context, filter);
  }

  @Mutation(() => CoordinateVisitsPayload, {
    description: "Merges visits into one joint visit: your organisation's at once, other organisations' as proposals.",
  })
  @Requires('visit.coordinate')
  async coordinateVisits(@Arg('input', () => CoordinateVisitsInput) input: CoordinateVisitsInput, @Ctx() context: RequestContext) {
    const result = await coordinateVisits(context, input);
    const loader = visitById(context);
    const merged = await Promise.all(result.mergedIds.map((id) => loader.load(id)));
    return { visit: (await loader.load(result.leadVisitId))!, proposals: result.proposals, merged: merged.filter(Boolean) };
  }

  @Mutation(() => CoordinationProposalPayload, { description: "Accepts or declines a proposal to merge your organisation's visit." })
  @Requires('visit.coordinate')
  async respondToCoordination(@Arg('input', () => RespondToCoordinationInput) input: RespondToCoordinationInput, @Ctx() context: RequestContext) {
    return { proposal: await respondToCoordination(context, input) };
  }

  @FieldResolver(() => Visit, { nullable: true })
  leadVisit(@Root() proposal: ProposalRow, @Ctx() context: RequestContext): Promise<VisitRow | null> {
    return loadAudited(context, proposal.leadVisitId);
  }

  @FieldResolver(() => Visit, { nullable: true })
  visit(@Root() proposal: ProposalRow, @Ctx() context: RequestContext): Promise<VisitRow | null> {
    return loadAudited(context, proposal.visitId);
  }

  @FieldResolver(() => Organisation)
  from(@Root() proposal: ProposalRow, @Ctx() context: RequestContext) {
    return organisationLoader(context).load(proposal.fromCode);
  }

  @FieldResolver(() => Organisation)
  to(@Root() proposal: ProposalRow, @Ctx() context: RequestContext) {
    return organisationLoader(context).load(proposal.toCode);
  }
}

async function loadAudited(context: RequestContext, id: string): Promise<VisitRow | null> {
  const visit = await visitById(context).load(id);
  if (visit) {
    context.audit.recordRead('proposal.visit', 'Visit', [{ id, owners: [visit.leadCode, ...visit.participantCodes] }]);
  }
  return visit ?? null;
}
