import { useEffect, useState } from 'preact/hooks';
import type { GraphQLClient } from '../api/client.js';
import { ApiError } from '../api/client.js';
import { PROPOSALS, RESPOND_TO_COORDINATION } from '../api/operations.js';
import type { Proposal, Viewer } from '../api/types.js';
import { Button, ErrorSummary } from './field.js';
import { formatWindow, KIND_LABELS, label, organisationName } from '../format.js';

const STATUS: Record<string, string> = { PROPOSED: 'Wacht op antwoord', ACCEPTED: 'Geaccepteerd', DECLINED: 'Afgewezen', WITHDRAWN: 'Ingetrokken' };

const describe = (visit: Proposal['visit']) =>
  visit ? `${visit.providers?.map((provider) => provider.name).join(', ')}: ${formatWindow(visit.window)}, ${label(KIND_LABELS, visit.kind)}` : 'een bezoek dat u niet kunt zien';

/** Incoming proposals to accept or decline (coordinators), and the state of the ones the organisation sent. */
export function Proposals({ api, viewer, onChanged }: { api: GraphQLClient; viewer: Viewer; onChanged: (message: string) => void }) {
  const [proposals, setProposals] = useState<Proposal[] | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const coordinator = viewer.roles.includes('COORDINATOR');
  const load = () => api.request<{ coordinationProposals: Proposal[] }>(PROPOSALS).then((data) => setProposals(data.coordinationProposals), setError);
  useEffect(() => void load(), []);

  const respond = async (proposal: Proposal, accept: boolean) => {
    try {
      await api.request(RESPOND_TO_COORDINATION, { input: { proposalId: proposal.id, accept } });
      await load();
      onChanged(accept ? `U neemt deel aan het gezamenlijke bezoek van ${organisationName(proposal.from)}.` : `Het voorstel van ${organisationName(proposal.from)} is afgewezen.`);
    } catch (failure) {
      setError(failure as ApiError);
    }
  };

  const incoming = proposals?.filter((proposal) => proposal.to.code === viewer.organisation.code && proposal.status === 'PROPOSED') ?? [];
  const outgoing = proposals?.filter((proposal) => proposal.from.code === viewer.organisation.code) ?? [];
  return (
    <section aria-labelledby="proposals-heading" data-testid="proposals">
      <h2 class="utrecht-heading-2" id="proposals-heading">
        Voorstellen voor gezamenlijke bezoeken
      </h2>
      {error && <ErrorSummary errors={[error.message]} />}
      {proposals && incoming.length === 0 && outgoing.length === 0 && <p class="utrecht-paragraph">Geen voorstellen.</p>}
      {incoming.length > 0 && (
        <ul class="console-visits" data-testid="incoming-proposals">
          {incoming.map((proposal) => (
            <li key={proposal.id} class="console-card">
              <p class="utrecht-paragraph">
                <strong>{organisationName(proposal.from)}</strong> stelt voor uw bezoek ({describe(proposal.visit)}) samen te voegen met haar bezoek ({describe(proposal.leadVisit)}).
                {proposal.note ? ` Toelichting: ${proposal.note}` : ''}
              </p>
              {coordinator ? (
                <div class="utrecht-button-group">
                  <Button kind="primary" onClick={() => void respond(proposal, true)}>
                    Accepteren
                  </Button>
                  <Button onClick={() => void respond(proposal, false)}>Afwijzen</Button>
                </div>
              ) : (
                <p class="utrecht-paragraph">Een coördinator van uw organisatie beslist over dit voorstel.</p>
              )}
            </li>
          ))}
        </ul>
      )}
      {outgoing.length > 0 && (
        <>
          <h3 class="utrecht-heading-3">Verstuurd</h3>
          <ul class="utrecht-unordered-list" data-testid="outgoing-proposals">
            {outgoing.map((proposal) => (
              <li key={proposal.id} class="utrecht-unordered-list__item">
                Aan {organisationName(proposal.to)}: {describe(proposal.visit)} — {STATUS[proposal.status] ?? proposal.status}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
