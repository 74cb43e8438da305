import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrustedIssuers, TrustedIssuersError } from '../../src/access/issuers.js';
import { createLogger } from '../../src/platform/logging.js';
import { Role, startTestApp, TestIssuer, type TestApp } from '../support/test-app.js';

const ME = '{ me { sub organisation { code } roles } }';

/** A token an attacker made: these claims, signed with `key` under `header`. */
function forge(key: Parameters<SignJWT['sign']>[0], header: { alg: string; kid?: string }, issuer: string, now: number): Promise<string> {
  return new SignJWT({ org: 'IGJ', roles: ['PLANNER'] })
    .setProtectedHeader(header)
    .setIssuer(issuer)
    .setAudience('samenloop')
    .setSubject('mallory')
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(key);
}
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('authentication', () => {
  let t: TestApp;
  let igjOnly: TestIssuer;
  let municipalities: TestIssuer;
  let stranger: TestIssuer;
  let loopback: TestIssuer;
  let jwksServer: http.Server;
  let now: number;
  const logLines: string[] = [];

  beforeAll(async () => {
    igjOnly = await TestIssuer.create('igj');
    municipalities = await TestIssuer.create('gemeenten');
    stranger = await TestIssuer.create('stranger');
    loopback = await TestIssuer.create('loopback');
    jwksServer = http.createServer((request, response) => {
      if (request.url !== '/jwks.json') return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [loopback.publicJwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const port = (jwksServer.address() as AddressInfo).port;
    t = await startTestApp({
      logger: createLogger('info', { write: (line: string) => void logLines.push(line) }),
      issuers: (main) => [
        main.trusted(),
        igjOnly.trusted(['IGJ']),
        municipalities.trusted(['GM*']),
        { ...loopback.trusted(['NZA']), jwksUri: `http://127.0.0.1:${port}/jwks.json` },
      ],
    });
    now = Math.floor(t.clock.now().getTime() / 1000);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => jwksServer?.close(resolve));
  });

  /**
   * Refused with UNAUTHENTICATED, no data, and one and the same short message for every kind of attack (which
   * check failed would tell the caller about our trust configuration); the reason is in the log, the token is not.
   */
  async function rejected(token: string, reason: RegExp) {
    const before = logLines.length;
    const result = await t.withToken(token).request(ME);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.errors?.[0]?.message).toBe('The access token was rejected.');
    expect(result.errors).toHaveLength(1);
    expect(result.data ?? null).toBeNull();
    const logged = logLines.slice(before).map((line) => JSON.parse(line)).filter((line) => line.msg === 'access token rejected');
    expect(logged).toHaveLength(1);
    expect(logged[0].reason).toMatch(reason);
    expect(logLines.slice(before).join('\n')).not.toContain(token.length > 40 ? token.slice(-40) : token);
    return result;
  }

  it('accepts a valid token and says who is calling', async () => {
    const token = await t.issuer.token('IGJ', [Role.PLANNER, Role.COORDINATOR], { sub: 'anna@igj' }, now);
    const data = await t.withToken(token).ok(ME);
    expect(data.me).toEqual({ sub: 'anna@igj', organisation: { code: 'IGJ' }, roles: ['COORDINATOR', 'PLANNER'] });
  });

  it('accepts a token whose keys come from a JWKS file', async () => {
    const data = await t.withToken(await igjOnly.token('IGJ', [Role.INSPECTOR], {}, now)).ok(ME);
    expect(data.me.organisation.code).toBe('IGJ');
  });

  it('accepts a token whose keys come from a JWKS served over loopback HTTP', async () => {
    const data = await t.withToken(await loopback.token('NZA', [Role.PLANNER], {}, now)).ok(ME);
    expect(data.me.organisation.code).toBe('NZA');
  });

  it('lets a GM* issuer speak for any municipality, and for nothing else', async () => {
    const data = await t.withToken(await municipalities.token('GM0363', [Role.PLANNER], {}, now)).ok(ME);
    expect(data.me.organisation.code).toBe('GM0363');
    await rejected(await municipalities.token('IGJ', [Role.PLANNER], {}, now), /may not speak for organisation IGJ/);
  });

  it('ignores role names it does not know', async () => {
    const token = await t.issuer.token('IGJ', [Role.AUDITOR], { claims: { roles: ['AUDITOR', 'SUPERUSER'] } }, now);
    expect((await t.withToken(token).ok(ME)).me.roles).toEqual(['AUDITOR']);
  });

  describe('refuses every attack with UNAUTHENTICATED and no data', () => {
    it('alg: none', async () => {
      const payload = { iss: t.issuer.issuer, aud: 'samenloop', sub: 'x', org: 'IGJ', roles: ['PLANNER'], iat: now, exp: now + 600 };
      await rejected(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`, /algorithm is not accepted/);
    });

    it('HS256 signed with the issuer public key as the secret', async () => {
      const secret = new TextEncoder().encode(JSON.stringify(t.issuer.publicJwk));
      await rejected(await forge(secret, { alg: 'HS256', kid: t.issuer.kid }, t.issuer.issuer, now), /algorithm is not accepted/);
    });

    it('expired (beyond the 60 s leeway), while just-expired within the leeway still passes', async () => {
      await rejected(await t.issuer.token('IGJ', [Role.PLANNER], { iat: now - 7200, exp: now - 61 }, now), /expired/);
      const lenient = await t.issuer.token('IGJ', [Role.PLANNER], { iat: now - 7200, exp: now - 30 }, now);
      expect((await t.withToken(lenient).ok(ME)).me.organisation.code).toBe('IGJ');
    });

    it('nbf in the future', async () => {
      await rejected(await t.issuer.token('IGJ', [Role.PLANNER], { nbf: now + 120 }, now), /not valid yet/);
    });

    it('iat in the future', async () => {
      await rejected(await t.issuer.token('IGJ', [Role.PLANNER], { iat: now + 120, exp: now + 3600 }, now), /"iat" claim|issued in the future/);
    });

    it('wrong audience', async () => {
      await rejected(await t.issuer.token('IGJ', [Role.PLANNER], { audience: 'another-service' }, now), /audience/);
    });

    it('unknown issuer', async () => {
      await rejected(await stranger.token('IGJ', [Role.PLANNER], {}, now), /issuer is not trusted/);
    });

    it('unknown kid', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      await rejected(await forge(privateKey, { alg: 'ES256', kid: 'not-a-known-key' }, t.issuer.issuer, now), /no key of the issuer matches/);
    });

    it('a known kid but a signature from another key', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      await rejected(await forge(privateKey, { alg: 'ES256', kid: t.issuer.kid }, t.issuer.issuer, now), /signature does not verify/);
    });

    it('payload tampered with after signing', async () => {
      const token = await t.issuer.token('GM0363', [Role.PLANNER], {}, now);
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      await rejected(`${header}.${b64({ ...claims, org: 'IGJ', roles: ['AUDITOR'] })}.${signature}`, /signature does not verify/);
    });

    it('a valid token of issuer A claiming an organisation only issuer B may speak for', async () => {
      await rejected(await igjOnly.token('NZA', [Role.PLANNER], {}, now), /may not speak for organisation NZA/);
      await rejected(await igjOnly.token('GM0363', [Role.PLANNER], {}, now), /may not speak for organisation GM0363/);
    });

    it('no exp claim, or no sub claim', async () => {
      const claims = { iss: t.issuer.issuer, aud: 'samenloop', sub: 'x', org: 'IGJ', roles: ['PLANNER'], iat: now, exp: now + 600 };
      await rejected(await t.issuer.signClaims({ ...claims, exp: undefined }), /"exp" claim/);
      await rejected(await t.issuer.signClaims({ ...claims, sub: undefined }), /"sub" claim/);
      expect((await t.withToken(await t.issuer.signClaims(claims)).ok(ME)).me.sub).toBe('x');
    });

    it('an organisation code that does not exist', async () => {
      await rejected(await t.issuer.token('GM12345', [Role.PLANNER], {}, now), /"org" claim/);
      await rejected(await t.issuer.token('POLITIE', [Role.PLANNER], {}, now), /"org" claim/);
    });

    it('garbage and a malformed Authorization header', async () => {
      await rejected('not.a.token', /not a well-formed JWT/);
      const response = await t.app.http.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', authorization: 'Basic aWdqOnBhc3N3b3Jk' },
        payload: JSON.stringify({ query: ME }),
      });
      expect(JSON.parse(response.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    });
  });

  it('never lets a bad token fall back to anonymous, not even for public operations', async () => {
    const result = await t.withToken('not.a.token').request('{ __typename }');
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('asks for a token where one is needed', async () => {
    const result = await t.anonymous().request('{ providers { totalCount } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data ?? null).toBeNull();
  });
});

describe('trusted issuers file', () => {
  const entry = { issuer: 'https://idp.example', jwksUri: 'https://idp.example/jwks.json', audience: 'samenloop', organisations: ['IGJ'] };

  it('accepts https, file and loopback http key sets, and GM*', () => {
    expect(
      parseTrustedIssuers([
        entry,
        { ...entry, issuer: 'b', jwksUri: 'file:///etc/samenloop/jwks.json', organisations: ['GM*'] },
        { ...entry, issuer: 'c', jwksUri: 'http://127.0.0.1:8080/jwks.json' },
        { ...entry, issuer: 'd', jwksUri: 'http://localhost/jwks.json' },
      ]),
    ).toHaveLength(4);
  });

  it.each([
    [[], /non-empty JSON array/],
    [[{ ...entry, jwksUri: 'http://idp.example/jwks.json' }], /loopback/],
    [[{ ...entry, jwksUri: 'ftp://idp.example/jwks.json' }], /https/],
    [[{ ...entry, organisations: ['POLITIE'] }], /not an organisation code/],
    [[{ ...entry, organisations: [] }], /non-empty array/],
    [[{ ...entry, audience: '' }], /audience/],
    [[entry, entry], /listed twice/],
  ])('rejects %j with a clear sentence', (value, message) => {
    expect(() => parseTrustedIssuers(value)).toThrow(TrustedIssuersError);
    expect(() => parseTrustedIssuers(value)).toThrow(message);
  });
});
