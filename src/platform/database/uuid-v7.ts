import { sqlDefinition } from './definitions.js';

/**
 * A UUID version 7 for the moment `at`, made in the database: the twin of platform/ids.ts's `uuidv7` for rows
 * that a statement creates from what it finds (e.g. the events of the conflicts a planVisit statement detects).
 * The random bits come from gen_random_uuid, whose variant bits are already those of version 7.
 */
export const UUID_V7 = sqlDefinition(
  'uuid_v7',
  `create or replace function uuid_v7(at timestamptz) returns uuid language sql volatile parallel safe as $$
  select encode(set_byte(b, 6, (get_byte(b, 6) & 15) | 112), 'hex')::uuid
  from (select overlay(uuid_send(gen_random_uuid()) placing substring(int8send(floor(extract(epoch from at) * 1000)::bigint) from 3) from 1 for 6) as b) as bytes
$$`,
);
