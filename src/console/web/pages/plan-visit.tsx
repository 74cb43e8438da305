import { useEffect, useRef, useState } from 'preact/hooks';
import type { PageProps } from '../app.js';
import { href } from '../app.js';
import { ApiError } from '../api/client.js';
import { ORGANISATIONS, PLAN_VISIT, PROVIDER, VISIT_CONFLICTS } from '../api/operations.js';
import type { ConflictSummary, OrganisationRef, Provider } from '../api/types.js';
import { Alert, Button, ErrorSummary, Field, selectClass, textboxClass } from '../components/field.js';
import { ProviderPicker } from '../components/provider-picker.js';
import { addDays, formatWindow, fromLocalInput, KIND_LABELS, organisationName, toLocalInput } from '../format.js';

/** The input fields this form shows errors next to; the API's other sentences are listed above the form. */
const FIELDS = ['providerIds', 'locationId', 'start', 'end', 'kind', 'themes', 'sharedWith'];

function defaultWindow(): { start: string; end: string } {
  const tomorrow = addDays(new Date(), 1);
  tomorrow.setHours(9, 0, 0, 0);
  const end = new Date(tomorrow);
  end.setHours(13);
  return { start: toLocalInput(tomorrow), end: toLocalInput(end) };
}

export function PlanVisit({ api, viewer, route }: PageProps) {
  const [providers, setProviders] = useState<Provider[]>([]);
  const [locationId, setLocationId] = useState('');
  const [{ start, end }, setWindow] = useState(defaultWindow);
  const [announced, setAnnounced] = useState(true);
  const [kind, setKind] = useState('RISK_BASED');
  const [themes, setThemes] = useState('');
  const [sharedWith, setSharedWith] = useState<string[]>([]);
  const { save, saved, saveError, busy } = useSaving(api);
  const { organisations, loadError } = useStartingPoint(api, viewer, route, setProviders);
  const { conflicts, checkError } = useWhatIf(api, providers, start, end, announced);

  const errorsFor = (field: string) => [...(saveError?.forField(field) ?? []), ...(field === 'start' || field === 'end' ? (checkError?.forField(field) ?? []) : [])];

  const submit = (event: Event) => {
    event.preventDefault();
    return save(start, end, (from, to) => ({
      providerIds: providers.map((provider) => provider.id),
      locationId: locationId || null,
      start: from.toISOString(),
      end: to.toISOString(),
      announced,
      kind,
      themes: themes.split(',').map((theme) => theme.trim()).filter(Boolean),
      sharedWith,
    }));
  };

  const locations = providers.flatMap((provider) => provider.locations.map((location) => ({ ...location, provider: provider.name })));
  return (
    <>
      <h1 class="utrecht-heading-1">Bezoek plannen</h1>
      <p class="utrecht-paragraph">Terwijl u de gegevens invult, ziet u meteen met welke bezoeken van andere toezichthouders dit bezoek zou botsen. Er wordt pas iets opgeslagen als u op ‘Bezoek opslaan’ drukt.</p>
      {saved && <Saved conflicts={saved.conflicts} />}
      {loadError && <ErrorSummary errors={loadError.general([])} />}
      {saveError && <ErrorSummary errors={saveError.general(FIELDS)} />}
      <form onSubmit={submit} noValidate class="console-form">
        <ProviderPicker api={api} chosen={providers} onChange={setProviders} errors={errorsFor('providerIds')} />
        <LocationChoice locations={locations} value={locationId} onChange={setLocationId} errors={errorsFor('locationId')} />
        <WindowFields start={start} end={end} onChange={setWindow} errorsFor={errorsFor} />
        {checkError && <ErrorSummary errors={checkError.general(['start', 'end'])} />}
        <WhatIf conflicts={conflicts} />
        <AnnouncementChoice announced={announced} onChange={setAnnounced} />
        <KindChoice value={kind} onChange={setKind} errors={errorsFor('kind')} />
        <ThemesField value={themes} onChange={setThemes} errors={errorsFor('themes')} />
        <SharingChoice organisations={organisations} chosen={sharedWith} onChange={setSharedWith} errors={errorsFor('sharedWith')} />
        <Button type="submit" kind="primary" busy={busy} disabled={busy}>
          Bezoek opslaan
        </Button>
      </form>
    </>
  );
}

/** The provider named in the address (from a provider page), and the organisations a visit may be shared with. */
function useStartingPoint(api: PageProps['api'], viewer: PageProps['viewer'], route: PageProps['route'], setProviders: (providers: Provider[]) => void) {
  const [organisations, setOrganisations] = useState<OrganisationRef[]>([]);
  const [loadError, setLoadError] = useState<ApiError | undefined>();
  useEffect(() => {
    const preset = route.params.get('provider');
    if (preset) void api.request<{ provider: Provider | null }>(PROVIDER, { id: preset }).then((data) => data.provider && setProviders([data.provider]), setLoadError);
    void api.request<{ organisations: OrganisationRef[] }>(ORGANISATIONS).then(
      (data) => setOrganisations(data.organisations.filter((organisation) => organisation.code !== viewer.organisation.code && organisation.kind !== 'PROSECUTION')),
      setLoadError,
    );
  }, []);
  return { organisations, loadError };
}

