import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Role } from '../support/test-app.js';
import { actionInput, record } from '../support/enforcement.js';
import { signalInput, submit } from '../support/signals.js';
import { clickByText, navigate, setValue, signInAs, startConsole, type ConsoleHarness } from './support/console-server.js';

/**
 * Photographs the console's pages for docs/console.md (run by `npm run docs:screenshots`, not by `npm test`):
 * the demo data, a real server and Chromium, the same steps as the walkthrough.
 */
const OUT = 'docs/console';
let h: ConsoleHarness;

beforeAll(async () => {
  h = await startConsole();
  mkdirSync(OUT, { recursive: true });
  const [provider] = await h.t.sql<{ id: string }>("select id from provider where kvk_number = '90000011'");
  const today = h.t.clock.now().toISOString().slice(0, 10);
  await record(await h.t.as('IGJ', [Role.ENFORCEMENT_OFFICER]), actionInput(provider!.id, { type: 'AANWIJZING', imposedOn: today, deadline: new Date(Date.parse(today) + 42 * 86_400_000).toISOString().slice(0, 10) }));
  // One signal from two months ago (its routing to IGJ is overdue), two of today.
  const now = h.t.clock.now();
  h.t.clock.set(new Date(now.getTime() - 60 * 86_400_000).toISOString());
  await submit(await h.t.as('NZA', [Role.INTAKE]), signalInput({ externalId: 'NZA-2026-0311', category: 'CALAMITEIT', providers: [{ kvkNumber: '90000011' }], occurredAt: new Date(now.getTime() - 62 * 86_400_000).toISOString(), summary: 'Val met letsel in de nachtdienst.' }));
  h.t.clock.set(now.toISOString());
  const nza = await h.t.as('NZA', [Role.INTAKE]);
  await submit(nza, signalInput({ externalId: 'NZA-2026-0417', category: 'ZORGFRAUDE', providers: [{ kvkNumber: '90000011' }], summary: 'Declaraties voor zorg die volgens cliënten niet is geleverd.' }));
  await submit(nza, signalInput({ externalId: 'NZA-2026-0422', category: 'KLACHT', providers: [{ kvkNumber: '90000022' }], summary: 'Klacht over bereikbaarheid buiten kantooruren.' }));
});
afterAll(async () => h?.close());

async function shoot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

it('writes the screenshots of every page', async () => {
  const planner = await h.open();
  await planner.waitForSelector('#persona');
  await shoot(planner, '1-aanmelden');

  await signInAs(planner, 'IGJ planner + coordinator');
  await planner.type('#provider-search', 'Amstelland');
  await planner.keyboard.press('Enter');
  await planner.waitForSelector('#results-heading');
  await clickByText(planner, '.console-results a', 'Zorggroep Amstelland');
  await planner.waitForSelector('[data-testid=timeline] .console-visit');
  await planner.waitForFunction(() => !document.querySelector('[data-testid=open-signals]')?.textContent?.includes('geladen'));
  await shoot(planner, '2-zorgaanbieder');

  await clickByText(planner, 'a', 'Bezoek plannen bij');
  await planner.waitForSelector('[data-testid=chosen-providers]');
  const monday = new Date();
  monday.setDate(monday.getDate() + (((8 - monday.getDay()) % 7) || 7) + 2);
  const day = `${monday.getFullYear()}-${String(monday.getMonth() + 1).padStart(2, '0')}-${String(monday.getDate()).padStart(2, '0')}`;
  await setValue(planner, '#start', `${day}T09:00`);
  await setValue(planner, '#end', `${day}T12:00`);
  await planner.type('#themes', 'medicatieveiligheid');
  await planner.waitForSelector('[data-testid=what-if] .utrecht-alert--warning');
  await shoot(planner, '3-bezoek-plannen');

  await navigate(planner, 'Mijn planning');
  await planner.waitForSelector('[data-testid=my-visits] [data-testid=conflict]');
  await shoot(planner, '4-mijn-planning');

  const municipality = await h.open();
  await signInAs(municipality, 'Gemeente Amsterdam planner');
  await municipality.type('#provider-search', '90000011');
  await municipality.keyboard.press('Enter');
  await municipality.waitForSelector('#results-heading');
  await clickByText(municipality, '.console-results a', 'Zorggroep Amstelland');
  await municipality.waitForSelector('.console-visit--week');
  await shoot(municipality, '5-gemeente-ziet-week');

  const intake = await h.open();
  await signInAs(intake, 'IGJ intake');
  await navigate(intake, 'Signalen');
  await intake.waitForSelector('[data-testid=inbox] tbody tr');
  await clickByText(intake, '[data-testid=inbox] button', 'NZA-2026-0417');
  await intake.waitForSelector('[data-testid=signal-detail]');
  await shoot(intake, '6-signalen');
  expect(true).toBe(true);
});
