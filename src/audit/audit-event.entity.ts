import { ArrayType, BlobType, Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/**
 * One access to protected data, or one write. Rows are only ever inserted: the database refuses UPDATE, DELETE
 * and TRUNCATE (see the migration), and each row is chained to its predecessor in one of sixteen hash chains
 * by a trigger, so that `npm run audit:verify` can tell when a row was altered or removed.
 */
@Entity({ tableName: 'audit_event' })
@Unique({ name: 'audit_event_chain_position', properties: ['shard', 'chainSeq'] })
@Index({ name: 'audit_event_actor_organisation_index', properties: ['actorOrganisation', 'occurredAt'] })
@Index({ name: 'audit_event_owner_organisations_index', expression: 'create index audit_event_owner_organisations_index on audit_event using gin (owner_organisations)' })
@Index({ name: 'audit_event_occurred_at_index', properties: ['occurredAt'] })
export class AuditEventEntity {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  occurredAt!: Date;

  @Property({ type: 'text', nullable: true })
  requestId?: string | null;

  @Property({ type: 'text' })
  actorSub!: string;

  @Property({ type: 'string', length: 16 })
  actorOrganisation!: string;

  @Property({ type: ArrayType, columnType: 'text[]' })
  actorRoles!: string[];

  @Property({ type: 'text' })
  operation!: string;

  @Property({ type: 'text' })
  resourceType!: string;

  @Property({ type: ArrayType, columnType: 'text[]' })
  resourceIds!: string[];

  /** The organisations whose data was touched; their auditors see the event. */
  @Property({ type: ArrayType, columnType: 'text[]' })
  ownerOrganisations!: string[];

  /** Which owner owns which of the ids, when not every owner owns every id: other organisations' auditors see only theirs. */
  @Property({ type: 'json', nullable: true })
  resourceOwners?: Record<string, string[]> | null;

  @Property({ type: 'text' })
  outcome!: string;

  @Property({ type: 'json', nullable: true })
  details?: Record<string, unknown> | null;

  /** SHA-256 of the canonical form of the fields above, computed by the application. */
  @Property({ type: BlobType, columnType: 'bytea' })
  contentDigest!: Buffer;

  /** Set by the chaining trigger. */
  @Property({ type: 'smallint' })
  shard!: number;

  @Property({ type: 'bigint' })
  chainSeq!: string;

  @Property({ type: BlobType, columnType: 'bytea' })
  prevHash!: Buffer;

  @Property({ type: BlobType, columnType: 'bytea' })
  hash!: Buffer;
}

/** The newest link of each hash chain. */
@Entity({ tableName: 'audit_chain_head' })
export class AuditChainHeadEntity {
  @PrimaryKey({ type: 'smallint', autoincrement: false })
  shard!: number;

  @Property({ type: 'bigint' })
  seq!: string;

  @Property({ type: BlobType, columnType: 'bytea' })
  hash!: Buffer;
}
