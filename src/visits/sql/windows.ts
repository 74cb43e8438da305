import { sqlDefinition } from '../../platform/database/definitions.js';

/**
 * The windows the conflict rule compares — the heart of the dedupe rule, with conflicts.ts. PostgreSQL functions,
 * applied from this source by the migration step (platform/database/definitions.ts): change them here, nowhere else.
 */

/** The ISO week (Monday 00:00 to Monday 00:00, Dutch and Belgian local time) around a window: what organisations without the detail view see of an unannounced visit. */
export const VISIT_WEEK_WINDOW = sqlDefinition(
  'visit_week_window',
  `create or replace function visit_week_window(w tstzrange) returns tstzrange language sql stable parallel safe as $$
  select tstzrange(
    date_trunc('week', lower(w) at time zone 'Europe/Amsterdam') at time zone 'Europe/Amsterdam',
    (date_trunc('week', (upper(w) - interval '1 microsecond') at time zone 'Europe/Amsterdam') + interval '7 days')
      at time zone 'Europe/Amsterdam',
    '[)')
$$`,
);

/**
 * The planning window: what a visit occupies for conflict detection and the supervisory load — the exact window
 * of an announced visit, the ISO week of an unannounced one (so that no answer ever depends on its day).
 */
export const VISIT_PLANNING_WINDOW = sqlDefinition(
  'visit_planning_window',
  `create or replace function visit_planning_window(w tstzrange, announced boolean) returns tstzrange language sql stable parallel safe as $$
  select case when announced then w else visit_week_window(w) end
$$`,
);

/** The margin: a planning window widened by margin_days calendar days (Dutch local time) on both sides. Another window overlapping it lies within the margin — that is a conflict. */
export const VISIT_MARGIN_WINDOW = sqlDefinition(
  'visit_margin_window',
  `create or replace function visit_margin_window(w tstzrange, margin_days integer) returns tstzrange language sql immutable parallel safe as $$
  select tstzrange(amsterdam_add_days(lower(w), -margin_days), amsterdam_add_days(upper(w), margin_days), '[)')
$$`,
);

/** Whole calendar days (Dutch local time) between two windows; 0 when they overlap or touch. */
export const VISIT_GAP_DAYS = sqlDefinition(
  'visit_gap_days',
  `create or replace function visit_gap_days(a tstzrange, b tstzrange) returns integer language sql immutable parallel safe as $$
  select extract(day from greatest(interval '0',
    (lower(b) at time zone 'Europe/Amsterdam') - (upper(a) at time zone 'Europe/Amsterdam'),
    (lower(a) at time zone 'Europe/Amsterdam') - (upper(b) at time zone 'Europe/Amsterdam')))::integer
$$`,
);

/** The exact distance between two windows in seconds (0 when they overlap): how far apart an acknowledged pair is. */
export const VISIT_GAP_SECONDS = sqlDefinition(
  'visit_gap_seconds',
  `create or replace function visit_gap_seconds(a tstzrange, b tstzrange) returns double precision language sql immutable parallel safe as $$
  select extract(epoch from greatest(interval '0', lower(b) - upper(a), lower(a) - upper(b)))::double precision
$$`,
);
