import { Check, Entity, Enum, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { OrganisationKind } from '../access/organisations.js';

/**
 * The organisations known by name. National bodies come with the schema; a municipality gets its row the first
 * time it is named (demo data, or its first write), since any `GM` + 4 digits code is a municipality.
 */
@Entity({ tableName: 'organisation' })
@Check({ name: 'organisation_oin_format', expression: "oin is null or oin ~ '^[0-9]{20}$'" })
export class OrganisationEntity {
  [PrimaryKeyProp]?: 'code';

  @PrimaryKey({ type: 'string', length: 16 })
  code!: string;

  @Property({ type: 'text' })
  name!: string;

  @Enum({ items: () => OrganisationKind, type: 'string', nativeEnumName: undefined })
  kind!: OrganisationKind;

  @Property({ type: 'string', length: 20, nullable: true })
  oin?: string | null;
}
