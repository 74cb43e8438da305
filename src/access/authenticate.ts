import { decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { TokenRejectedError } from '../platform/errors.js';
import { issuerMaySpeakFor, type TrustedIssuer } from './issuers.js';
import { keySetFor, type KeySet } from './jwks.js';
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
  /** Called when an issuer's keys could not be refreshed and the last good ones stand in. */
  onWarning?: (message: string, details: Record<string, unknown>) => void;
  /** How many verified tokens are remembered; default VERIFIED_TOKEN_CACHE_SIZE. */
  cacheSize?: number;
}

interface IssuerKeys {
  config: TrustedIssuer;
  keys: KeySet;
}

/** How many verified tokens are remembered (least recently used go first). */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/** A token that passed every check: trusted again until it expires, while its issuer's key set is unchanged. */
interface Verified {
  viewer: Viewer;
  /** `exp` in ms, with the leeway jose allows. */
  expiresAt: number;
  issuer: IssuerKeys;
  generation: object;
}

export class Authenticator {
  private readonly issuers = new Map<string, IssuerKeys>();
  private readonly clock: Clock;
  /**
   * Verified tokens, by token. A hit skips decoding and the signature check, never the expiry: and when the
   * issuer's key set was read again since (a key added or removed), the token is verified again — so a removed
   * key stops being trusted exactly as fast as without the cache. Refusals are never cached (each is logged).
   */
  private readonly verified = new Map<string, Verified>();

  constructor(private readonly options: AuthenticatorOptions) {
    this.clock = options.clock ?? (() => new Date());
    for (const config of options.issuers) {
      const keys = keySetFor(config.jwksUri, { now: () => this.clock().getTime(), onWarning: options.onWarning });
      this.issuers.set(config.issuer, { config, keys });
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
    const known = this.verified.get(token);
    if (known) {
      this.verified.delete(token);
      const generation = await known.issuer.keys.generation().catch(() => undefined);
      if (generation === known.generation && this.clock().getTime() < known.expiresAt) {
        this.verified.set(token, known); // most recently used last
        return known.viewer;
      }
    }
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw this.reject('the token is not a well-formed JWT');
    }
    const issuer = typeof unverified.iss === 'string' ? this.issuers.get(unverified.iss) : undefined;
    if (!issuer) throw this.reject('the token issuer is not trusted');

    const now = this.clock();
    // Taken before verifying: a key set read again meanwhile makes the next use verify again.
    const generation = await issuer.keys.generation().catch(() => undefined);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, issuer.keys.getKey, {
        issuer: issuer.config.issuer,
        audience: issuer.config.audience,
        algorithms: ACCEPTED_ALGORITHMS,
        clockTolerance: CLOCK_LEEWAY_SECONDS,
        currentDate: now,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      // jose checks the claims only after the signature held: a claim failure is still the issuer's token.
      const signed = error instanceof joseErrors.JWTExpired || error instanceof joseErrors.JWTClaimValidationFailed;
      throw this.reject(describeJoseError(error), issuer.config, signed ? unverified : undefined);
    }
    if (typeof payload.iat === 'number' && payload.iat > now.getTime() / 1000 + CLOCK_LEEWAY_SECONDS) {
      throw this.reject('the token was issued in the future', issuer.config, payload);
    }
    const viewer = this.viewerFrom(payload, issuer.config);
    if (generation) this.remember(token, { viewer, expiresAt: (payload.exp! + CLOCK_LEEWAY_SECONDS) * 1000, issuer, generation });
    return viewer;
  }

  private remember(token: string, entry: Verified): void {
    if (this.verified.size >= (this.options.cacheSize ?? VERIFIED_TOKEN_CACHE_SIZE)) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, entry);
  }

  private viewerFrom(payload: JWTPayload, issuer: TrustedIssuer): Viewer {
    const { sub, org, roles } = payload as JWTPayload & { org?: unknown; roles?: unknown };
    if (typeof sub !== 'string' || sub.trim() === '' || sub.length > 200) {
      throw this.reject('the "sub" claim is missing or invalid', issuer, payload);
    }
    if (typeof org !== 'string' || !isOrganisationCode(org)) {
      throw this.reject('the "org" claim is missing or not an organisation code', issuer, payload);
    }
    if (!issuerMaySpeakFor(issuer.organisations, org)) {
      throw this.reject(`issuer ${issuer.issuer} may not speak for organisation ${org}`, issuer, payload);
    }
    if (roles !== undefined && !Array.isArray(roles)) {
      throw this.reject('the "roles" claim must be an array of role names', issuer, payload);
    }
    const known = new Set<Role>((roles ?? []).filter(isRole));
    return { sub, organisation: org, kind: organisationKindOf(org)!, roles: known, issuer: issuer.issuer };
  }

  /**
   * `signed`: the claims, when the issuer's signature held over them; only then, and only when that issuer may
   * speak for the organisation they name, is the refusal attributed to that organisation.
   */
  private reject(reason: string, issuer?: TrustedIssuer, signed?: JWTPayload): TokenRejectedError {
    const org = (signed as { org?: unknown } | undefined)?.org;
    const organisation =
      issuer && typeof org === 'string' && isOrganisationCode(org) && issuerMaySpeakFor(issuer.organisations, org) ? org : undefined;
    this.options.onRejected?.(reason, issuer?.issuer);
    return new TokenRejectedError(reason, issuer?.issuer, organisation);
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
