import { useEffect, useState } from 'preact/hooks';
import type { PageProps } from '../app.js';
import { href } from '../app.js';
import { ApiError } from '../api/client.js';
import { FIND_PROVIDERS, LIST_PROVIDERS, OPEN_SIGNAL_COUNT, PROVIDER_DETAILS, PROVIDER_PLANNING } from '../api/operations.js';
import { nodes, type Connection, type EnforcementAction, type Provider, type SupervisoryLoad, type Visit } from '../api/types.js';
import { Alert, Button, ErrorSummary, Field, textboxClass } from '../components/field.js';
import { LoadChart } from '../components/load-chart.js';
import { Timeline, timelineRange, timelineVisits, visitDescription } from '../components/timeline.js';
import { ENFORCEMENT_LABELS, formatDate, label, organisationName } from '../format.js';

type Found = { byName?: Connection<Provider>; byKvk?: Connection<Provider>; byKbo?: Connection<Provider>; byAgb?: Connection<Provider> };

/** One search box for a name, a KvK or AGB number (8 digits) or a KBO number (10 digits). */
function searchVariables(text: string) {
  const digits = text.replace(/[\s.]/g, '');
  if (/^\d{8}$/.test(digits)) return { byNumber: true, kvk: digits, agb: digits, kbo: null, name: null };
  if (/^\d{10}$/.test(digits)) return { byNumber: true, kbo: digits, kvk: null, agb: null, name: null };
  return { byNumber: false, name: text.trim(), kvk: null, kbo: null, agb: null };
}

export function ProviderPage({ api, route }: PageProps) {
  const providerId = route.params.get('id');
  const [query, setQuery] = useState(route.params.get('q') ?? '');
  const [results, setResults] = useState<Provider[] | undefined>();
  const [errors, setErrors] = useState<ApiError | undefined>();
  const [overview, setOverview] = useState<{ total: number; providers: Provider[] } | undefined>();

  // Without a search yet: the first providers within reach, so that a new user has somewhere to start.
  useEffect(() => {
    if (providerId) return;
    api.request<{ providers: Connection<Provider> }>(LIST_PROVIDERS).then(
      (data) => setOverview({ total: data.providers.totalCount ?? 0, providers: nodes(data.providers) }),
      setErrors,
    );
  }, [providerId]);

  const search = async (event: Event) => {
    event.preventDefault();
    if (query.trim().length < 2) {
      setErrors(new ApiError([{ field: 'name', code: 'BAD_USER_INPUT', message: 'Vul ten minste twee tekens in.' }]));
      return;
    }
    setErrors(undefined);
    try {
      const found = await api.request<Found>(FIND_PROVIDERS, searchVariables(query));
      const all = [...nodes(found.byName), ...nodes(found.byKvk), ...nodes(found.byKbo), ...nodes(found.byAgb)];
      setResults(all.filter((provider, index) => all.findIndex((other) => other.id === provider.id) === index));
    } catch (error) {
      setErrors(error as ApiError);
    }
  };

  return (
    <>
      <h1 class="utrecht-heading-1">Zorgaanbieder</h1>
      <form role="search" onSubmit={search} class="console-search">
        <Field id="provider-search" label="Zoek een zorgaanbieder" hint="Naam, KvK-nummer, KBO-nummer of AGB-code" errors={errors?.forField('name') ?? []}>
          {(describedBy, invalid) => (
            <input
              id="provider-search"
              type="search"
              class={textboxClass(invalid)}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              value={query}
              onInput={(event) => setQuery(event.currentTarget.value)}
            />
          )}
        </Field>
        <Button type="submit" kind="primary">
          Zoeken
        </Button>
      </form>
      {errors && <ErrorSummary errors={errors.general(['name'])} />}
      {results && (
        <section aria-labelledby="results-heading">
          <h2 class="utrecht-heading-2" id="results-heading">
            {results.length === 0 ? 'Geen zorgaanbieder gevonden' : `${results.length} ${results.length === 1 ? 'zorgaanbieder' : 'zorgaanbieders'} gevonden`}
          </h2>
          <ProviderLinks providers={results} query={query} />
        </section>
      )}
      {!providerId && !results && overview && (
        <section aria-labelledby="within-reach-heading">
          <h2 class="utrecht-heading-2" id="within-reach-heading">
            Zorgaanbieders binnen uw toezicht ({overview.total})
          </h2>
          <ProviderLinks providers={overview.providers} query="" />
          {overview.total > overview.providers.length && <p class="utrecht-paragraph">Zoek om de andere te vinden.</p>}
        </section>
      )}
      {providerId && <ProviderOverview api={api} providerId={providerId} />}
    </>
  );
}

