import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../app.js';
import { href } from '../app.js';
import { ApiError } from '../api/client.js';
import { ACKNOWLEDGE_CONFLICT, COORDINATE_VISITS, MY_VISITS } from '../api/operations.js';
import { nodes, type ConflictSummary, type Connection, type Visit } from '../api/types.js';
import { Alert, Button, ErrorSummary, Field } from '../components/field.js';
import { Proposals } from '../components/proposals.js';
import { openConflicts, timelineVisits, visitDescription } from '../components/timeline.js';
import { addDays, formatWindow, organisationName } from '../format.js';

/** The organisation's own visits (led or joined), open conflicts first, and the merge proposals. */
export function MyPlanning({ api, viewer }: PageProps) {
  const [visits, setVisits] = useState<Visit[] | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [changes, setChanges] = useState(0);
  const coordinator = viewer.roles.includes('COORDINATOR');

  const load = () =>
    api.request<{ visits: Connection<Visit> }>(MY_VISITS, { org: viewer.organisation.code, from: addDays(new Date(), -7).toISOString() }).then((data) => {
      const own = timelineVisits(nodes(data.visits));
      own.sort((a, b) => Number(openConflicts(b).length > 0) - Number(openConflicts(a).length > 0) || Date.parse(a.window.start) - Date.parse(b.window.start));
      setVisits(own);
    }, setError);
  useEffect(() => void load(), []);

  const done = (message: string) => {
    setNotice(message);
    setChanges((count) => count + 1); // the proposals are read anew too
    void load();
  };

  return (
    <>
      <h1 class="utrecht-heading-1">Mijn planning</h1>
      <div aria-live="polite">{notice && <Alert type="ok">{notice}</Alert>}</div>
      {error && <ErrorSummary errors={[error.message]} />}
      <Proposals key={changes} api={api} viewer={viewer} onChanged={done} />
      <section aria-labelledby="visits-heading">
        <h2 class="utrecht-heading-2" id="visits-heading">
          Bezoeken van {viewer.organisation.name}
        </h2>
        <p>
          <a class="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action" href={href('plannen')}>
            Nieuw bezoek plannen
          </a>
        </p>
        {visits === undefined && <p class="utrecht-paragraph">Wordt geladen…</p>}
        {visits?.length === 0 && <p class="utrecht-paragraph">Geen bezoeken vanaf vorige week.</p>}
        <ol class="console-visits" data-testid="my-visits">
          {visits?.map((visit) => (
            <li key={visit.id} class={openConflicts(visit).length ? 'console-card console-card--conflict' : 'console-card'} data-visit-id={visit.id}>
              <h3 class="utrecht-heading-3">
                {visit.providers.map((provider) => provider.name).join(', ')}
                {visit.organisation.code !== viewer.organisation.code ? ` (geleid door ${organisationName(visit.organisation)})` : ''}
              </h3>
              <p class="utrecht-paragraph">{visitDescription(visit)}</p>
              {openConflicts(visit).map((conflict) => (
                <ConflictActions key={conflict.visit.id} api={api} visit={visit} conflict={conflict} coordinator={coordinator} leads={visit.organisation.code === viewer.organisation.code} onDone={done} />
              ))}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

function ConflictActions(props: { api: PageProps['api']; visit: Visit; conflict: ConflictSummary; coordinator: boolean; leads: boolean; onDone: (message: string) => void }) {
  const { visit, conflict } = props;
  const [justification, setJustification] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const id = `justification-${visit.id}-${conflict.visit.id}`;
  const other = organisationName(conflict.visit.organisation);
  const ownVisit = visit.organisation.code === conflict.visit.organisation.code;

  const acknowledge = async (event: Event) => {
    event.preventDefault();
    try {
      await props.api.request(ACKNOWLEDGE_CONFLICT, { input: { visitId: visit.id, conflictingVisitId: conflict.visit.id, justification } });
      props.onDone(`Het conflict met het bezoek van ${other} is bevestigd: beide bezoeken blijven staan.`);
    } catch (failure) {
      setError(failure as ApiError);
    }
  };
  const propose = async () => {
    try {
      await props.api.request(COORDINATE_VISITS, { input: { leadVisitId: visit.id, visitIds: [conflict.visit.id] } });
      props.onDone(ownVisit ? 'De bezoeken zijn samengevoegd.' : `Het voorstel voor een gezamenlijk bezoek is naar ${other} gestuurd.`);
    } catch (failure) {
      setError(failure as ApiError);
    }
  };

  return (
    <div class="console-conflict" data-testid="conflict">
      <p class="utrecht-paragraph">
        <strong>Conflict</strong> met {other}: {formatWindow(conflict.visit.window)} ({conflict.gapDays === 0 ? 'overlapt' : `${conflict.gapDays} dagen ertussen`}).
      </p>
      {error && <ErrorSummary errors={error.general(['justification'])} />}
      <form onSubmit={acknowledge}>
        <Field id={id} label={`Motivering om beide bezoeken te houden (conflict met ${other})`} errors={error?.forField('justification') ?? []}>
          {(describedBy, invalid) => (
            <textarea id={id} class="utrecht-textarea utrecht-textarea--html-textarea" rows={2} aria-describedby={describedBy} aria-invalid={invalid || undefined} value={justification} onInput={(event) => setJustification(event.currentTarget.value)} />
          )}
        </Field>
        <div class="utrecht-button-group">
          <Button type="submit">Conflict bevestigen</Button>
          {props.coordinator && props.leads ? (
            <Button kind="primary" onClick={() => void propose()}>
              {ownVisit ? 'Samenvoegen tot één bezoek' : `Gezamenlijk bezoek voorstellen aan ${other}`}
            </Button>
          ) : null}
        </div>
      </form>
    </div>
  );
}
