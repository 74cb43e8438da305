import { Kind, type GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Requires, RequiresAuthentication } from '../access/operation-access.js';
import { MAX_ORGANISATIONS } from '../access/organisations.js';
import { Organisation, organisationLoader } from '../organisations/index.js';
import { BadUserInputError } from '../platform/errors.js';
import { pageSize, type Page } from '../platform/graphql/connection.js';
import { Provider, type ProviderRow } from '../providers/index.js';
import type { RequestContext } from '../request-context.js';
import { describeCondition } from './routing-doc.js';
import { CURRENT_RULE_SET, ruleSet } from './routing-rules.js';
import { decideRouting } from './routing-decision.service.js';
import { SubmitOutcome } from './signal.enums.js';
import { providersOfSignal, relatedSignals, routingsOfSignal, signalById } from './signal.loaders.js';
import type { RoutingRow, SignalRow } from './signal.queries.js';
import { getSignal, listSignals, signalOwners } from './signal-read.service.js';
import { submitSignal, submitSignals } from './signal-submission.service.js';
import { MAX_BULK } from './signal.validation.js';
import { RoutingRuleSetType } from './routing-rule.types.js';
import { MAX_ITEM_PROBLEMS, SubmitSignalInput, SubmitSignalPayload, SubmitSignalResult, SubmitSignalsPayload } from './signal-submission.types.js';
import { DecideRoutingInput, RoutingDecision, Signal, SignalConnection, SignalFilter, SignalRouting, SignalRoutingPayload } from './signal.types.js';

/** How many other signals about the same person one signal lists at most. */
const MAX_RELATED = 50;