function ProviderLinks({ providers, query }: { providers: Provider[]; query: string }) {
  return (
    <ul class="utrecht-unordered-list console-results">
      {providers.map((provider) => (
        <li key={provider.id} class="utrecht-unordered-list__item">
          <a class="utrecht-link" href={href('aanbieder', query ? { id: provider.id, q: query } : { id: provider.id })}>
            {provider.name}
          </a>{' '}
          {identifiers(provider)}
        </li>
      ))}
    </ul>
  );
}

function identifiers(provider: Provider): string {
  return [provider.kvkNumber && `KvK ${provider.kvkNumber}`, provider.kboNumber && `KBO ${provider.kboNumber}`, provider.agbCode && `AGB ${provider.agbCode}`]
    .filter(Boolean)
    .join(' · ');
}

interface Details {
  provider: (Provider & { enforcementActions: EnforcementAction[] }) | null;
}

interface Planning {
  visits: Connection<Visit>;
  supervisoryLoad: SupervisoryLoad;
}

type Hidden = 'hidden';

function ProviderOverview({ api, providerId }: { api: PageProps['api']; providerId: string }) {
  const now = new Date();
  const { details, planning, signals, error } = useOverview(api, providerId, now);

  if (error) return <Alert type="error">{error.code === 'NOT_FOUND' ? 'Deze zorgaanbieder bestaat niet of valt buiten uw toezicht.' : error.message}</Alert>;
  if (!details?.provider) return <p class="utrecht-paragraph">Gegevens worden geladen…</p>;
  const { provider } = details;
  const visits = planning && planning !== 'hidden' ? timelineVisits(nodes(planning.visits)) : [];

  return (
    <article aria-labelledby="provider-heading" data-testid="provider-overview">
      <h2 class="utrecht-heading-2" id="provider-heading">
        {provider.name}
      </h2>
      <p class="utrecht-paragraph">
        {identifiers(provider)} · {provider.locations.length} {provider.locations.length === 1 ? 'vestiging' : 'vestigingen'}:{' '}
        {provider.locations.map((location) => `${location.name} (${location.city ?? location.postcode})`).join(', ')}
      </p>
      {planning === 'hidden' ? (
        <p class="utrecht-paragraph" data-testid="planning-hidden">
          Uw rol geeft geen inzage in de bezoekplanning en de toezichtlast.
        </p>
      ) : (
        <VisitsSection provider={provider} visits={visits} loading={planning === undefined} now={now} />
      )}

      <div class="console-columns">
        {planning && planning !== 'hidden' && (
          <section aria-labelledby="load-heading">
            <h3 class="utrecht-heading-3" id="load-heading">
              Toezichtlast
            </h3>
            <LoadChart load={planning.supervisoryLoad} />
          </section>
        )}
        <section aria-labelledby="measures-heading">
          <MeasuresInForce actions={provider.enforcementActions} />
          <OpenSignals signals={signals} />
        </section>
      </div>
    </article>
  );
}

