import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as jose from 'jose';
import { Authenticator } from '../../src/access/authenticate.js';
import { Role, TestClock, TestIssuer } from '../support/test-app.js';

// Counts the signature checks the authenticator makes (the real jwtVerify does the work).
vi.mock('jose', async (importOriginal) => {
  const actual = await importOriginal<typeof import('jose')>();
  return { ...actual, jwtVerify: vi.fn(actual.jwtVerify) };
});
const verifications = () => vi.mocked(jose.jwtVerify).mock.calls.length;

/**
 * A verified token is remembered until it expires, so a client's next requests skip the signature check — but
 * never its expiry, and never past a change of its issuer's key set (a removed key stops being trusted exactly as
 * fast as without the cache: test/access/key-rotation.test.ts).
 */
describe('the verified-token cache', () => {
  afterEach(() => vi.mocked(jose.jwtVerify).mockClear());

  async function setUp(cacheSize?: number) {
    const clock = new TestClock('2027-01-04T08:00:00Z');
    const issuer = await TestIssuer.create('cache');
    const authenticator = new Authenticator({ issuers: [issuer.trusted()], clock: clock.now, ...(cacheSize ? { cacheSize } : {}) });
    const now = () => Math.floor(clock.now().getTime() / 1000);
    return { clock, issuer, authenticator, now };
  }

  it('verifies the signature once for a token used again', async () => {
    const { issuer, authenticator, now } = await setUp();
    const token = await issuer.token('IGJ', [Role.PLANNER], {}, now());
    const first = await authenticator.verify(token);
    const again = await authenticator.verify(token);
    expect(again).toEqual(first);
    expect(first).toMatchObject({ organisation: 'IGJ', sub: 'igj.planner@test' });
    expect(verifications()).toBe(1);
  });

  it('still refuses a remembered token once it has expired', async () => {
    const { clock, issuer, authenticator, now } = await setUp();
    const token = await issuer.token('IGJ', [Role.PLANNER], { exp: now() + 120 }, now());
    await authenticator.verify(token);
    clock.advance(150_000);
    await expect(authenticator.verify(token)).resolves.toMatchObject({ organisation: 'IGJ' }); // within the 60 s leeway
    clock.advance(40_000);
    await expect(authenticator.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('verifies again after the key set changed, and refuses a token whose key was removed', async () => {
    const { clock, issuer, authenticator, now } = await setUp();
    const token = await issuer.token('IGJ', [Role.PLANNER], {}, now());
    await authenticator.verify(token);
    writeFileSync(issuer.jwksFile, JSON.stringify({ keys: [] }));
    clock.advance(5_000); // the file is looked at every 5 s
    await expect(authenticator.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(verifications()).toBe(2);
  });

  it('keeps at most cacheSize tokens, dropping the least recently used', async () => {
    const { issuer, authenticator, now } = await setUp(2);
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((sub) => issuer.token('IGJ', [Role.PLANNER], { sub }, now())));
    await authenticator.verify(a!);
    await authenticator.verify(b!);
    await authenticator.verify(a!); // a is now the most recently used
    await authenticator.verify(c!); // b goes
    expect(verifications()).toBe(3);
    await authenticator.verify(a!);
    await authenticator.verify(c!);
    expect(verifications()).toBe(3);
    await authenticator.verify(b!);
    expect(verifications()).toBe(4);
  });

  it('never remembers a refusal', async () => {
    const { issuer, authenticator, now } = await setUp();
    const wrongAudience = await issuer.token('IGJ', [Role.PLANNER], { audience: 'someone-else' }, now());
    for (let i = 0; i < 2; i++) await expect(authenticator.verify(wrongAudience)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(verifications()).toBe(2);
  });
});
