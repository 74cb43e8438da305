import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so that the same value always gives the same text. Written as
 * loops over strings: it runs for every signal submitted (its content hash) and over every id an audit event names.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index++) text += (index === 0 ? '' : ',') + canonicalJson(value[index]);
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  let text = '{';
  for (const key of Object.keys(record).sort()) {
    const entry = record[key];
    if (entry === undefined) continue;
    text += (text.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(entry);
  }
  return `${text}}`;
}

/** The content of an audit row as the application wrote it; the digest covers exactly these fields. */
export interface AuditContent {
  occurredAt: Date;
  requestId: string | null;
  actorSub: string;
  actorOrganisation: string;
  actorRoles: string[];
  operation: string;
  resourceType: string;
  resourceIds: string[];
  ownerOrganisations: string[];
  /** Which owner owns which of the ids, when not every owner owns every id; null otherwise. */
  resourceOwners: Record<string, string[]> | null;
  outcome: string;
  details: Record<string, unknown> | null;
}

export function contentDigest(content: AuditContent): Buffer {
  // Rows written before resource_owners existed (and rows that need none) keep the digest they always had.
  const ownership = content.resourceOwners ? [content.resourceOwners] : [];
  const canonical = canonicalJson([
    content.occurredAt.toISOString(),
    content.requestId,
    content.actorSub,
    content.actorOrganisation,
    content.actorRoles,
    content.operation,
    content.resourceType,
    content.resourceIds,
    content.ownerOrganisations,
    content.outcome,
    content.details,
    ...ownership,
  ]);
  return createHash('sha256').update(canonical).digest();
}

/** The link computed by the database trigger: sha256(previous hash ‖ sequence number ‖ content digest). */
export function chainHash(previous: Buffer, seq: bigint, digest: Buffer): Buffer {
  const position = Buffer.alloc(8);
  position.writeBigInt64BE(seq);
  return createHash('sha256').update(Buffer.concat([previous, position, digest])).digest();
}
