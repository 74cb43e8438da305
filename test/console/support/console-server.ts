import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { expect } from 'vitest';
import { AuditWriter } from '../../../src/audit/index.js';
import { loadDemoData } from '../../../src/demo/demo-data.js';
import { DEMO_PERSONAS } from '../../../src/demo/personas.js';
import { startTestApp, type TestApp, type TestAppOptions } from '../../support/test-app.js';

/**
 * What the console's browser tests run against: the real server in development mode (so the sign-in page offers
 * the demo personas) with the demo data, on a real port of 127.0.0.1, and one headless Chromium from the npm
 * registry (@sparticuz/chromium: no system browser, no download) driven by puppeteer-core.
 */
export interface ConsoleHarness {
  t: TestApp;
  url: string;
  browser: Browser;
  /** A fresh, empty browser context (own sessionStorage) with one page at /console. */
  open(path?: string): Promise<Page>;
  close(): Promise<void>;
}

// Lambda-oriented flags that would weaken what the tests check (CSP, same-origin) or make pages share a process.
const DROPPED_FLAGS = new Set(['--single-process', '--disable-web-security', '--allow-running-insecure-content']);

export async function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: await chromium.executablePath(),
    args: chromium.args.filter((flag) => !DROPPED_FLAGS.has(flag)),
    headless: true,
    defaultViewport: { width: 1280, height: 900 },
  });
}

export async function startConsole(options: TestAppOptions = {}): Promise<ConsoleHarness> {
  const t = await startTestApp({
    ...options,
    env: { NODE_ENV: 'development', ...options.env },
    demoPersonas: async (issuer) =>
      Promise.all(
        DEMO_PERSONAS.map(async (persona) => ({
          label: `${persona.label} (${persona.org}: ${persona.roles.join(', ')})`,
          token: await issuer.token(persona.org, persona.roles, { sub: persona.sub }),
        })),
      ),
  });
  const writer = new AuditWriter(() => t.app.orm.em.fork());
  await loadDemoData(t.app.orm, writer, t.app.settings, t.logger);
  await writer.close();
  const address = await t.app.http.listen({ host: '127.0.0.1', port: 0 });
  const browser = await launchChromium();
  const contexts: Array<{ close(): Promise<void> }> = [];
  return {
    t,
    url: address,
    browser,
    async open(path = '/console') {
      const context = await browser.createBrowserContext();
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
      });
      page.on('pageerror', (error) => violations.push(`page error: ${String(error)}`));
      (page as Page & { problems: string[] }).problems = violations;
      await page.goto(`${address}${path}`, { waitUntil: 'load' });
      return page;
    },
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

/** Browser-side problems the page reported (CSP refusals, uncaught errors): a test expects none. */
export const pageProblems = (page: Page): string[] => (page as Page & { problems?: string[] }).problems ?? [];

/** Signs in on the sign-in page with the demo persona whose label starts with `label`. */
export async function signInAs(page: Page, label: string): Promise<void> {
  await page.waitForSelector('#persona');
  const value = await page.$$eval('#persona option', (options, wanted) => options.find((option) => option.textContent!.startsWith(wanted))?.getAttribute('value'), label);
  if (value == null) throw new Error(`no demo persona "${label}"`);
  await page.select('#persona', value);
  await page.click('button[type=submit]');
  await page.waitForSelector('nav[aria-label=Hoofdmenu]');
}

/** Goes to a page of the console through its navigation, as a user does. */
export async function navigate(page: Page, title: string): Promise<void> {
  await clickByText(page, 'nav a', title);
  await page.waitForFunction((wanted) => document.querySelector('h1')?.textContent === wanted, {}, title);
}

export async function clickByText(page: Page, selector: string, text: string): Promise<void> {
  const handle = await page.waitForFunction(
    (css, wanted) => [...document.querySelectorAll<HTMLElement>(css)].find((element) => element.textContent?.trim().includes(wanted)),
    {},
    selector,
    text,
  );
  await (handle as unknown as { click(): Promise<void> }).click();
}

export const textOf = (page: Page, selector: string) => page.$eval(selector, (element) => (element as HTMLElement).innerText);

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Sets an input's value as typing would (Preact listens for `input`); for date-time fields, which do not take keys well. */
export async function setValue(page: Page, selector: string, value: string): Promise<void> {
  await page.$eval(
    selector,
    (element, text) => {
      const input = element as HTMLInputElement;
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, text);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    value,
  );
}

/** Presses Tab until the focused element matches the selector (and text); the focus order must reach it. */
export async function tabTo(page: Page, selector: string, text = '', max = 40): Promise<void> {
  for (let press = 0; press < max; press++) {
    await page.keyboard.press('Tab');
    const reached = await page.evaluate(
      (css, wanted) => Boolean(document.activeElement?.matches(css) && (document.activeElement.textContent ?? '').includes(wanted)),
      selector,
      text,
    );
    if (reached) return;
  }
  const last = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
  throw new Error(`Tab did not reach ${selector} "${text}" within ${max} presses (last: ${last})`);
}

export async function expectAccessible(page: Page, what: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: unknown }> }> }> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')})`);
  });
  expect(violations, `${what}: WCAG 2.1 A/AA violations`).toEqual([]);
}
