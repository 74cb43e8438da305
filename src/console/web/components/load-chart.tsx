import type { SupervisoryLoad } from '../api/types.js';
import { organisationName } from '../format.js';

/** Toezichtlast per organisation as horizontal bars; the numbers are in the text, the bars only show them. */
export function LoadChart({ load }: { load: SupervisoryLoad }) {
  const max = Math.max(1, ...load.byOrganisation.map((entry) => entry.visitCount));
  return (
    <figure class="console-load" data-testid="load-chart">
      <figcaption class="utrecht-paragraph">
        {load.visitCount} {load.visitCount === 1 ? 'bezoek' : 'bezoeken'} van {load.organisationCount} {load.organisationCount === 1 ? 'organisatie' : 'organisaties'} in de
        afgelopen en komende {load.days} dagen; {load.enforcementCount} {load.enforcementCount === 1 ? 'maatregel' : 'maatregelen'}.
      </figcaption>
      <ul class="console-load__bars">
        {load.byOrganisation.map((entry) => (
          <li key={entry.organisation.code} class="console-load__bar">
            <span class="console-load__label">{organisationName(entry.organisation)}</span>
            <span class="console-load__track" aria-hidden="true">
              <span class="console-load__fill" style={{ width: `${(entry.visitCount / max) * 100}%` }} />
            </span>
            <span class="console-load__value">
              {entry.visitCount} {entry.visitCount === 1 ? 'bezoek' : 'bezoeken'}
              {entry.enforcementCount > 0 ? `, ${entry.enforcementCount} ${entry.enforcementCount === 1 ? 'maatregel' : 'maatregelen'}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