/** The what-if check: whenever providers or dates change, ask what the visit would conflict with. Nothing is saved. */
function useWhatIf(api: PageProps['api'], providers: Provider[], start: string, end: string, announced: boolean) {
  const [conflicts, setConflicts] = useState<ConflictSummary[] | undefined>();
  const [checkError, setCheckError] = useState<ApiError | undefined>();
  const latestCheck = useRef(0);
  useEffect(() => {
    const from = fromLocalInput(start);
    const to = fromLocalInput(end);
    if (providers.length === 0 || !from || !to) {
      latestCheck.current++;
      return setConflicts(undefined);
    }
    const timer = setTimeout(() => {
      // Only the answer to the latest question counts: an earlier one may arrive after it.
      const check = ++latestCheck.current;
      api
        .request<{ visitConflicts: ConflictSummary[] }>(VISIT_CONFLICTS, {
          input: { providerIds: providers.map((provider) => provider.id), start: from.toISOString(), end: to.toISOString(), announced },
        })
        .then(
          (data) => check === latestCheck.current && (setCheckError(undefined), setConflicts(data.visitConflicts)),
          (error: ApiError) => check === latestCheck.current && (setCheckError(error), setConflicts(undefined)),
        );
    }, 250);
    return () => clearTimeout(timer);
  }, [providers, start, end, announced]);
  return { conflicts, checkError };
}

