import type { Visit } from '../api/types.js';
import { addDays, formatWindow, isoWeek, KIND_LABELS, label, mondayOf, organisationName } from '../format.js';

/** 13 weeks back and 26 ahead of the current week. */
export const WEEKS_BACK = 13;
export const WEEKS_AHEAD = 26;
const WEEK_MS = 7 * 86_400_000;
const LABEL_WEEKS = 4;
const shortDay = new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', weekday: 'short', day: 'numeric', month: 'short' });

/** What fits in the timeline: the day, or only the week for an unannounced visit of others. */
function shortLabel(visit: Visit): string {
  if (visit.window.precision === 'WEEK') return `wk ${isoWeek(new Date(Date.parse(visit.window.start) + 43_200_000)).week}`;
  return shortDay.format(new Date(visit.window.start));
}

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
  // Noon on the first day: a week-only window starts at Monday 00:00 Dutch time, which is still Sunday in UTC.
  const column = (iso: string) => Math.floor((mondayOf(new Date(Date.parse(iso) + 43_200_000)).getTime() - from.getTime()) / WEEK_MS);
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
                // A label needs about three weeks of room; the item's left edge is the visit's week.
                const end = Math.min(weeks, Math.max(last + 1, start + LABEL_WEEKS));
                return (
                  <li
                    key={visit.id}
                    class={classes.filter(Boolean).join(' ')}
                    style={{ gridColumn: `${Math.min(start, weeks - LABEL_WEEKS) + 1} / ${end + 1}` }}
                    data-visit-id={visit.id}
                    data-precision={visit.window.precision}
                    title={visitDescription(visit)}
                  >
                    <span class="console-visit__short" aria-hidden="true">
                      {conflicts.length ? '⚠ ' : ''}
                      {visit.participants.length ? '+ ' : ''}
                      {shortLabel(visit)}
                    </span>
                    <span class="console-visually-hidden">
                      {visitDescription(visit)}
                      {conflicts.length > 0 && ` Conflict met ${conflicts.map((conflict) => organisationName(conflict.visit.organisation)).join(', ')}.`}
                    </span>
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ul>
      <ul class="console-legend" aria-label="Legenda">
        <li>Week {headers[current]} is deze week</li>
        <li>⚠ conflict: binnen de marge van een ander bezoek</li>
        <li>+ gezamenlijk bezoek</li>
        <li>gestreept: onaangekondigd bezoek van een ander, alleen de week is bekend</li>
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
