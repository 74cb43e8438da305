import { requireAction } from '../access/policy.js';
import { fragment, isoTimestamp, run, runOne, sqlf } from '../platform/database/sql.js';
import { NotFoundError } from '../platform/errors.js';
import { parseUuid } from '../platform/ids.js';
import { requireViewer, type RequestContext } from '../request-context.js';
import { ProposalDirection, type ProposalStatus } from './visit.enums.js';

/** A proposal to merge another organisation's visit into a joint visit, as its two organisations see it. */
export interface ProposalRow {
  id: string;
  leadVisitId: string;
  visitId: string;
  fromCode: string;
  toCode: string;
  status: ProposalStatus;
  note: string | null;
  responseNote: string | null;
  createdAt: string;
  respondedAt: string | null;
}

export const PROPOSAL_COLUMNS = fragment(`p.id, p.lead_visit_id as "leadVisitId", p.visit_id as "visitId", p.from_organisation as "fromCode",
  p.to_organisation as "toCode", p.status, p.note, p.response_note as "responseNote",
  ${isoTimestamp('p.created_at')} as "createdAt", ${isoTimestamp('p.responded_at')} as "respondedAt"`);

/** A proposal the viewer's organisation sent or received; any other answers NOT_FOUND. */
export async function findProposal(context: RequestContext, id: string): Promise<ProposalRow> {
  const viewer = requireViewer(context);
  const proposalId = parseUuid(id);
  const row = proposalId
    ? await runOne<ProposalRow>(
        context.em,
        sqlf`select ${PROPOSAL_COLUMNS} from coordination_proposal p where p.id = ${proposalId} and ${viewer.organisation} in (p.from_organisation, p.to_organisation)`,
      )
    : undefined;
  if (!row) throw new NotFoundError('coordination proposal', id.slice(0, 64));
  return row;
}

/** Proposals the viewer's organisation sent (outgoing) or received (incoming), newest first. */
export async function listProposals(
  context: RequestContext,
  filter: { status?: ProposalStatus | null; direction?: ProposalDirection | null } | null | undefined,
): Promise<ProposalRow[]> {
  const viewer = requireViewer(context);
  requireAction(viewer, 'visit.read');
  const organisation = viewer.organisation;
  const direction =
    filter?.direction === ProposalDirection.INCOMING
      ? sqlf`p.to_organisation = ${organisation}`
      : filter?.direction === ProposalDirection.OUTGOING
        ? sqlf`p.from_organisation = ${organisation}`
        : sqlf`(p.to_organisation = ${organisation} or p.from_organisation = ${organisation})`;
  const status = filter?.status ? sqlf`p.status = ${filter.status}` : fragment('true');
  const rows = await run<ProposalRow>(
    context.em,
    sqlf`select ${PROPOSAL_COLUMNS} from coordination_proposal p where ${direction} and ${status} order by p.created_at desc, p.id limit ${MAX_PROPOSALS}`,
  );
  context.audit.record({
    operation: 'coordinationProposals',
    resourceType: 'CoordinationProposal',
    resources: rows.map((row) => ({ id: row.id, owners: [row.fromCode, row.toCode] })),
  });
  return rows;
}

/** The newest this many; documented on the query. */
export const MAX_PROPOSALS = 500;
