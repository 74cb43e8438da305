import { Role } from '../access/roles.js';
import type { AuditWriter } from '../audit/index.js';
import type { Orm } from '../platform/database/orm.js';
import { run, runOne, sqlf } from '../platform/database/sql.js';
import type { Logger } from '../platform/logging.js';
import { Country, registerProvider, Sector, type RegisterProviderFields } from '../providers/index.js';
import { planVisit, VisitKind } from '../visits/index.js';
import type { DomainSettings } from '../request-context.js';
import { systemContext } from '../system-context.js';

/**
 * Demo data for development: a handful of municipalities and a dozen providers across the Netherlands and
 * Flanders, registered through the normal services (so they are validated and audited like any other).
 * Names and numbers are made up; the KBO numbers pass their check.
 */
export const DEMO_MUNICIPALITIES: ReadonlyArray<{ code: string; name: string }> = [
  { code: 'GM0363', name: 'Gemeente Amsterdam' },
  { code: 'GM0344', name: 'Gemeente Utrecht' },
  { code: 'GM0599', name: 'Gemeente Rotterdam' },
  { code: 'GM0518', name: "Gemeente 's-Gravenhage" },
  { code: 'GM0772', name: 'Gemeente Eindhoven' },
  { code: 'GM0014', name: 'Gemeente Groningen' },
  { code: 'GM0744', name: 'Gemeente Baarle-Nassau' },
];

const nl = (name: string, street: string, postcode: string, city: string, municipalityCode: string, vestigingsnummer?: string) => ({
  name,
  street,
  postcode,
  city,
  municipalityCode,
  vestigingsnummer: vestigingsnummer ?? null,
  country: Country.NL,
});
const be = (name: string, street: string, postcode: string, city: string) => ({ name, street, postcode, city, country: Country.BE });

interface DemoRegistration {
  by: string;
  provider: RegisterProviderFields;
}

