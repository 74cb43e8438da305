import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionInput, record } from '../support/enforcement.js';
import { clickByText, expectAccessible, navigate, pageProblems, setValue, signInAs, startConsole, tabTo, textOf, type ConsoleHarness } from './support/console-server.js';

/** A planner's day in the console, on a real Chromium against the real server with the demo data. */
describe('planner console: provider page and planning with the what-if check', () => {
  let h: ConsoleHarness;
  let names: Record<string, string>;
  let visitsBefore: number;
  let planner: Page;

  beforeAll(async () => {
    h = await startConsole();
    const admin = await h.t.as('IGJ', ['PLANNER'] as never);
    const { organisations } = await admin.ok<{ organisations: Array<{ code: string; name: string }> }>('{ organisations { code name } }');
    names = Object.fromEntries(organisations.map((organisation) => [organisation.code, organisation.name]));
    visitsBefore = (await h.t.sql<{ n: number }>('select count(*)::int as n from visit'))[0]!.n;
    // A measure in force at the demo provider, recorded through the API.
    const [provider] = await h.t.sql<{ id: string }>("select id from provider where kvk_number = '90000011'");
    const today = h.t.clock.now().toISOString().slice(0, 10);
    const officer = await h.t.as('IGJ', ['ENFORCEMENT_OFFICER'] as never);
    await record(officer, actionInput(provider!.id, { type: 'AANWIJZING', imposedOn: today, deadline: today, legalBasis: 'Wkkgz art. 27' }));
    planner = await h.open();
  });
  afterAll(async () => h?.close());

  const openProvider = async (page: Page, name: string) => {
    await page.waitForSelector('#provider-search');
    await page.type('#provider-search', name);
    await page.click('form[role=search] button[type=submit]');
    await page.waitForSelector('#results-heading');
    await clickByText(page, '.console-results a', name);
    await page.waitForSelector('[data-testid=provider-overview] [data-testid=timeline]');
  };

  it('signs a planner in with a demo persona; the sign-in page passes axe', async () => {
    await planner.waitForSelector('#persona');
    await expectAccessible(planner, 'sign-in page');
    await signInAs(planner, 'IGJ planner + coordinator');
    expect(await textOf(planner, 'header')).toContain('planner@igj.demo');
    expect(await planner.evaluate(() => sessionStorage.getItem('samenloop.token'))).toMatch(/^ey/);
    expect(await planner.evaluate(() => localStorage.length)).toBe(0);
    // A new user has somewhere to start: the providers within reach.
    await planner.waitForSelector('#within-reach-heading');
    expect(await textOf(planner, 'main')).toContain('Zorggroep Amstelland');
  });

  it('finds the demo provider and shows the three-organisation overlap on its timeline, with load and measures', async () => {
    await openProvider(planner, 'Zorggroep Amstelland');
    const rows = await planner.$$eval('.console-timeline__label', (labels) => labels.map((label) => label.textContent));
    expect(rows.sort()).toEqual([names.GM0363, names.IGJ, names.NZA].sort());
    // Each of the three visits lies within the margin of the others: all three are marked as in conflict.
    expect(await planner.$$eval('.console-visit--conflict', (items) => items.length)).toBe(3);
    const timeline = await textOf(planner, '[data-testid=timeline]');
    expect(timeline).toContain('medicatieveiligheid'); // IGJ's own unannounced visit: the detail view, themes and all
    expect(timeline).toMatch(new RegExp(`Conflict met [^.]*${names.NZA}`));
    expect(await textOf(planner, '[data-testid=measures]')).toMatch(new RegExp(`^Aanwijzing door ${names.IGJ}, opgelegd `));
    const load = await textOf(planner, '[data-testid=load-chart]');
    expect(load).toMatch(/3 bezoeken van 3 organisaties/);
    await planner.waitForFunction(() => !document.querySelector('[data-testid=open-signals]')?.textContent?.includes('geladen')); // its own request
    expect(await textOf(planner, '[data-testid=open-signals]')).toMatch(/^0 open signalen/);
    await expectAccessible(planner, 'provider page');
  });

  it('plans a visit: the what-if check warns of the conflicts while the dates change, before anything is saved', async () => {
    await clickByText(planner, 'a', 'Bezoek plannen bij Zorggroep Amstelland');
    await planner.waitForFunction(() => document.querySelector('[data-testid=chosen-providers]')?.textContent?.includes('Zorggroep Amstelland'));
    // Far from every demo visit first: no conflict.
    await setValue(planner, '#start', localInput(120, 9));
    await setValue(planner, '#end', localInput(120, 12));
    await planner.waitForFunction(() => document.querySelector('[data-testid=what-if]')?.textContent?.includes('Geen conflicten'));
    // Then into the demo week: the warning names the other supervisors' visits.
    await setValue(planner, '#start', localInput(nextWednesdayOffset(), 9));
    await setValue(planner, '#end', localInput(nextWednesdayOffset(), 12));
    await planner.waitForFunction(() => document.querySelector('[data-testid=what-if] .utrecht-alert--warning'));
    const warning = await textOf(planner, '[data-testid=what-if]');
    expect(warning).toContain('zou botsen met 3 andere bezoeken');
    expect(warning).toContain(names.NZA);
    expect(warning).toContain(names.GM0363);
    expect((await h.t.sql<{ n: number }>('select count(*)::int as n from visit'))[0]!.n).toBe(visitsBefore); // nothing saved yet
    await expectAccessible(planner, 'plan-visit page with a conflict warning');

    await planner.type('#themes', 'medicatieveiligheid, nachtdienst');
    await planner.click('form.console-form button[type=submit]');
    await planner.waitForFunction(() => document.querySelector('.utrecht-alert--ok')?.textContent?.includes('opgeslagen'));
    expect(await textOf(planner, '.utrecht-alert--ok')).toContain('met 3 open conflicten');
    expect((await h.t.sql<{ n: number }>('select count(*)::int as n from visit'))[0]!.n).toBe(visitsBefore + 1);
    expect(pageProblems(planner)).toEqual([]);
  });

  it('shows every API error as a sentence next to the field it names', async () => {
    await setValue(planner, '#start', localInput(30, 12));
    await setValue(planner, '#end', localInput(30, 9)); // ends before it starts
    await planner.waitForSelector('#end-error');
    expect(await textOf(planner, '#end-error')).toMatch(/end must lie after start/);
    expect(await planner.$eval('#end', (input) => input.getAttribute('aria-describedby'))).toContain('end-error');
    await setValue(planner, '#end', localInput(45, 9)); // longer than 14 days: refused on saving, next to the field
    await planner.click('form.console-form button[type=submit]');
    await planner.waitForFunction(() => document.querySelector('#end-error')?.textContent?.includes('at most 14 days'));
    expect((await h.t.sql<{ n: number }>('select count(*)::int as n from visit'))[0]!.n).toBe(visitsBefore + 1);
  });

  it("shows a municipality planner an unannounced IGJ visit only as a week, without its themes", async () => {
    const municipality = await h.open();
    await signInAs(municipality, 'Gemeente Amsterdam planner');
    await municipality.waitForSelector('#within-reach-heading');
    const withinReach = await textOf(municipality, 'main');
    expect(withinReach).toContain('Zorggroep Amstelland');
    expect(withinReach).not.toContain('Ziekenhuis Zuidwest Rotterdam'); // a municipality sees only providers in its territory
    await openProvider(municipality, 'Zorggroep Amstelland');
    const igj = await municipality.$$eval(
      '.console-timeline__row',
      (rows, name) => rows.filter((row) => row.querySelector('.console-timeline__label')?.textContent === name).flatMap((row) => [...row.querySelectorAll('.console-visit')].map((item) => ({ precision: item.getAttribute('data-precision'), text: item.textContent ?? '' }))),
      names.IGJ,
    );
    // IGJ's demo visit is unannounced; the visit planned above is announced and shows its day.
    const unannounced = igj.filter((visit) => visit.text.includes('onaangekondigd'));
    expect(unannounced.length).toBe(1);
    for (const visit of unannounced) {
      expect(visit.precision).toBe('WEEK');
      expect(visit.text).toMatch(/week \d+ \(\d{4}\), dag en tijd onbekend/);
      expect(visit.text).not.toContain('medicatieveiligheid');
    }
    expect(await municipality.$$eval('.console-visit--week', (items) => items.length)).toBe(unannounced.length);
    await expectAccessible(municipality, 'provider page of a municipality');
  });

  it('can be used with the keyboard only: sign in, find a provider, open the planning form', async () => {
    const page = await h.open();
    await tabTo(page, '#persona');
    await tabTo(page, 'button[type=submit]', 'Aanmelden als demo-gebruiker');
    await page.keyboard.press('Enter');
    await page.waitForSelector('nav[aria-label=Hoofdmenu]');
    await tabTo(page, 'a.utrecht-skip-link');
    await page.keyboard.press('Enter');
    await tabTo(page, '#provider-search');
    await page.keyboard.type('90000011'); // its KvK number
    await page.keyboard.press('Enter');
    await page.waitForSelector('#results-heading');
    await tabTo(page, '.console-results a', 'Zorggroep Amstelland');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=provider-overview]');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('inhoud'); // a new page: focus at its content
    await page.keyboard.down('Shift');
    await tabTo(page, 'a.utrecht-skip-link'); // Shift+Tab back to the skip link; it must keep the page
    await page.keyboard.up('Shift');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => [document.activeElement?.id, Boolean(document.querySelector('[data-testid=provider-overview]'))])).toEqual(['inhoud', true]);
    await tabTo(page, 'a', 'Bezoek plannen bij');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Bezoek plannen');
    // A visible focus indicator on the focused control.
    await tabTo(page, '#start');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
    await navigate(page, 'Mijn planning'); // the navigation still works after keyboard use
  });
});

/** `days` from today at `hour` o'clock, as a datetime-local value (the browser runs in the machine's zone). */
function localInput(days: number, hour: number): string {
  const date = new Date();
  date.setDate(date.getDate() + days);
  date.setHours(hour, 0, 0, 0);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(hour)}:00`;
}

/** Days from today to next week's Wednesday: the demo week (src/demo/demo-data.ts plans from next Monday). */
function nextWednesdayOffset(): number {
  const today = new Date();
  const daysToMonday = ((8 - today.getUTCDay()) % 7) || 7;
  return daysToMonday + 2;
}
