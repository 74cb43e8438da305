/** Dutch labels and date formatting. Times are shown in Dutch time (Europe/Amsterdam), whatever the browser's zone. */

const ZONE = 'Europe/Amsterdam';
const DAY = 86_400_000;

export const KIND_LABELS: Record<string, string> = {
  RISK_BASED: 'Risicogestuurd',
  THEMATIC: 'Thematisch',
  INCIDENT: 'Incident',
  NEW_PROVIDER: 'Nieuwe toetreder',
  FOLLOW_UP: 'Hertoets',
  NETWORK: 'Netwerkbezoek',
};

export const STATUS_LABELS: Record<string, string> = {
  PLANNED: 'Gepland',
  CONFIRMED: 'Bevestigd',
  COMPLETED: 'Afgerond',
  CANCELLED: 'Geannuleerd',
};

export const ENFORCEMENT_LABELS: Record<string, string> = {
  NORMOVERDRAGEND_GESPREK: 'Normoverdragend gesprek',
  VERSCHERPT_TOEZICHT: 'Verscherpt toezicht',
  AANWIJZING: 'Aanwijzing',
  BEVEL: 'Bevel',
  LAST_ONDER_DWANGSOM: 'Last onder dwangsom',
  BESTUURLIJKE_BOETE: 'Bestuurlijke boete',
  TUCHTKLACHT: 'Tuchtklacht',
  AANGIFTE: 'Aangifte',
  VEILIGHEIDSMAATREGEL: 'Veiligheidsmaatregel',
};

export const CATEGORY_LABELS: Record<string, string> = {
  CALAMITEIT: 'Calamiteit',
  GEWELD: 'Geweld',
  SEKSUEEL_GRENSOVERSCHRIJDEND_GEDRAG: 'Seksueel grensoverschrijdend gedrag',
  NIET_NATUURLIJK_OVERLIJDEN: 'Niet-natuurlijk overlijden',
  ZORGFRAUDE: 'Zorgfraude',
  ILLEGALE_GENEESMIDDELEN: 'Illegale geneesmiddelen',
  ONBEVOEGD_HANDELEN: 'Onbevoegd handelen',
  DISFUNCTIONEREN_ZORGVERLENER: 'Disfunctioneren zorgverlener',
  KLACHT: 'Klacht',
  OVERIG: 'Overig',
};

export const SEVERITY_LABELS: Record<string, string> = { LOW: 'Laag', MEDIUM: 'Middel', HIGH: 'Hoog', CRITICAL: 'Kritiek' };

export const ROUTING_LABELS: Record<string, string> = {
  PENDING: 'Open',
  ACCEPTED: 'Opgepakt',
  DECLINED: 'Afgewezen',
  JOINT: 'Gezamenlijk',
  EXPIRED: 'Termijn verstreken',
};

export const label = (labels: Record<string, string>, value: string): string => labels[value] ?? value;

const dateFormat = new Intl.DateTimeFormat('nl-NL', { timeZone: ZONE, day: 'numeric', month: 'short', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat('nl-NL', { timeZone: ZONE, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const timeFormat = new Intl.DateTimeFormat('nl-NL', { timeZone: ZONE, hour: '2-digit', minute: '2-digit' });

export const formatDate = (iso: string): string => dateFormat.format(new Date(iso));
export const formatDateTime = (iso: string): string => dateTimeFormat.format(new Date(iso));

/** ISO week number and its year (the Thursday of the week decides the year). */
export function isoWeek(date: Date): { year: number; week: number } {
  const thursday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  thursday.setUTCDate(thursday.getUTCDate() + 4 - (thursday.getUTCDay() || 7));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  return { year: thursday.getUTCFullYear(), week: Math.ceil(((thursday.getTime() - yearStart) / DAY + 1) / 7) };
}

/** A window as people say it: the day and hours, or only "week 49 (2026)" for an unannounced visit of others. */
export function formatWindow(window: { start: string; end: string; precision: string }): string {
  if (window.precision === 'WEEK') {
    // The window runs from the Monday to the next Monday: the week is that of its first day.
    const { year, week } = isoWeek(new Date(Date.parse(window.start) + DAY / 2));
    return `week ${week} (${year}), dag en tijd onbekend`;
  }
  const start = new Date(window.start);
  const end = new Date(window.end);
  if (end.getTime() - start.getTime() < DAY && dateFormat.format(start) === dateFormat.format(end)) {
    return `${dateTimeFormat.format(start)}–${timeFormat.format(end)}`;
  }
  return `${dateTimeFormat.format(start)} t/m ${dateTimeFormat.format(end)}`;
}

/** Monday 00:00 UTC of the week that contains `date`. */
export function mondayOf(date: Date): Date {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY);
}

export const addDays = (date: Date, days: number): Date => new Date(date.getTime() + days * DAY);

/** A value for <input type="datetime-local"> (browser time) and back. */
export function toLocalInput(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function fromLocalInput(value: string): Date | undefined {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export const organisationName = (organisation: { code: string; name?: string }): string => organisation.name ?? organisation.code;
