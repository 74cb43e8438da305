import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { TrustedIssuer } from '../../src/access/issuers.js';
import { NATIONAL_ORGANISATIONS } from '../../src/access/organisations.js';
import type { Role } from '../../src/access/roles.js';

/** An identity provider for tests: its own key pair, its JWKS in a file. */
export class TestIssuer {
  private constructor(
    readonly issuer: string,
    readonly audience: string,
    readonly kid: string,
    private readonly privateKey: CryptoKey,
    readonly publicJwk: JWK,
    readonly jwksFile: string,
  ) {}

  static async create(name = 'test', audience = 'samenloop'): Promise<TestIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `${name}-${randomBytes(4).toString('hex')}`;
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'samenloop-jwks-'));
    const jwksFile = path.join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [publicJwk] }));
    return new TestIssuer(`https://idp.${name}.example`, audience, kid, privateKey, publicJwk, jwksFile);
  }

  trusted(organisations: string[] = [...NATIONAL_ORGANISATIONS.map((organisation) => organisation.code), 'GM*']): TrustedIssuer {
    return { issuer: this.issuer, audience: this.audience, jwksUri: `file://${this.jwksFile}`, organisations };
  }

  /** Signs exactly the given claims with this issuer's key (for tokens that break one rule on purpose). */
  signClaims(claims: Record<string, unknown>): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: this.kid }).sign(this.privateKey);
  }

  /** A valid token; `claims` and `options` let tests break it in one specific way. */
  async token(
    org: string,
    roles: readonly Role[],
    options: { sub?: string; claims?: Record<string, unknown>; iat?: number; exp?: number; nbf?: number; audience?: string } = {},
    now = Math.floor(Date.now() / 1000),
  ): Promise<string> {
    const jwt = new SignJWT({ org, roles: [...roles], ...options.claims })
      .setProtectedHeader({ alg: 'ES256', kid: this.kid })
      .setIssuer(this.issuer)
      .setAudience(options.audience ?? this.audience)
      .setSubject(options.sub ?? `${org.toLowerCase()}.${roles.join('-').toLowerCase() || 'none'}@test`)
      .setIssuedAt(options.iat ?? now)
      .setExpirationTime(options.exp ?? now + 3600);
    if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
    return jwt.sign(this.privateKey);
  }
}
