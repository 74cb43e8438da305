import { useState } from 'preact/hooks';
import { Button, Field, selectClass } from '../components/field.js';
import { demoPersonas, storeToken } from '../session.js';

/**
 * Development: a persona picker with the demo tokens (the same ones GraphiQL offers). Otherwise: the user pastes
 * an access token from the organisation's identity provider. Both end in the same place (storeToken).
 */
export function SignIn({ onSignedIn }: { onSignedIn: (token: string) => void }) {
  const personas = demoPersonas();
  const [persona, setPersona] = useState('0');
  const [pasted, setPasted] = useState('');
  const [pasteError, setPasteError] = useState<string[]>([]);

  const usePersona = (event: Event) => {
    event.preventDefault();
    const chosen = personas[Number(persona)];
    if (!chosen) return;
    storeToken(chosen.token, 'persona');
    onSignedIn(chosen.token);
  };
  const usePasted = (event: Event) => {
    event.preventDefault();
    const token = pasted.trim().replace(/^Bearer\s+/i, '');
    if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) {
      setPasteError(['Dit is geen toegangstoken: een token bestaat uit drie delen gescheiden door punten (eyJ….eyJ….…).']);
      return;
    }
    setPasteError([]);
    storeToken(token, 'pasted');
    onSignedIn(token);
  };

  return (
    <>
      <h1 class="utrecht-heading-1">Aanmelden bij Samenloop</h1>
      <p class="utrecht-paragraph">
        Samenloop laat toezichthouders hun bezoeken, maatregelen en signalen delen, zodat een zorgaanbieder niet kort na elkaar door meerdere
        toezichthouders wordt bezocht.
      </p>
      {personas.length > 0 && (
        <section aria-labelledby="persona-heading" class="console-card">
          <h2 class="utrecht-heading-2" id="persona-heading">
            Demo-gebruiker kiezen
          </h2>
          <p class="utrecht-paragraph">Alleen in de ontwikkelomgeving: kies een voorbeeldgebruiker met een kant-en-klaar token.</p>
          <form onSubmit={usePersona}>
            <Field id="persona" label="Demo-gebruiker">
              {() => (
                <select id="persona" class={selectClass(false)} value={persona} onChange={(event) => setPersona(event.currentTarget.value)}>
                  {personas.map((option, index) => (
                    <option key={option.label} value={String(index)}>
                      {option.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Button type="submit" kind="primary">
              Aanmelden als demo-gebruiker
            </Button>
          </form>
        </section>
      )}
      <section aria-labelledby="token-heading" class="console-card">
        <h2 class="utrecht-heading-2" id="token-heading">
          {personas.length > 0 ? 'Of: aanmelden met een eigen token' : 'Aanmelden met een token'}
        </h2>
        <form onSubmit={usePasted}>
          <Field
            id="token"
            label="Toegangstoken"
            hint="Plak het toegangstoken (JWT) dat u van de identiteitsvoorziening van uw organisatie kreeg. Het wordt alleen in dit tabblad bewaard en verdwijnt als u het sluit."
            errors={pasteError}
          >
            {(describedBy, invalid) => (
              <textarea
                id="token"
                class={`utrecht-textarea utrecht-textarea--html-textarea${invalid ? ' utrecht-textarea--invalid' : ''}`}
                rows={4}
                spellcheck={false}
                autoComplete="off"
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                value={pasted}
                onInput={(event) => setPasted(event.currentTarget.value)}
              />
            )}
          </Field>
          <Button type="submit" kind={personas.length > 0 ? 'secondary' : 'primary'}>
            Aanmelden met token
          </Button>
        </form>
      </section>
    </>
  );
}