export const DEMO_PROVIDERS: readonly DemoRegistration[] = [
  {
    by: 'IGJ',
    provider: {
      name: 'Zorggroep Amstelland',
      kvkNumber: '90000011',
      agbCode: '73730011',
      sectors: [Sector.VERPLEEGHUIS, Sector.THUISZORG],
      locations: [
        nl('Verpleeghuis De Amstelhof', 'Amstelkade 12', '1078 AB', 'Amsterdam', 'GM0363', '000090000011'),
        nl('Thuiszorgteam Oost', 'Linnaeusstraat 40', '1093 EK', 'Amsterdam', 'GM0363', '000090000012'),
        nl('Woonzorgcentrum Vechtzicht', 'Vechtdijk 3', '3563 LA', 'Utrecht', 'GM0344', '000090000013'),
      ],
    },
  },
  {
    by: 'IGJ',
    provider: {
      name: 'Huisartsenpraktijk De Pijp',
      kvkNumber: '90000022',
      agbCode: '01090022',
      sectors: [Sector.HUISARTS],
      locations: [nl('Praktijk Sarphatipark', 'Sarphatipark 88', '1073 CZ', 'Amsterdam', 'GM0363')],
    },
  },
  {
    by: 'IGJ',
    provider: {
      name: 'Stichting Jeugdhulp Domstad',
      kvkNumber: '90000033',
      sectors: [Sector.JEUGDHULP],
      locations: [nl('Jeugdhulp Domstad Centrum', 'Oudegracht 210', '3511 NR', 'Utrecht', 'GM0344')],
    },
  },
  {
    by: 'IGJ',
    provider: {
      name: 'Thuiszorg Maas en Rijn',
      kvkNumber: '90000044',
      sectors: [Sector.THUISZORG, Sector.WMO],
      locations: [
        nl('Wijkteam Feijenoord', 'Beijerlandselaan 55', '3074 EC', 'Rotterdam', 'GM0599'),
        nl('Wijkteam Kralingen', 'Oudedijk 120', '3061 AP', 'Rotterdam', 'GM0599'),
      ],
    },
  },
  {
    by: 'IGJ',
    provider: {
      name: 'Ziekenhuis Zuidwest Rotterdam',
      kvkNumber: '90000055',
      agbCode: '06010055',
      sectors: [Sector.ZIEKENHUIS],
      locations: [nl('Locatie Zuidplein', 'Zuidplein 300', '3083 CW', 'Rotterdam', 'GM0599', '000090000055')],
    },
  },
  {
    by: 'IGJ',
    provider: {
      name: 'GGZ Haaglanden Centrum',
      kvkNumber: '90000066',
      sectors: [Sector.GGZ],
      locations: [nl('Polikliniek Centrum', 'Prinsegracht 70', '2512 GA', "'s-Gravenhage", 'GM0518')],
    },
  },
  {
    by: 'IJENV',
    provider: {
      name: 'Penitentiaire Inrichting Haaglanden-Oost',
      kvkNumber: '90000077',
      sectors: [Sector.PENITENTIAIRE_INRICHTING],
      locations: [nl('Medische dienst PI Haaglanden-Oost', 'Ypenburgse Boslaan 2', '2496 ZA', "'s-Gravenhage", 'GM0518')],
    },
  },
  {
    by: 'IJENV',
    provider: {
      name: 'Forensisch Psychiatrisch Centrum De Kempen',
      kvkNumber: '90000088',
      sectors: [Sector.FORENSISCH_PSYCHIATRISCH_CENTRUM, Sector.GGZ],
      locations: [nl('FPC De Kempen', 'Kempenweg 5', '5627 BX', 'Eindhoven', 'GM0772')],
    },
  },
  {
    by: 'IGJ',
    provider: {
      name: 'Apotheek Stadshart Eindhoven',
      kvkNumber: '90000099',
      agbCode: '02090099',
      sectors: [Sector.APOTHEEK],
      locations: [nl('Apotheek Stadshart', 'Rechtestraat 9', '5611 GM', 'Eindhoven', 'GM0772')],
    },
  },
  {
    by: 'IGJ',
    provider: {
      name: 'Kliniek Esthetica Noord',
      kvkNumber: '90000101',
      sectors: [Sector.PARTICULIERE_KLINIEK],
      locations: [nl('Kliniek Esthetica Noord', 'Zuiderdiep 44', '9711 HJ', 'Groningen', 'GM0014')],
    },
  },
  {
    by: 'GM0014',
    provider: {
      name: 'WoonZorg Stad en Ommeland',
      kvkNumber: '90000112',
      sectors: [Sector.WMO, Sector.GEHANDICAPTENZORG],
      locations: [nl('Begeleid wonen Oosterpoort', 'Meeuwerderweg 20', '9724 EN', 'Groningen', 'GM0014')],
    },
  },
  {
    by: 'ZORGINSPECTIE',
    provider: {
      name: 'Woonzorgcentrum Scheldeoever',
      kboNumber: '0412345614',
      sectors: [Sector.VERPLEEGHUIS],
      locations: [be('Woonzorgcentrum Scheldeoever', 'Scheldekaai 15', '2000', 'Antwerpen')],
    },
  },
  {
    by: 'IGJ',
    provider: {
      name: 'Grenszorg Baarle',
      kvkNumber: '90000123',
      sectors: [Sector.THUISZORG, Sector.HUISARTS],
      locations: [nl('Gezondheidscentrum Baarle-Nassau', 'Singel 8', '5111 CE', 'Baarle-Nassau', 'GM0744')],
    },
  },
  {
    // The same provider again, from the Flemish side: the registration adds the Belgian location.
    by: 'ZORGINSPECTIE',
    provider: {
      name: 'Grenszorg Baarle',
      kvkNumber: '90000123',
      sectors: [Sector.THUISZORG],
      locations: [be('Zorgpost Baarle-Hertog', 'Pastoor de Katerstraat 2', '2387', 'Baarle-Hertog')],
    },
  },
];

const LAST_REGISTRATION = DEMO_PROVIDERS.at(-1)!;

/** Loads the demo data unless it is already there. Returns whether anything was loaded. */
export async function loadDemoData(orm: Orm, writer: AuditWriter, settings: DomainSettings, logger: Logger): Promise<boolean> {
  const providersLoaded = await loadDemoProviders(orm, writer, settings, logger);
  const visitsLoaded = await loadDemoVisits(orm, writer, settings, logger);
  return providersLoaded || visitsLoaded;
}

async function loadDemoProviders(orm: Orm, writer: AuditWriter, settings: DomainSettings, logger: Logger): Promise<boolean> {
  const em = orm.em.fork();
  const done = await run(
    em,
    sqlf`select 1 from location l join provider p on p.id = l.provider_id where p.kvk_number = ${LAST_REGISTRATION.provider.kvkNumber} and l.country = 'BE'`,
  );
  if (done.length > 0) return false;

  for (const municipality of DEMO_MUNICIPALITIES) {
    await run(
      em,
      sqlf`insert into organisation (code, name, kind) values (${municipality.code}, ${municipality.name}, 'MUNICIPALITY')
       on conflict (code) do update set name = excluded.name where organisation.name = 'Gemeente ' || organisation.code`,
    );
  }
  for (const registration of DEMO_PROVIDERS) {
    const context = demoContext(orm, registration.by, writer, settings);
    await registerProvider(context, registration.provider);
    await context.audit.flush();
  }
  logger.info({ providers: DEMO_PROVIDERS.length, municipalities: DEMO_MUNICIPALITIES.length }, 'demo providers loaded');
  return true;
}