/** The provider's details, its planning and its open signals; planning and signals are 'hidden' when the caller's role may not see them. */
function useOverview(api: PageProps['api'], providerId: string, now: Date) {
  const [details, setDetails] = useState<Details | undefined>();
  const [planning, setPlanning] = useState<Planning | Hidden | undefined>();
  const [signals, setSignals] = useState<{ open: number; overdue: number } | Hidden | undefined>();
  const [error, setError] = useState<ApiError | undefined>();

  useEffect(() => {
    const { from, to } = timelineRange(now);
    api.request<Details>(PROVIDER_DETAILS, { id: providerId }).then(setDetails, setError);
    api
      .request<Planning>(PROVIDER_PLANNING, { id: providerId, from: from.toISOString(), to: to.toISOString(), days: 91 })
      .then(setPlanning, (failure: ApiError) => (failure.code === 'FORBIDDEN' ? setPlanning('hidden') : setError(failure)));
    api
      .request<{ open: { totalCount: number }; overdue: { totalCount: number } }>(OPEN_SIGNAL_COUNT, { id: providerId })
      .then((data) => setSignals({ open: data.open.totalCount, overdue: data.overdue.totalCount }), () => setSignals('hidden'));
  }, [providerId]);
  return { details, planning, signals, error };
}

function VisitsSection({ provider, visits, loading, now }: { provider: Provider; visits: ReturnType<typeof timelineVisits>; loading: boolean; now: Date }) {
  return (
    <>
      <p>
        <a class="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action" href={href('plannen', { provider: provider.id })}>
          Bezoek plannen bij {provider.name}
        </a>
      </p>
      <section aria-labelledby="timeline-heading">
        <h3 class="utrecht-heading-3" id="timeline-heading">
          Bezoeken: 13 weken terug en 26 weken vooruit
        </h3>
        {loading ? <p class="utrecht-paragraph">Wordt geladen…</p> : <Timeline visits={visits} now={now} />}
        <details class="console-details" open>
          <summary>Bezoeken als lijst ({visits.length})</summary>
          <ul class="utrecht-unordered-list" data-testid="visit-list">
            {visits.map((visit) => (
              <li key={visit.id} class="utrecht-unordered-list__item">
                <strong>{organisationName(visit.organisation)}</strong>: {visitDescription(visit)}
              </li>
            ))}
          </ul>
        </details>
      </section>
    </>
  );
}

function MeasuresInForce({ actions }: { actions: EnforcementAction[] }) {
  const inForce = actions.filter((action) => action.status === 'ACTIVE');
  return (
    <>
      <h3 class="utrecht-heading-3" id="measures-heading">
        Maatregelen van kracht
      </h3>
      {inForce.length === 0 ? (
        <p class="utrecht-paragraph">Geen maatregelen van kracht die u mag zien.</p>
      ) : (
        <ul class="utrecht-unordered-list" data-testid="measures">
          {inForce.map((action) => (
            <li key={action.id} class="utrecht-unordered-list__item">
              {label(ENFORCEMENT_LABELS, action.type)} door {organisationName(action.organisation)}, opgelegd {formatDate(action.imposedOn)}
              {action.deadline ? `, termijn tot ${formatDate(action.deadline)}` : ''}
              {action.validUntil ? `, geldig tot ${formatDate(action.validUntil)}` : ''} ({action.legalBasis})
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function OpenSignals({ signals }: { signals: { open: number; overdue: number } | Hidden | undefined }) {
  return (
    <>
      <h3 class="utrecht-heading-3">Open signalen</h3>
      <p class="utrecht-paragraph" data-testid="open-signals">
        {signals === undefined
          ? 'Wordt geladen…'
          : signals === 'hidden'
            ? 'Uw rol geeft geen inzage in signalen.'
            : `${signals.open + signals.overdue} open ${signals.open + signals.overdue === 1 ? 'signaal' : 'signalen'} die u mag zien${signals.overdue ? `, waarvan ${signals.overdue} over de termijn` : ''}.`}
      </p>
    </>
  );
}
