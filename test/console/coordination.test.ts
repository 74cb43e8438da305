import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickByText, expectAccessible, navigate, pageProblems, signInAs, startConsole, textOf, type ConsoleHarness } from './support/console-server.js';

/** Mijn planning: from a conflict to a joint visit, with the other organisation's coordinator's consent. */
describe('planner console: conflicts, proposals and joint visits', () => {
  let h: ConsoleHarness;
  let names: Record<string, string>;
  let igj: Page;
  let nza: Page;

  beforeAll(async () => {
    h = await startConsole();
    const client = await h.t.as('IGJ', ['PLANNER'] as never);
    const { organisations } = await client.ok<{ organisations: Array<{ code: string; name: string }> }>('{ organisations { code name } }');
    names = Object.fromEntries(organisations.map((organisation) => [organisation.code, organisation.name]));
    [igj, nza] = await Promise.all([h.open(), h.open()]);
    await Promise.all([signInAs(igj, 'IGJ planner + coordinator'), signInAs(nza, 'NZa planner + coordinator')]);
  });
  afterAll(async () => h?.close());

  const visitCard = (page: Page, provider: string) =>
    page.$$eval('[data-testid=my-visits] > li', (cards, name) => cards.filter((card) => card.querySelector('h3')?.textContent?.startsWith(name)).map((card) => (card as HTMLElement).innerText), provider);

  it('lists the own visits with open conflicts first', async () => {
    await navigate(igj, 'Mijn planning');
    await igj.waitForSelector('[data-testid=my-visits] > li');
    const first = await textOf(igj, '[data-testid=my-visits] > li');
    expect(first).toContain('Zorggroep Amstelland');
    expect(first).toContain(`Conflict met ${names.NZA}`);
    expect(first).toContain(`Conflict met ${names.GM0363}`);
    await expectAccessible(igj, 'Mijn planning with conflicts');
  });

  it('acknowledges a conflict only with a justification, shown next to the field when missing', async () => {
    const field = `textarea[id^="justification-"]`;
    const ids = await igj.$$eval(field, (areas) => areas.map((area) => area.id));
    const municipalityConflict = await igj.$$eval(
      '[data-testid=conflict]',
      (blocks, name) => blocks.findIndex((block) => block.textContent?.includes(`Conflict met ${name}`)),
      names.GM0363,
    );
    const id = ids[municipalityConflict]!;
    const acknowledge = () => igj.$$eval('[data-testid=conflict] button[type=submit]', (buttons, index) => (buttons[index] as HTMLButtonElement).click(), municipalityConflict);
    await acknowledge(); // without a justification first
    await igj.waitForSelector(`#${id}-error`);
    expect(await textOf(igj, `#${id}-error`)).toMatch(/justification/i);
    await igj.type(`#${id}`, 'Gemeente toetst Wmo-kwaliteit bij het thuiszorgteam; wij het verpleeghuis. Afgestemd per telefoon.');
    await acknowledge();
    await igj.waitForFunction(() => document.querySelector('[aria-live] .utrecht-alert--ok')?.textContent?.includes('bevestigd'));
    await igj.waitForFunction((name) => !document.querySelector('[data-testid=my-visits] > li')?.textContent?.includes(`Conflict met ${name}`), {}, names.GM0363);
  });

  it('proposes a joint visit; the other organisation’s coordinator accepts; the joint visit appears for both', async () => {
    await clickByText(igj, 'button', `Gezamenlijk bezoek voorstellen aan ${names.NZA}`);
    await igj.waitForFunction(() => document.querySelector('[aria-live] .utrecht-alert--ok')?.textContent?.includes('voorstel'));
    await igj.waitForSelector('[data-testid=outgoing-proposals]');
    expect(await textOf(igj, '[data-testid=outgoing-proposals]')).toContain('Wacht op antwoord');

    await navigate(nza, 'Mijn planning');
    await nza.waitForSelector('[data-testid=incoming-proposals]');
    expect(await textOf(nza, '[data-testid=incoming-proposals]')).toContain(names.IGJ);
    await expectAccessible(nza, 'Mijn planning with an incoming proposal');
    await clickByText(nza, '[data-testid=incoming-proposals] button', 'Accepteren');
    await nza.waitForFunction(() => document.querySelector('[aria-live] .utrecht-alert--ok')?.textContent?.includes('gezamenlijke bezoek'));
    await nza.waitForFunction(() => document.querySelector('[data-testid=my-visits]')?.textContent?.includes('geleid door'));
    const forNza = await visitCard(nza, 'Zorggroep Amstelland');
    expect(forNza).toHaveLength(1); // its own visit is merged into the joint one: shown once
    expect(forNza[0]).toContain(`geleid door ${names.IGJ}`);
    expect(forNza[0]).toContain(`gezamenlijk bezoek met ${names.NZA}`);

    await igj.reload();
    await igj.waitForSelector('[data-testid=my-visits] > li');
    const forIgj = await visitCard(igj, 'Zorggroep Amstelland');
    expect(forIgj).toHaveLength(1);
    expect(forIgj[0]).toContain(`gezamenlijk bezoek met ${names.NZA}`);
    await igj.waitForSelector('[data-testid=outgoing-proposals]'); // its own request
    expect(await textOf(igj, '[data-testid=outgoing-proposals]')).toContain('Geaccepteerd');

    // On the provider page the joint visit is one item, in the lead's row, with its participant.
    await navigate(igj, 'Zorgaanbieder');
    await igj.type('#provider-search', 'Amstelland');
    await igj.keyboard.press('Enter');
    await igj.waitForSelector('#results-heading');
    await clickByText(igj, '.console-results a', 'Zorggroep Amstelland');
    await igj.waitForSelector('[data-testid=timeline] .console-visit');
    const rows = await igj.$$eval('.console-timeline__label', (labels) => labels.map((label) => label.textContent));
    expect(rows.sort()).toEqual([names.GM0363, names.IGJ].sort());
    expect(await igj.$$eval('.console-visit--joint', (items) => items.map((item) => item.textContent))).toEqual([expect.stringContaining(`gezamenlijk bezoek met ${names.NZA}`)]);
    expect([...pageProblems(igj), ...pageProblems(nza)]).toEqual([]);
  });
});