function demoContext(orm: Orm, organisation: string, writer: AuditWriter, settings: DomainSettings) {
  return systemContext({ em: orm.em, organisation, roles: [Role.PLANNER], sub: 'samenloop-demo-data', writer, settings });
}

interface DemoVisit {
  by: string;
  kvkNumber?: string;
  kboNumber?: string;
  location?: string;
  /** Day of next week (0 = Monday) and hours in UTC. */
  day: number;
  from: number;
  to: number;
  announced: boolean;
  kind: VisitKind;
  themes: string[];
  notes?: string;
}

/**
 * A realistic week of planning, next week: at Zorggroep Amstelland an unannounced IGJ visit, an announced visit
 * of the municipality of Amsterdam and an NZa visit the week after overlap — the case Samenloop exists for — and
 * around them the ordinary planning of other supervisors.
 */
export const DEMO_VISITS: readonly DemoVisit[] = [
  {
    by: 'IGJ', kvkNumber: '90000011', location: 'Verpleeghuis De Amstelhof', day: 1, from: 8, to: 15, announced: false,
    kind: VisitKind.RISK_BASED, themes: ['medicatieveiligheid', 'infectiepreventie'], notes: 'Signalen over medicatiefouten in de nachtdienst.',
  },
  {
    by: 'GM0363', kvkNumber: '90000011', location: 'Thuiszorgteam Oost', day: 3, from: 9, to: 12, announced: true,
    kind: VisitKind.THEMATIC, themes: ['wmo-kwaliteit', 'cliëntervaringen'],
  },
  {
    by: 'NZA', kvkNumber: '90000011', day: 9, from: 8, to: 11, announced: true,
    kind: VisitKind.THEMATIC, themes: ['goed bestuur', 'integere bedrijfsvoering'],
  },
  { by: 'IJENV', kvkNumber: '90000077', day: 0, from: 9, to: 13, announced: true, kind: VisitKind.RISK_BASED, themes: ['medische zorg gedetineerden'] },
  { by: 'IGJ', kvkNumber: '90000055', day: 2, from: 8, to: 16, announced: true, kind: VisitKind.THEMATIC, themes: ['acute zorg'] },
  { by: 'ZORGINSPECTIE', kboNumber: '0412345614', day: 3, from: 8, to: 14, announced: false, kind: VisitKind.RISK_BASED, themes: ['zorgkwaliteit'] },
  { by: 'GM0014', kvkNumber: '90000112', day: 4, from: 9, to: 12, announced: true, kind: VisitKind.THEMATIC, themes: ['begeleid wonen'] },
  { by: 'IGJ', kvkNumber: '90000101', day: 4, from: 8, to: 12, announced: true, kind: VisitKind.NEW_PROVIDER, themes: ['nieuwe toetreder'] },
];

async function loadDemoVisits(orm: Orm, writer: AuditWriter, settings: DomainSettings, logger: Logger): Promise<boolean> {
  const em = orm.em.fork();
  if ((await run(em, sqlf`select 1 from visit limit 1`)).length > 0) return false;
  const monday = nextMonday(new Date());
  for (const demo of DEMO_VISITS) {
    const provider = await runOne<{ id: string }>(
      em,
      sqlf`select id from provider where kvk_number = ${demo.kvkNumber ?? null} or kbo_number = ${demo.kboNumber ?? null}`,
    );
    if (!provider) continue;
    const location = demo.location
      ? await runOne<{ id: string }>(em, sqlf`select id from location where provider_id = ${provider.id} and name = ${demo.location}`)
      : undefined;
    const context = demoContext(orm, demo.by, writer, settings);
    const day = new Date(monday.getTime() + demo.day * 86_400_000);
    await planVisit(context, {
      providerIds: [provider.id],
      locationId: location?.id ?? null,
      start: new Date(day.getTime() + demo.from * 3_600_000),
      end: new Date(day.getTime() + demo.to * 3_600_000),
      announced: demo.announced,
      kind: demo.kind,
      themes: demo.themes,
      notes: demo.notes ?? null,
      sharedWith: [],
    });
    await context.audit.flush();
  }
  logger.info({ visits: DEMO_VISITS.length, week: monday.toISOString().slice(0, 10) }, 'demo visits loaded');
  return true;
}

function nextMonday(now: Date): Date {
  const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const daysAhead = ((8 - date.getUTCDay()) % 7) || 7;
  return new Date(date.getTime() + daysAhead * 86_400_000);
}
