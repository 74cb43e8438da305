import type { Visit } from '../api/types.js';
import { addDays, formatWindow, isoWeek, KIND_LABELS, label, mondayOf, organisationName } from '../format.js';

/** 13 weeks back and 26 ahead of the current week. */
export const WEEKS_BACK = 13;
export const WEEKS_AHEAD = 26;
const WEEK_MS = 7 * 86_400_000;

export function timelineRange(now: Date): { from: Date; to: Date; weeks: number } {
  const from = addDays(mondayOf(now), -7 * WEEKS_BACK);
  return { from, to: addDays(mondayOf(now), 7 * (WEEKS_AHEAD + 1)), weeks: WEEKS_BACK + WEEKS_AHEAD + 1 };
}

/** The visits worth showing: cancelled ones carry no load, and a merged visit lives on in its joint visit. */
export function timelineVisits(visits: readonly Visit[]): Visit[] {
  return visits.filter((visit) => visit.status !== 'CANCELLED' && !visit.mergedInto);
}

export const openConflicts = (visit: Visit) => visit.conflicts.filter((conflict) => !conflict.resolution);

/**
 * One row per lead organisation, one column per week. Each visit is a list item with its whole description in
 * text (read by screen readers as a list); its place in the grid only repeats what the text says.
 */
export function Timeline({ visits, now }: { visits: readonly Visit[]; now: Date }) {
  const { from, weeks } = timelineRange(now);
  const current = WEEKS_BACK;
  const rows = new Map<string, Visit[]>();
  for (const visit of timelineVisits(visits)) {
    const key = organisationName(visit.organisation);
    rows.set(key, [...(rows.get(key) ?? []), visit]);
  }
  const column = (iso: string) => Math.floor((mondayOf(new Date(iso)).getTime() - from.getTime()) / WEEK_MS);
  const headers = Array.from({ length: weeks }, (_, index) => isoWeek(addDays(from, index * 7)).week);

  return (
    <div class="console-timeline" data-testid="timeline">
      <div class="console-timeline__weeks" aria-hidden="true" style={{ gridTemplateColumns: `repeat(${weeks}, minmax(1.6rem, 1fr))` }}>
        {headers.map((week, index) => (
          <span key={index} class={index === current ? 'console-timeline__week console-timeline__week--current' : 'console-timeline__week'}>
            {index % 2 === 0 || index === current ? week : ''}
          </span>
        ))}
      </div>
      {rows.size === 0 && <p class="utrecht-paragraph">Geen bezoeken in deze periode.</p>}
      <ul class="console-timeline__rows">
        {[...rows.entries()].map(([organisation, own]) => (
          <li key={organisation} class="console-timeline__row">
            <span class="console-timeline__label">{organisation}</span>
            <ul class="console-timeline__track" style={{ gridTemplateColumns: `repeat(${weeks}, minmax(1.6rem, 1fr))` }} aria-label={`Bezoeken van ${organisation}`}>
              {own.map((visit) => {
                const start = Math.max(0, column(visit.window.start));
                const last = visit.window.precision === 'WEEK' ? start : Math.min(weeks - 1, column(new Date(Date.parse(visit.window.end) - 1).toISOString()));
                const conflicts = openConflicts(visit);
                const classes = ['console-visit', visit.window.precision === 'WEEK' ? 'console-visit--week' : '', conflicts.length ? 'console-visit--conflict' : '', visit.participants.length ? 'console-visit--joint' : ''];
                return (
                  <li
                    key={visit.id}
                    class={classes.filter(Boolean).join(' ')}
                    style={{ gridColumn: `${start + 1} / ${Math.max(start, last) + 2}` }}
                    data-visit-id={visit.id}
                    data-precision={visit.window.precision}
                  >
                    <span class="console-visit__mark" aria-hidden="true">
                      {conflicts.length ? '!' : visit.participants.length ? '⧉' : ''}
                    </span>
                    <span class="console-visit__text">
                      {visitDescription(visit)}
                      {conflicts.length > 0 && <strong class="console-visit__conflict"> Conflict met {conflicts.map((conflict) => organisationName(conflict.visit.organisation)).join(', ')}.</strong>}
                    </span>
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function visitDescription(visit: Visit): string {
  const parts = [formatWindow(visit.window), visit.announced ? 'aangekondigd' : 'onaangekondigd', label(KIND_LABELS, visit.kind)];
  if (visit.location) parts.push(visit.location.name);
  if (visit.themes.length > 0) parts.push(`thema's: ${visit.themes.join(', ')}`);
  if (visit.participants.length > 0) parts.push(`gezamenlijk bezoek met ${visit.participants.map(organisationName).join(', ')}`);
  return parts.join(' · ') + '.';
}
