import { readFileSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { launchChromium } from './support/console-server.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Left over from the REST bridge (issue 11): its Swagger UI renders offline and lists every route of the document. */
describe('REST bridge docs page in a browser', () => {
  let t: TestApp;
  let url: string;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestApp({ env: { API_DOCS: 'on' } });
    url = await t.app.http.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('renders Swagger UI from this server only and lists every route of openapi-bridge/openapi.json', async () => {
    const openapi = JSON.parse(readFileSync('openapi-bridge/openapi.json', 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    const expected = Object.entries(openapi.paths)
      .flatMap(([route, operations]) => Object.keys(operations).filter((key) => METHODS.includes(key)).map((method) => `${method.toUpperCase()} ${route}`))
      .sort();
    expect(expected.length).toBeGreaterThan(5);

    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (/Content.Security.Policy|Refused to/i.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(String(error)));
    await page.goto(`${url}/api/v1/docs`, { waitUntil: 'load' });
    await page.waitForFunction((count) => document.querySelectorAll('.opblock').length >= count, {}, expected.length);
    const listed = await page.$$eval('.opblock', (blocks) =>
      blocks.map((block) => `${block.querySelector('.opblock-summary-method')?.textContent?.trim()} ${block.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`),
    );
    expect(listed.sort()).toEqual(expected);
    expect(await page.$eval('.info .title', (title) => title.textContent)).toContain('Samenloop');
    // Offline: nothing was fetched from anywhere but this server (data: URLs are the bundle's own images).
    expect(requested.filter((address) => !address.startsWith(url) && !address.startsWith('data:'))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
