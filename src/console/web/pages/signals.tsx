import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../app.js';
import { ApiError } from '../api/client.js';
import { DECIDE_ROUTING, SIGNAL_INBOX } from '../api/operations.js';
import { nodes, type Connection, type Routing, type Signal } from '../api/types.js';
import { Alert, Button, ErrorSummary, Field } from '../components/field.js';
import { CATEGORY_LABELS, formatDateTime, label, organisationName, ROUTING_LABELS, SEVERITY_LABELS } from '../format.js';

interface InboxItem {
  signal: Signal;
  routing: Routing;
}

/** Overdue first, then open by due date, then the decided ones. */
function order(items: InboxItem[]): InboxItem[] {
  const rank = (item: InboxItem) => (item.routing.status === 'EXPIRED' ? 0 : item.routing.status === 'PENDING' ? 1 : 2);
  return [...items].sort((a, b) => rank(a) - rank(b) || Date.parse(a.routing.dueAt) - Date.parse(b.routing.dueAt));
}

export function SignalInbox({ api, viewer }: PageProps) {
  const [items, setItems] = useState<InboxItem[] | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [open, setOpen] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();

  const load = () =>
    api.request<{ signals: Connection<Signal> }>(SIGNAL_INBOX).then((data) => {
      const mine = nodes(data.signals).flatMap((signal) => signal.routings.filter((routing) => routing.recipient.code === viewer.organisation.code).map((routing) => ({ signal, routing })));
      setItems(order(mine));
    }, setError);
  useEffect(() => void load(), []);

  if (error) {
    return (
      <>
        <h1 class="utrecht-heading-1">Signalen</h1>
        <Alert type="error">{error.code === 'FORBIDDEN' ? 'Uw rol geeft geen toegang tot signalen. Meld u aan als intake-medewerker of coördinator.' : error.message}</Alert>
      </>
    );
  }
  const undecided = items?.filter((item) => !item.routing.decision).length ?? 0;
  return (
    <>
      <h1 class="utrecht-heading-1">Signalen</h1>
      <p class="utrecht-paragraph">Signalen die naar {viewer.organisation.name} zijn doorgezet. Over de termijn staat bovenaan.</p>
      <div aria-live="polite">{notice && <Alert type="ok">{notice}</Alert>}</div>
      {items === undefined && <p class="utrecht-paragraph">Wordt geladen…</p>}
      {items && <p class="utrecht-paragraph">{undecided === 0 ? 'Geen signalen die op een besluit wachten.' : `${undecided} ${undecided === 1 ? 'signaal wacht' : 'signalen wachten'} op een besluit.`}</p>}
      <table class="utrecht-table utrecht-table--html-table" data-testid="inbox">
        <caption class="utrecht-table__caption">Inbox van {viewer.organisation.name}</caption>
        <thead class="utrecht-table__header">
          <tr class="utrecht-table__row">
            <th class="utrecht-table__header-cell" scope="col">Signaal</th>
            <th class="utrecht-table__header-cell" scope="col">Zorgaanbieder</th>
            <th class="utrecht-table__header-cell" scope="col">Van</th>
            <th class="utrecht-table__header-cell" scope="col">Besluiten vóór</th>
            <th class="utrecht-table__header-cell" scope="col">Status</th>
          </tr>
        </thead>
        <tbody class="utrecht-table__body">
          {items?.map((item) => (
            <tr class={`utrecht-table__row${item.routing.status === 'EXPIRED' ? ' console-row--overdue' : ''}`} key={item.routing.id} data-routing-id={item.routing.id}>
              <td class="utrecht-table__cell">
                <button type="button" class="utrecht-button utrecht-button--subtle" aria-expanded={open === item.routing.id} onClick={() => setOpen(open === item.routing.id ? undefined : item.routing.id)}>
                  {label(CATEGORY_LABELS, item.signal.category)} ({item.signal.externalId})
                </button>
              </td>
              <td class="utrecht-table__cell">{item.signal.providers.map((provider) => provider.name).join(', ')}</td>
              <td class="utrecht-table__cell">{organisationName(item.signal.source)}</td>
              <td class="utrecht-table__cell">{formatDateTime(item.routing.dueAt)}</td>
              <td class="utrecht-table__cell">
                <span class={`utrecht-status-badge utrecht-status-badge--${item.routing.status === 'EXPIRED' ? 'danger' : item.routing.status === 'PENDING' ? 'warning' : 'neutral'}`}>
                  {item.routing.status === 'EXPIRED' ? 'Over de termijn' : label(ROUTING_LABELS, item.routing.status)}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items
        ?.filter((item) => item.routing.id === open)
        .map((item) => (
          <SignalDetail
            key={item.routing.id}
            api={api}
            item={item}
            onDecided={(message) => {
              setNotice(message);
              setOpen(undefined);
              void load();
            }}
          />
        ))}
    </>
  );
}

function SignalDetail({ api, item, onDecided }: { api: PageProps['api']; item: InboxItem; onDecided: (message: string) => void }) {
  const { signal, routing } = item;
  const [outcome, setOutcome] = useState('ACCEPT');
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const decide = async (event: Event) => {
    event.preventDefault();
    try {
      await api.request(DECIDE_ROUTING, { input: { routingId: routing.id, signalId: signal.id, outcome, note: note.trim() || null } });
      onDecided(`Uw besluit over signaal ${signal.externalId} is vastgelegd.`);
    } catch (failure) {
      setError(failure as ApiError);
    }
  };
  return (
    <section class="console-card" aria-labelledby="signal-heading" data-testid="signal-detail">
      <h2 class="utrecht-heading-2" id="signal-heading" tabIndex={-1}>
        {label(CATEGORY_LABELS, signal.category)} — {signal.providers.map((provider) => provider.name).join(', ')}
      </h2>
      <p class="utrecht-paragraph">{signal.summary}</p>
      <p class="utrecht-paragraph">
        Ernst: {label(SEVERITY_LABELS, signal.severity)} · gebeurd {formatDateTime(signal.occurredAt)} · ontvangen {formatDateTime(signal.receivedAt)}
        {signal.possibleCriminalOffence ? ' · mogelijk strafbaar feit' : ''} · regel {routing.ruleId}
      </p>
      {routing.decision ? (
        <p class="utrecht-paragraph">Besluit: {label(ROUTING_LABELS, routing.status)} op {formatDateTime(routing.decision.decidedAt)}{routing.decision.note ? ` — ${routing.decision.note}` : ''}.</p>
      ) : (
        <form onSubmit={decide}>
          {error && <ErrorSummary errors={error.general(['note', 'outcome'])} />}
          <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset">
            <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Besluit</legend>
            {[
              ['ACCEPT', 'Oppakken'],
              ['DECLINE', 'Afwijzen (met reden)'],
              ['JOINT', 'Gezamenlijk oppakken met de andere ontvangers'],
            ].map(([value, text]) => (
              <div class="utrecht-form-field utrecht-form-field--radio" key={value}>
                <input type="radio" class="utrecht-radio-button utrecht-radio-button--html-input" id={`outcome-${value}`} name="outcome" checked={outcome === value} onChange={() => setOutcome(value!)} />
                <label class="utrecht-form-label utrecht-form-label--radio" for={`outcome-${value}`}>
                  {text}
                </label>
              </div>
            ))}
          </fieldset>
          <Field id="decision-note" label="Toelichting" hint="Verplicht bij afwijzen." errors={error?.forField('note') ?? []}>
            {(describedBy, invalid) => (
              <textarea id="decision-note" class="utrecht-textarea utrecht-textarea--html-textarea" rows={3} aria-describedby={describedBy} aria-invalid={invalid || undefined} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
            )}
          </Field>
          <Button type="submit" kind="primary">
            Besluit vastleggen
          </Button>
        </form>
      )}
    </section>
  );
}
