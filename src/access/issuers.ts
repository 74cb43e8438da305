import { readFileSync } from 'node:fs';
import { isMunicipalityCode, isOrganisationCode } from './organisations.js';

/** One entry of TRUSTED_ISSUERS_FILE: an identity provider and the organisations it may speak for. */
export interface TrustedIssuer {
  issuer: string;
  jwksUri: string;
  audience: string;
  /** Organisation codes; `GM*` stands for every municipality. */
  organisations: string[];
}

export class TrustedIssuersError extends Error {
  override name = 'TrustedIssuersError';
}

const MUNICIPALITY_WILDCARD = 'GM*';
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function readTrustedIssuersFile(file: string): TrustedIssuer[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new TrustedIssuersError(`TRUSTED_ISSUERS_FILE ${file} cannot be read.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TrustedIssuersError(`TRUSTED_ISSUERS_FILE ${file} is not valid JSON (${(error as Error).message}).`);
  }
  return parseTrustedIssuers(parsed, `TRUSTED_ISSUERS_FILE ${file}`);
}

export function parseTrustedIssuers(value: unknown, source = 'the trusted issuers'): TrustedIssuer[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new TrustedIssuersError(`${source} must be a non-empty JSON array of issuers.`);
  }
  const seen = new Set<string>();
  return value.map((entry, index) => {
    const where = `${source}, entry ${index + 1}`;
    if (typeof entry !== 'object' || entry === null) throw new TrustedIssuersError(`${where} must be an object.`);
    const { issuer, jwksUri, audience, organisations } = entry as Record<string, unknown>;
    if (typeof issuer !== 'string' || issuer.trim() === '') throw new TrustedIssuersError(`${where}: "issuer" must be a non-empty string.`);
    if (seen.has(issuer)) throw new TrustedIssuersError(`${where}: issuer ${issuer} is listed twice.`);
    seen.add(issuer);
    if (typeof audience !== 'string' || audience.trim() === '') throw new TrustedIssuersError(`${where}: "audience" must be a non-empty string.`);
    if (typeof jwksUri !== 'string') throw new TrustedIssuersError(`${where}: "jwksUri" must be a string.`);
    checkJwksUri(jwksUri, where);
    if (!Array.isArray(organisations) || organisations.length === 0) {
      throw new TrustedIssuersError(`${where}: "organisations" must be a non-empty array of organisation codes.`);
    }
    for (const code of organisations) {
      if (typeof code !== 'string' || (code !== MUNICIPALITY_WILDCARD && !isOrganisationCode(code))) {
        throw new TrustedIssuersError(
          `${where}: "${String(code)}" is not an organisation code (IGJ, NZA, IJENV, OM, ZORGINSPECTIE, GM + 4 digits, or GM* for every municipality).`,
        );
      }
    }
    return { issuer, jwksUri, audience, organisations: organisations as string[] };
  });
}

function checkJwksUri(uri: string, where: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new TrustedIssuersError(`${where}: "jwksUri" ${uri} is not a URL.`);
  }
  if (url.protocol === 'https:' || url.protocol === 'file:') return;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return;
  if (url.protocol === 'http:' && /^127(\.\d{1,3}){3}$/.test(url.hostname)) return;
  throw new TrustedIssuersError(`${where}: "jwksUri" must use https://, file://, or http:// on a loopback address (got ${uri}).`);
}

/** Whether an issuer configured for `allowed` may issue tokens for organisation `code`. */
export function issuerMaySpeakFor(allowed: readonly string[], code: string): boolean {
  if (allowed.includes(code)) return true;
  return isMunicipalityCode(code) && allowed.includes(MUNICIPALITY_WILDCARD);
}
