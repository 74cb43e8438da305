import DataLoader from 'dataloader';
import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { enforcementVisibleSql } from '../access/enforcement-scope.js';
import { can } from '../access/policy.js';
import { run, sqlf } from '../platform/database/sql.js';
import { calendarDay } from '../platform/time.js';
import { asOrganisation, requireViewer, type RequestContext } from '../request-context.js';
import { OrganisationLoad, SupervisoryLoad, type SupervisoryLoadResult } from '../visits/index.js';
import { EnforcementStatus } from './enforcement.enums.js';
import { enforcementStatusSql } from './enforcement.queries.js';

/**
 * The enforcement picture beside the visits in `supervisoryLoad`: per organisation, the measures it imposed in the
 * period or that are still in force, as far as the viewer may see them — so a planner sees at a glance who is
 * already acting on a provider. Lives here, not in visits: enforcement knows what "in force" means.
 */
@Resolver(() => SupervisoryLoad)
export class SupervisoryLoadEnforcementResolver {
  @FieldResolver(() => Int)
  async enforcementCount(@Root() load: SupervisoryLoadResult, @Ctx() context: RequestContext): Promise<number> {
    const counts = await measureCounts(context).load(key(load));
    return [...counts.values()].reduce((sum, count) => sum + count, 0);
  }

  @FieldResolver(() => [OrganisationLoad])
  async byOrganisation(@Root() load: SupervisoryLoadResult, @Ctx() context: RequestContext) {
    const counts = await measureCounts(context).load(key(load));
    const visits = new Map(load.byOrganisation.map((entry) => [entry.code, entry.visitCount]));
    return [...new Set([...visits.keys(), ...counts.keys()])]
      .map((code) => ({ code, visitCount: visits.get(code) ?? 0, enforcementCount: counts.get(code) ?? 0 }))
      .sort((a, b) => b.visitCount - a.visitCount || b.enforcementCount - a.enforcementCount || a.code.localeCompare(b.code));
  }
}

const key = (load: SupervisoryLoadResult) => `${load.provider.id}|${calendarDay(new Date(load.from))}`;

function measureCounts(context: RequestContext): DataLoader<string, Map<string, number>> {
  return context.loader(createMeasureCounts);
}

function createMeasureCounts(context: RequestContext): DataLoader<string, Map<string, number>> {
  return new DataLoader(async (keys) =>
    Promise.all(
      keys.map(async (entry) => {
        const viewer = requireViewer(context);
        if (!can(viewer, 'enforcement.read')) return new Map<string, number>();
        const [providerId, from] = entry.split('|') as [string, string];
        const today = calendarDay(context.now());
        const rows = await asOrganisation(context, (em) =>
          run<{ code: string; count: number }>(
            em,
            sqlf`select e.organisation as code, count(*)::int as count from enforcement_action e
              where e.provider_id = ${providerId}::uuid and e.imposed_on <= ${today}::date
                and (e.imposed_on >= ${from}::date or ${enforcementStatusSql('e', context.now())} = ${EnforcementStatus.ACTIVE})
                and ${enforcementVisibleSql(viewer, 'e')}
              group by e.organisation`,
          ),
        );
        return new Map(rows.map((row) => [row.code, row.count]));
      }),
    ),
  );
}
