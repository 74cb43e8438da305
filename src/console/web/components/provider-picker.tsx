import { useState } from 'preact/hooks';
import type { ApiError, GraphQLClient } from '../api/client.js';
import { FIND_PROVIDERS } from '../api/operations.js';
import { nodes, type Connection, type Provider } from '../api/types.js';
import { Button, FieldErrors, textboxClass } from './field.js';

/** Chosen providers of a visit (a network visit has several), and a search to add more. */
export function ProviderPicker(props: { api: GraphQLClient; chosen: Provider[]; onChange: (providers: Provider[]) => void; errors: readonly string[] }) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Provider[] | undefined>();
  const [searchError, setSearchError] = useState<string[]>([]);
  const invalid = props.errors.length > 0;

  const search = async () => {
    const text = query.trim();
    if (text.length < 2) return setFound([]);
    const digits = text.replace(/[\s.]/g, '');
    const byNumber = /^\d{8}$|^\d{10}$/.test(digits);
    try {
      const data = await props.api.request<Record<string, Connection<Provider>>>(FIND_PROVIDERS, {
        byNumber,
        name: byNumber ? null : text,
        kvk: digits.length === 8 ? digits : null,
        agb: digits.length === 8 ? digits : null,
        kbo: digits.length === 10 ? digits : null,
      });
      setSearchError([]);
      setFound(Object.values(data).flatMap((connection) => nodes(connection)));
    } catch (error) {
      setSearchError((error as ApiError).problems.map((problem) => problem.message));
    }
  };

  return (
    <fieldset class={`utrecht-form-fieldset utrecht-form-fieldset--html-fieldset${invalid ? ' utrecht-form-fieldset--invalid' : ''}`} aria-describedby={invalid ? 'providers-error' : undefined}>
      <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">Zorgaanbieder(s)</legend>
      {invalid && <FieldErrors id="providers-error" errors={props.errors} />}
      {props.chosen.length === 0 ? (
        <p class="utrecht-paragraph">Nog geen zorgaanbieder gekozen.</p>
      ) : (
        <ul class="utrecht-unordered-list" data-testid="chosen-providers">
          {props.chosen.map((provider) => (
            <li key={provider.id} class="utrecht-unordered-list__item">
              {provider.name}{' '}
              <Button kind="subtle" onClick={() => props.onChange(props.chosen.filter((other) => other.id !== provider.id))}>
                Verwijder {provider.name}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {searchError.length > 0 && <FieldErrors id="provider-add-error" errors={searchError} />}
      <div class="console-inline">
        <label class="utrecht-form-label" for="provider-add">
          Zorgaanbieder toevoegen (naam, KvK, KBO of AGB)
        </label>
        <input
          id="provider-add"
          aria-describedby={searchError.length > 0 ? 'provider-add-error' : undefined}
          type="search"
          class={textboxClass(false)}
          value={query}
          onInput={(event) => setQuery(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              void search();
            }
          }}
        />
        <Button onClick={() => void search()}>Zoek aanbieder</Button>
      </div>
      {found && (
        <ul class="utrecht-unordered-list" aria-live="polite" data-testid="provider-options">
          {found.length === 0 && <li class="utrecht-unordered-list__item">Niets gevonden.</li>}
          {found
            .filter((provider) => !props.chosen.some((other) => other.id === provider.id))
            .map((provider) => (
              <li key={provider.id} class="utrecht-unordered-list__item">
                <Button
                  onClick={() => {
                    props.onChange([...props.chosen, provider]);
                    setFound(undefined);
                    setQuery('');
                  }}
                >
                  Kies {provider.name}
                </Button>
              </li>
            ))}
        </ul>
      )}
    </fieldset>
  );
}