/** Saves the visit the form describes, once its window's dates are filled in; says what was saved, or why not. */
function useSaving(api: PageProps['api']) {
  const [saveError, setSaveError] = useState<ApiError | undefined>();
  const [saved, setSaved] = useState<{ id: string; conflicts: number } | undefined>();
  const [busy, setBusy] = useState(false);
  const save = async (start: string, end: string, visitInput: (from: Date, to: Date) => Record<string, unknown>) => {
    setBusy(true);
    setSaved(undefined);
    const from = fromLocalInput(start);
    const to = fromLocalInput(end);
    if (!from || !to) {
      setSaveError(new ApiError(missingWindow(from, to)));
      setBusy(false);
      return;
    }
    try {
      const data = await api.request<{ planVisit: { visit: { id: string }; conflicts: unknown[] } }>(PLAN_VISIT, { input: visitInput(from, to) });
      setSaveError(undefined);
      setSaved({ id: data.planVisit.visit.id, conflicts: data.planVisit.conflicts.length });
    } catch (error) {
      setSaveError(error as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return { save, saved, saveError, busy };
}

/** What the form says before it asks the API, when the window's dates are not filled in. */
function missingWindow(from: Date | undefined, to: Date | undefined) {
  return [
    ...(from ? [] : [{ field: 'input.start', code: 'BAD_USER_INPUT', message: 'Vul een begin in (datum en tijd).' }]),
    ...(to ? [] : [{ field: 'input.end', code: 'BAD_USER_INPUT', message: 'Vul een einde in (datum en tijd).' }]),
  ];
}

function Saved({ conflicts }: { conflicts: number }) {
  return (
    <Alert type="ok">
      <p class="utrecht-paragraph">
        Het bezoek is opgeslagen{conflicts > 0 ? `, met ${conflicts} open ${conflicts === 1 ? 'conflict' : 'conflicten'}` : ''}.{' '}
        <a class="utrecht-link" href={href('planning')}>
          Naar mijn planning
        </a>
      </p>
    </Alert>
  );
}

function LocationChoice(props: { locations: Array<Provider['locations'][number] & { provider: string }>; value: string; onChange: (id: string) => void; errors: readonly string[] }) {
  return (
    <Field id="location" label="Vestiging" hint="Laat leeg voor een bezoek aan de hele zorgaanbieder." errors={props.errors}>
      {(describedBy, invalid) => (
        <select id="location" class={selectClass(invalid)} aria-describedby={describedBy} value={props.value} onChange={(event) => props.onChange(event.currentTarget.value)}>
          <option value="">Hele zorgaanbieder</option>
          {props.locations.map((location) => (
            <option key={location.id} value={location.id}>
              {location.name} ({location.city ?? location.postcode}) — {location.provider}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function WindowFields({ start, end, onChange, errorsFor }: { start: string; end: string; onChange: (window: { start: string; end: string }) => void; errorsFor: (field: string) => string[] }) {
  return (
    <div class="console-columns">
      <Field id="start" label="Begin" errors={errorsFor('start')}>
        {(describedBy, invalid) => (
          <input id="start" type="datetime-local" class={textboxClass(invalid)} aria-describedby={describedBy} aria-invalid={invalid || undefined} value={start} onInput={(event) => onChange({ start: event.currentTarget.value, end })} />
        )}
      </Field>
      <Field id="end" label="Einde" hint="Een bezoek duurt hoogstens 14 dagen." errors={errorsFor('end')}>
        {(describedBy, invalid) => (
          <input id="end" type="datetime-local" class={textboxClass(invalid)} aria-describedby={describedBy} aria-invalid={invalid || undefined} value={end} onInput={(event) => onChange({ start, end: event.currentTarget.value })} />
        )}
      </Field>
    </div>
  );
}

function AnnouncementChoice({ announced, onChange }: { announced: boolean; onChange: (announced: boolean) => void }) {
  return (
    <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset">
      <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Aankondiging</legend>
      {[true, false].map((value) => (
        <div class="utrecht-form-field utrecht-form-field--radio" key={String(value)}>
          <input type="radio" class="utrecht-radio-button utrecht-radio-button--html-input" id={`announced-${value}`} name="announced" checked={announced === value} onChange={() => onChange(value)} />
          <label class="utrecht-form-label utrecht-form-label--radio" for={`announced-${value}`}>
            {value ? 'Aangekondigd' : 'Onaangekondigd (anderen zien alleen de week)'}
          </label>
        </div>
      ))}
    </fieldset>
  );
}

function KindChoice({ value, onChange, errors }: { value: string; onChange: (kind: string) => void; errors: readonly string[] }) {
  return (
    <Field id="kind" label="Soort bezoek" errors={errors}>
      {(describedBy, invalid) => (
        <select id="kind" class={selectClass(invalid)} aria-describedby={describedBy} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
          {Object.entries(KIND_LABELS).map(([kind, text]) => (
            <option key={kind} value={kind}>
              {text}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function ThemesField({ value, onChange, errors }: { value: string; onChange: (themes: string) => void; errors: readonly string[] }) {
  return (
    <Field id="themes" label="Thema's" hint="Gescheiden door komma's, bijvoorbeeld: medicatieveiligheid, goed bestuur" errors={errors}>
      {(describedBy, invalid) => <input id="themes" type="text" class={textboxClass(invalid)} aria-describedby={describedBy} aria-invalid={invalid || undefined} value={value} onInput={(event) => onChange(event.currentTarget.value)} />}
    </Field>
  );
}

function WhatIf({ conflicts }: { conflicts: ConflictSummary[] | undefined }) {
  return (
    <div aria-live="polite" data-testid="what-if">
      {conflicts && conflicts.length === 0 && <Alert type="ok">Geen conflicten: in deze periode heeft geen andere toezichthouder een bezoek gepland.</Alert>}
      {conflicts && conflicts.length > 0 && (
        <Alert type="warning">
          <p class="utrecht-paragraph">
            <strong>Let op:</strong> dit bezoek zou botsen met {conflicts.length} {conflicts.length === 1 ? 'ander bezoek' : 'andere bezoeken'}. U kunt het toch opslaan; het conflict blijft dan zichtbaar tot het is opgelost.
          </p>
          <ul class="utrecht-unordered-list">
            {conflicts.map((conflict) => (
              <li key={conflict.visit.id} class="utrecht-unordered-list__item">
                {organisationName(conflict.visit.organisation)}: {formatWindow(conflict.visit.window)}
                {conflict.visit.location ? `, ${conflict.visit.location.name}` : ''} ({conflict.gapDays === 0 ? 'overlapt' : `${conflict.gapDays} dagen ertussen`}
                {conflict.scope === 'SAME_ORGANISATION' ? ', eigen organisatie' : ''})
              </li>
            ))}
          </ul>
        </Alert>
      )}
    </div>
  );
}

function SharingChoice(props: { organisations: OrganisationRef[]; chosen: string[]; onChange: (codes: string[]) => void; errors: readonly string[] }) {
  const toggle = (code: string) => props.onChange(props.chosen.includes(code) ? props.chosen.filter((other) => other !== code) : [...props.chosen, code]);
  return (
    <fieldset class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset" aria-describedby={props.errors.length ? 'sharing-error' : undefined}>
      <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Details delen met (optioneel)</legend>
      {props.errors.length > 0 && (
        <div id="sharing-error" class="utrecht-form-field-error-message" data-field-error>
          {props.errors.join(' ')}
        </div>
      )}
      <div class="console-checkboxes">
        {props.organisations.map((organisation) => (
          <div class="utrecht-form-field utrecht-form-field--checkbox" key={organisation.code}>
            <input type="checkbox" class="utrecht-checkbox utrecht-checkbox--html-input" id={`share-${organisation.code}`} checked={props.chosen.includes(organisation.code)} onChange={() => toggle(organisation.code)} />
            <label class="utrecht-form-label utrecht-form-label--checkbox" for={`share-${organisation.code}`}>
              {organisation.name}
            </label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}