@Resolver(() => Signal)
export class SignalResolver {
  @Query(() => Signal, { nullable: true, description: 'A signal your organisation submitted or received; NOT_FOUND otherwise.' })
  @Requires('signal.read')
  signal(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<SignalRow> {
    return getSignal(context, id);
  }

  @Query(() => SignalConnection, { description: 'Signals your organisation submitted or received, newest first.' })
  @Requires('signal.read')
  signals(
    @Ctx() context: RequestContext,
    @Arg('filter', () => SignalFilter, { nullable: true }) filter?: SignalFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Page<SignalRow>> {
    return listSignals(context, filter, first, after);
  }

  @Query(() => RoutingRuleSetType, { description: 'The routing rules of the cooperation protocol (default: the current version).' })
  @RequiresAuthentication()
  routingRules(@Arg('version', () => String, { nullable: true }) version?: string): RoutingRuleSetType {
    const set = version ? ruleSet(version) : CURRENT_RULE_SET;
    if (!set) throw new BadUserInputError('version', `There is no rule set ${String(version).slice(0, 32)}.`);
    return {
      version: set.version,
      validFrom: set.validFrom,
      rules: set.rules.map((rule) => ({
        ...rule,
        sources: [...(rule.sources ?? [])],
        recipients: [...rule.recipients],
        condition: describeCondition(rule.when),
      })),
    };
  }

  @Mutation(() => SubmitSignalPayload, { description: 'Submits one signal; idempotent on (your organisation, externalId).' })
  @Requires('signal.submit')
  async submitSignal(@Arg('input', () => SubmitSignalInput) input: SubmitSignalInput, @Ctx() context: RequestContext) {
    const { signalId, duplicate } = await submitSignal(context, input);
    const signal = (await signalById(context).load(signalId))!;
    return { signal, routings: await routingsOfSignal(context).load({ id: signalId }), duplicate };
  }

  @Mutation(() => SubmitSignalsPayload, { description: 'Submits up to 1,000 signals; one result per item, valid items are kept.' })
  @Requires('signal.submit')
  async submitSignals(
    @Arg('input', () => [SubmitSignalInput], { description: `1 to ${MAX_BULK} signals.` }) input: SubmitSignalInput[],
    @Ctx() context: RequestContext,
  ) {
    const results = await submitSignals(context, input);
    return {
      results: results.map((result) => ({
        index: result.index,
        externalId: result.externalId,
        outcome: result.outcome,
        signalId: result.signalId,
        error: result.error && { ...result.error, problems: (result.error.problems ?? []).slice(0, MAX_ITEM_PROBLEMS) },
      })),
      created: results.filter((result) => result.outcome === SubmitOutcome.CREATED).length,
      duplicates: results.filter((result) => result.outcome === SubmitOutcome.DUPLICATE).length,
      errors: results.filter((result) => result.outcome === SubmitOutcome.ERROR).length,
    };
  }

  @Mutation(() => SignalRoutingPayload, { description: 'The recipient decides on a routing: once, never changed.' })
  @Requires('signal.decide')
  async decideRouting(@Arg('input', () => DecideRoutingInput) input: DecideRoutingInput, @Ctx() context: RequestContext) {
    const { routingId, signalId } = await decideRouting(context, input);
    const routing = (await routingsOfSignal(context).load({ id: signalId })).find((row) => row.id === routingId)!;
    return { routing };
  }

  @FieldResolver(() => Organisation)
  source(@Root() signal: SignalRow, @Ctx() context: RequestContext) {
    return organisationLoader(context).load(signal.sourceCode);
  }

  @FieldResolver(() => [Provider])
  providers(@Root() signal: SignalRow, @Ctx() context: RequestContext): Promise<ProviderRow[]> {
    return providersOfSignal(context).load(signal.id);
  }

  @FieldResolver(() => [SignalRouting])
  routings(
    @Root() signal: SignalRow,
    @Ctx() context: RequestContext,
    @Arg('first', () => Int, { defaultValue: 50, description: `By recipient; at most ${MAX_ORGANISATIONS} (one per recipient organisation).` })
    first: number,
  ): Promise<RoutingRow[]> {
    return routingsOfSignal(context).load({ id: signal.id, limit: pageSize(first, MAX_ORGANISATIONS) });
  }

  @FieldResolver(() => [Signal])
  relatedSignals(
    @Root() signal: SignalRow,
    @Ctx() context: RequestContext,
    @Arg('first', () => Int, { defaultValue: 10, description: `The newest this many, at most ${MAX_RELATED}.` }) first: number,
  ): Promise<SignalRow[]> {
    const limit = pageSize(first, MAX_RELATED);
    return signal.hasSubject ? relatedSignals(context).load({ id: signal.id, limit }) : Promise.resolve([]);
  }
}

@Resolver(() => SubmitSignalResult)
export class SubmitSignalResultResolver {
  /** Bulk answers usually ask only for the id: the signal is loaded only when more is asked. */
  @FieldResolver(() => Signal, { nullable: true })
  async signal(@Root() result: { signalId: string | null }, @Ctx() context: RequestContext, @Info() info: GraphQLResolveInfo) {
    if (!result.signalId) return null;
    const selections = info.fieldNodes.flatMap((node) => node.selectionSet?.selections ?? []);
    const onlyId = selections.every((selection) => selection.kind === Kind.FIELD && ['id', '__typename'].includes(selection.name.value));
    if (onlyId) return { id: result.signalId };
    return auditedSignal(context, 'submitSignals.signal', result.signalId);
  }
}

@Resolver(() => SignalRouting)
export class SignalRoutingResolver {
  @FieldResolver(() => Organisation)
  recipient(@Root() routing: RoutingRow, @Ctx() context: RequestContext) {
    return organisationLoader(context).load(routing.recipientCode);
  }

  @FieldResolver(() => Signal, { nullable: true })
  signal(@Root() routing: RoutingRow, @Ctx() context: RequestContext): Promise<SignalRow | null> {
    return auditedSignal(context, 'routing.signal', routing.signalId);
  }
}

/** A signal read through a nested field: loaded in a batch, and its read audited like any other. */
async function auditedSignal(context: RequestContext, operation: string, id: string): Promise<SignalRow | null> {
  const signal = await signalById(context).load(id);
  if (!signal) return null;
  context.audit.recordRead(operation, 'Signal', [{ id: signal.id, owners: await signalOwners(context, signal) }]);
  return signal;
}

@Resolver(() => RoutingDecision)
export class RoutingDecisionResolver {
  @FieldResolver(() => Organisation)
  decidedBy(@Root() decision: NonNullable<RoutingRow['decision']>, @Ctx() context: RequestContext) {
    return organisationLoader(context).load(decision.decidedByCode);
  }
}
