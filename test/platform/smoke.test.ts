import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, startTestApp, type TestApp } from '../support/test-app.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('answers me', async () => {
    const client = await t.as('IGJ', [Role.PLANNER]);
    const data = await client.ok('{ me { sub organisation { code kind } roles } }');
    expect(data.me.organisation.code).toBe('IGJ');
  });
});
