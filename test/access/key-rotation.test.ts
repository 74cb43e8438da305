import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role, startTestApp, TestClock, TestIssuer, type TestApp } from '../support/test-app.js';

const ME = '{ me { organisation { code } } }';

/** An identity provider serving its JWKS over loopback HTTP with a chosen Cache-Control, counting fetches. */
class KeyServer {
  fetches = 0;
  keys: unknown[];
  private server!: http.Server;
  constructor(
    readonly issuer: TestIssuer,
    private readonly cacheControl: string,
  ) {
    this.keys = [issuer.publicJwk];
  }
  async start(): Promise<string> {
    this.server = http.createServer((_request, response) => {
      this.fetches++;
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': this.cacheControl }).end(JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/jwks.json`;
  }
  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A key its owner removes must stop being trusted within 60 seconds, without a restart, whether the key set is a
 * file or served over HTTP — while the cache headers of a key server are respected below that ceiling.
 */
describe('removed keys stop being trusted within a minute', () => {
  let t: TestApp;
  let clock: TestClock;
  let fileIssuer: TestIssuer;
  let longCache: KeyServer;
  let shortCache: KeyServer;

  beforeAll(async () => {
    clock = new TestClock('2027-01-04T08:00:00Z');
    fileIssuer = await TestIssuer.create('file');
    longCache = new KeyServer(await TestIssuer.create('long'), 'public, max-age=3600');
    shortCache = new KeyServer(await TestIssuer.create('short'), 'max-age=10');
    const [longUrl, shortUrl] = [await longCache.start(), await shortCache.start()];
    t = await startTestApp({
      clock,
      issuers: (main) => [
        main.trusted(),
        fileIssuer.trusted(['IGJ']),
        { ...longCache.issuer.trusted(['NZA']), jwksUri: longUrl },
        { ...shortCache.issuer.trusted(['IJENV']), jwksUri: shortUrl },
      ],
    });
  });
  afterAll(async () => {
    await t?.close();
    await longCache?.stop();
    await shortCache?.stop();
  });

  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
  const outcome = async (token: string) => {
    const result = await t.withToken(token).request(ME);
    return result.errors ? String(result.errors[0]!.extensions?.code) : 'accepted';
  };

  it('a key removed from a JWKS file', async () => {
    const token = await fileIssuer.token('IGJ', [Role.PLANNER], {}, nowSeconds());
    expect(await outcome(token)).toBe('accepted');
    writeFileSync(fileIssuer.jwksFile, JSON.stringify({ keys: [] }));
    clock.advance(61_000);
    expect(await outcome(token)).toBe('UNAUTHENTICATED');
  });

  it('a key removed from a key server that says its answer keeps an hour', async () => {
    const token = await longCache.issuer.token('NZA', [Role.PLANNER], {}, nowSeconds());
    expect(await outcome(token)).toBe('accepted');
    longCache.keys = [];
    clock.advance(30_000);
    expect(await outcome(token)).toBe('accepted'); // within the cache: not asked again yet
    clock.advance(31_000);
    expect(await outcome(token)).toBe('UNAUTHENTICATED'); // 61 s: the ceiling, whatever the header says
  });

  it('a key removed from a key server whose answer keeps ten seconds', async () => {
    const token = await shortCache.issuer.token('IJENV', [Role.PLANNER], {}, nowSeconds());
    expect(await outcome(token)).toBe('accepted');
    shortCache.keys = [];
    clock.advance(5_000);
    expect(await outcome(token)).toBe('accepted');
    clock.advance(6_000);
    expect(await outcome(token)).toBe('UNAUTHENTICATED');
  });

  it('made-up key ids do not make us fetch for every request', async () => {
    shortCache.keys = [shortCache.issuer.publicJwk];
    clock.advance(60_000);
    expect(await outcome(await shortCache.issuer.token('IJENV', [Role.PLANNER], {}, nowSeconds()))).toBe('accepted');
    const before = shortCache.fetches;
    const { privateKey } = await generateKeyPair('ES256');
    for (let index = 0; index < 20; index++) {
      const forged = await new SignJWT({ org: 'IJENV', roles: ['PLANNER'] })
        .setProtectedHeader({ alg: 'ES256', kid: `made-up-${index}` })
        .setIssuer(shortCache.issuer.issuer)
        .setAudience('samenloop')
        .setSubject('mallory')
        .setIssuedAt(nowSeconds())
        .setExpirationTime(nowSeconds() + 600)
        .sign(privateKey);
      expect(await outcome(forged)).toBe('UNAUTHENTICATED');
    }
    expect(shortCache.fetches - before).toBeLessThanOrEqual(1);
  });
});

/** A refused token is a security event in the audit log: why, from which trusted issuer — and never the token. */
describe('refused tokens are audited', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it("attributed to the organisation only when the issuer's signature held and it may speak for it", async () => {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const expired = await t.issuer.token('IGJ', [Role.PLANNER], { iat: now - 7200, exp: now - 3600 }, now);
    const stranger = await (await TestIssuer.create('stranger')).token('IGJ', [Role.PLANNER], {}, now);
    for (const token of [expired, stranger]) expect((await t.withToken(token).request(ME)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const rows = await t.sql<{ actor_organisation: string; actor_sub: string; outcome: string; details: any; all: string }>(
      `select actor_organisation, actor_sub, outcome, details, row_to_json(e)::text as all from audit_event e where operation = 'authenticate' order by id`,
    );
    expect(rows.map(({ all: _all, ...row }) => row)).toEqual([
      { actor_organisation: 'IGJ', actor_sub: '(rejected token)', outcome: 'UNAUTHENTICATED', details: { reason: 'the token has expired', issuer: t.issuer.issuer } },
      { actor_organisation: '-', actor_sub: '(rejected token)', outcome: 'UNAUTHENTICATED', details: { reason: 'the token issuer is not trusted' } },
    ]);
    for (const row of rows) {
      for (const token of [expired, stranger]) expect(row.all).not.toContain(token.split('.')[2]!);
    }
    // IGJ's auditors see the refusal of what claims, with a valid signature, to be one of their people.
    const { auditEvents } = await (await t.as('IGJ', [Role.AUDITOR])).ok(`{ auditEvents(filter: { resourceType: "AccessToken" }) { edges { node { outcome details } } } }`);
    expect(auditEvents.edges.map((edge: any) => edge.node)).toEqual([{ outcome: 'UNAUTHENTICATED', details: { reason: 'the token has expired', issuer: t.issuer.issuer } }]);
  });
});
