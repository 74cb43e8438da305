import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { UnauthenticatedError } from '../platform/errors.js';
import { issuerMaySpeakFor, type TrustedIssuer } from './issuers.js';
import { isOrganisationCode, organisationKindOf } from './organisations.js';
import { isRole, type Role } from './roles.js';
import type { Viewer } from './viewer.js';

/** Asymmetric algorithms only: a shared-secret (HS*) or unsigned token can never be accepted. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const CLOCK_LEEWAY_SECONDS = 60;

export type Clock = () => Date;

export interface AuthenticatorOptions {
  issuers: TrustedIssuer[];
  clock?: Clock;
  /** Called with the reason a token was refused; reasons go to the log, callers get a short message. */
  onRejected?: (reason: string, issuer: string | undefined) => void;
}

interface IssuerKeys {
  config: TrustedIssuer;
  keys: JWTVerifyGetKey;
}

export class Authenticator {
  private readonly issuers = new Map<string, IssuerKeys>();
  private readonly clock: Clock;

  constructor(private readonly options: AuthenticatorOptions) {
    this.clock = options.clock ?? (() => new Date());
    for (const config of options.issuers) {
      this.issuers.set(config.issuer, { config, keys: keySetFor(config.jwksUri) });
    }
  }

  /** The viewer for an `Authorization` header; undefined when there is none; a rejected token throws. */
  async authenticate(authorization: string | undefined): Promise<Viewer | undefined> {
    if (authorization === undefined || authorization === '') return undefined;
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization.trim());
    if (!match?.[1]) throw this.reject('the Authorization header is not of the form "Bearer <token>"');
    return this.verify(match[1]);
  }

  async verify(token: string): Promise<Viewer> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw this.reject('the token is not a well-formed JWT');
    }
    const issuer = typeof unverified.iss === 'string' ? this.issuers.get(unverified.iss) : undefined;
    if (!issuer) throw this.reject('the token issuer is not trusted', unverified.iss);

    const now = this.clock();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, issuer.keys, {
        issuer: issuer.config.issuer,
        audience: issuer.config.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        clockTolerance: CLOCK_LEEWAY_SECONDS,
        currentDate: now,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      throw this.reject(describeJoseError(error), issuer.config.issuer);
    }
    if (typeof payload.iat === 'number' && payload.iat > now.getTime() / 1000 + CLOCK_LEEWAY_SECONDS) {
      throw this.reject('the token was issued in the future', issuer.config.issuer);
    }
    return this.viewerFrom(payload, issuer.config);
  }

  private viewerFrom(payload: JWTPayload, issuer: TrustedIssuer): Viewer {
    const { sub, org, roles } = payload as JWTPayload & { org?: unknown; roles?: unknown };
    if (typeof sub !== 'string' || sub.trim() === '' || sub.length > 200) {
      throw this.reject('the "sub" claim is missing or invalid', issuer.issuer);
    }
    if (typeof org !== 'string' || !isOrganisationCode(org)) {
      throw this.reject('the "org" claim is missing or not an organisation code', issuer.issuer);
    }
    if (!issuerMaySpeakFor(issuer.organisations, org)) {
      throw this.reject(`issuer ${issuer.issuer} may not speak for organisation ${org}`, issuer.issuer);
    }
    if (roles !== undefined && !Array.isArray(roles)) {
      throw this.reject('the "roles" claim must be an array of role names', issuer.issuer);
    }
    const known = new Set<Role>((roles ?? []).filter(isRole));
    return { sub, organisation: org, kind: organisationKindOf(org)!, roles: known, issuer: issuer.issuer };
  }

  private reject(reason: string, issuer?: string): UnauthenticatedError {
    this.options.onRejected?.(reason, issuer);
    return new UnauthenticatedError(`The access token was rejected: ${reason}.`);
  }
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'the token is not meant for this service (audience)';
    if (error.claim === 'nbf') return 'the token is not valid yet';
    if (error.claim === 'iss') return 'the token issuer does not match';
    return `the "${error.claim}" claim is invalid`;
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'the signing algorithm is not accepted';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no key of the issuer matches the token';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JOSEError) {
    return `the token could not be verified (${(error as joseErrors.JOSEError).code})`;
  }
  return 'the token could not be verified';
}

function keySetFor(jwksUri: string): JWTVerifyGetKey {
  const url = new URL(jwksUri);
  if (url.protocol === 'file:') return fileKeySet(fileURLToPath(url));
  return createRemoteJWKSet(url, { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
}

/**
 * A JWKS kept in a file. It is read on first use and read again when a token names a key it does not hold,
 * so keys can be rotated by replacing the file.
 */
function fileKeySet(file: string): JWTVerifyGetKey {
  let current: { keys: JWTVerifyGetKey; loadedAt: number } | undefined;
  const load = async () => {
    const jwks = JSON.parse(await readFile(file, 'utf8')) as JSONWebKeySet;
    current = { keys: createLocalJWKSet(jwks), loadedAt: Date.now() };
    return current;
  };
  return async (header, token) => {
    const loaded = current ?? (await load());
    try {
      return await loaded.keys(header, token);
    } catch (error) {
      if (error instanceof joseErrors.JWKSNoMatchingKey && Date.now() - loaded.loadedAt > 5_000) {
        return (await load()).keys(header, token);
      }
      throw error;
    }
  };
}
