import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, TestIssuer } from '../support/test-app.js';
import { submit, signalInput } from '../support/signals.js';
import { clickByText, expectAccessible, navigate, pageProblems, signInAs, startConsole, textOf, type ConsoleHarness } from './support/console-server.js';

const DAY = 86_400_000;
const startForeignIssuer = () => TestIssuer.create('not-trusted');

/** Signalen: the inbox of routings to the intake officer's organisation, overdue first; deciding one. */
describe('planner console: the signal inbox', () => {
  let h: ConsoleHarness;
  let intake: Page;
  let overdue: { id: string; routing: string };
  let fresh: { id: string; routing: string };

  beforeAll(async () => {
    h = await startConsole();
    const now = h.t.clock.now();
    const provider = { kvkNumber: '90000011' }; // Zorggroep Amstelland: health care, so routed to IGJ (IGJ-GEZONDHEIDSZORG, 8 weeks)
    // One submitted 60 days ago (its IGJ routing is past due), one today.
    h.t.clock.set(new Date(now.getTime() - 60 * DAY).toISOString());
    const nza = await h.t.as('NZA', [Role.INTAKE]);
    const old = await submit(nza, signalInput({ externalId: 'NZA-2026-0001', category: 'CALAMITEIT', providers: [provider], occurredAt: new Date(now.getTime() - 61 * DAY).toISOString(), summary: 'Val met letsel in de nachtdienst, niet gemeld.' }));
    h.t.clock.set(now.toISOString());
    const today = await submit(await h.t.as('NZA', [Role.INTAKE]), signalInput({ externalId: 'NZA-2026-0002', category: 'KLACHT', providers: [provider], occurredAt: new Date(now.getTime() - DAY).toISOString(), summary: 'Klacht over medicatie die te laat werd gegeven.' }));
    const toIgj = (result: Awaited<ReturnType<typeof submit>>) => ({ id: result.signal.id as string, routing: result.routings.find((routing) => routing.recipient.code === 'IGJ')!.id as string });
    overdue = toIgj(old);
    fresh = toIgj(today);
    intake = await h.open();
    await signInAs(intake, 'IGJ intake');
  });
  afterAll(async () => h?.close());

  it('shows an intake officer the open signals about a provider, and says the planning is not for their role', async () => {
    await intake.waitForSelector('#provider-search');
    await intake.type('#provider-search', '90000011');
    await intake.keyboard.press('Enter');
    await intake.waitForSelector('#results-heading');
    await clickByText(intake, '.console-results a', 'Zorggroep Amstelland');
    await intake.waitForSelector('[data-testid=planning-hidden]');
    await intake.waitForFunction(() => !document.querySelector('[data-testid=open-signals]')?.textContent?.includes('geladen'));
    expect(await textOf(intake, '[data-testid=open-signals]')).toBe('2 open signalen die u mag zien, waarvan 1 over de termijn.');
    expect(await intake.$('[data-testid=timeline]')).toBeNull();
  });

  it('lists the routings to the organisation, overdue first, with their due dates', async () => {
    await navigate(intake, 'Signalen');
    await intake.waitForSelector('[data-testid=inbox] tbody tr');
    const rows = await intake.$$eval('[data-testid=inbox] tbody tr', (trs) => trs.map((tr) => ({ id: tr.getAttribute('data-routing-id'), text: (tr as HTMLElement).innerText })));
    expect(rows.map((row) => row.id)).toEqual([overdue.routing, fresh.routing]);
    expect(rows[0]!.text).toContain('Over de termijn');
    expect(rows[0]!.text).toContain('NZA-2026-0001');
    expect(rows[1]!.text).toContain('Open');
    expect(await textOf(intake, 'main')).toContain('2 signalen wachten op een besluit');
    await expectAccessible(intake, 'Signalen');
  });

  it('opens a signal and decides: declining needs a reason (shown next to the field), accepting is recorded', async () => {
    await clickByText(intake, '[data-testid=inbox] button', 'NZA-2026-0001');
    await intake.waitForSelector('[data-testid=signal-detail]');
    expect(await textOf(intake, '[data-testid=signal-detail]')).toContain('Val met letsel in de nachtdienst');
    await expectAccessible(intake, 'an open signal');
    await intake.click('#outcome-DECLINE');
    await intake.click('[data-testid=signal-detail] button[type=submit]');
    await intake.waitForSelector('#decision-note-error');
    expect(await textOf(intake, '#decision-note-error')).toMatch(/decline/i);

    await intake.click('#outcome-ACCEPT');
    await intake.type('#decision-note', 'Wordt meegenomen in het bezoek van volgende week.');
    await intake.click('[data-testid=signal-detail] button[type=submit]');
    await intake.waitForFunction(() => document.querySelector('[aria-live] .utrecht-alert--ok')?.textContent?.includes('NZA-2026-0001'));
    await intake.waitForFunction((routing) => document.querySelector(`tr[data-routing-id="${routing}"]`)?.textContent?.includes('Opgepakt'), {}, overdue.routing);
    // Decided ones go below the open ones.
    expect(await intake.$$eval('[data-testid=inbox] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-routing-id')))).toEqual([fresh.routing, overdue.routing]);
    const [stored] = await h.t.sql<{ outcome: string; decided_by_sub: string }>('select outcome, decided_by_sub from routing_decision where routing_id = $1', [overdue.routing]);
    expect(stored).toEqual({ outcome: 'ACCEPT', decided_by_sub: 'intake@igj.demo' });
    expect(pageProblems(intake)).toEqual([]);
  });

  it('signs in with a pasted token (the way outside development); a malformed or refused token is explained', async () => {
    const page = await h.open();
    await page.waitForSelector('#token');
    await page.type('#token', 'not a token');
    await clickByText(page, 'button[type=submit]', 'Aanmelden met token');
    await page.waitForSelector('#token-error');
    expect(await textOf(page, '#token-error')).toContain('Dit is geen toegangstoken');
    expect(await page.$eval('#token', (area) => area.getAttribute('aria-describedby'))).toContain('token-error');

    const foreign = await (await startForeignIssuer()).token('IGJ', [Role.INTAKE]);
    await page.$eval('#token', (area) => ((area as HTMLTextAreaElement).value = ''));
    await page.type('#token', foreign); // well-formed, but signed by an issuer the server does not trust
    await clickByText(page, 'button[type=submit]', 'Aanmelden met token');
    await page.waitForFunction(() => document.querySelector('.utrecht-alert--error')?.textContent?.includes('niet (meer) geldig'));
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    const token = (await h.t.as('IGJ', [Role.INTAKE], 'paste@igj.demo')).token!;
    await page.type('#token', `Bearer ${token}`);
    await clickByText(page, 'button[type=submit]', 'Aanmelden met token');
    await page.waitForSelector('nav[aria-label=Hoofdmenu]');
    expect(await textOf(page, 'header')).toContain('paste@igj.demo');
    expect(await page.evaluate(() => [sessionStorage.getItem('samenloop.signInMethod'), localStorage.length])).toEqual(['pasted', 0]);
    await clickByText(page, 'header button', 'Afmelden');
    await page.waitForSelector('#token');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('tells a planner without a signal role that the inbox is not for them', async () => {
    const planner = await h.open();
    await signInAs(planner, 'Gemeente Utrecht planner');
    await navigate(planner, 'Signalen');
    await planner.waitForSelector('main .utrecht-alert--error');
    expect(await textOf(planner, 'main .utrecht-alert--error')).toContain('Uw rol geeft geen toegang tot signalen');
  });
});
