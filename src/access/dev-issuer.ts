import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { TrustedIssuer } from './issuers.js';
import { NATIONAL_ORGANISATIONS } from './organisations.js';
import type { Role } from './roles.js';

/**
 * The local development issuer: trusted for every organisation when no TRUSTED_ISSUERS_FILE is configured
 * outside production. Its private key is generated once into the data directory and never leaves the machine.
 */
export const DEV_ISSUER = 'urn:samenloop:development-issuer';
export const DEV_AUDIENCE = 'samenloop';
const KEY_FILE = 'dev-issuer-key.json';
const ALGORITHM = 'ES256';

export interface DevIssuer {
  trusted: TrustedIssuer;
  sign(claims: TokenClaims, ttlSeconds?: number): Promise<string>;
}

export interface TokenClaims {
  sub: string;
  org: string;
  roles: readonly Role[];
}

export async function loadDevIssuer(dataDir: string): Promise<DevIssuer> {
  const privateJwk = await readOrCreateKey(path.join(dataDir, KEY_FILE));
  const { d: _private, ...publicJwk } = privateJwk;
  const privateKey = await importJWK(privateJwk, ALGORITHM);
  const jwksFile = path.join(dataDir, 'dev-issuer-jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [publicJwk] }, null, 2));
  return {
    trusted: {
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      jwksUri: new URL(`file://${path.resolve(jwksFile)}`).href,
      organisations: [...NATIONAL_ORGANISATIONS.map((organisation) => organisation.code), 'GM*'],
    },
    sign(claims, ttlSeconds = 12 * 3600) {
      return new SignJWT({ org: claims.org, roles: [...claims.roles] })
        .setProtectedHeader({ alg: ALGORITHM, kid: privateJwk.kid! })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setSubject(claims.sub)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey);
    },
  };
}

async function readOrCreateKey(file: string): Promise<JWK> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as JWK;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o711 });
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: ALGORITHM, use: 'sig', kid: `dev-${Date.now().toString(36)}` };
  // Written aside and linked into place, so a concurrent reader never sees a half-written key.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(jwk), { mode: 0o600 });
  try {
    linkSync(temporary, file);
    return jwk;
  } catch (error) {
    // Another process (the server, or `npm run token`) created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return JSON.parse(readFileSync(file, 'utf8')) as JWK;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}
