import type { EntityManager } from '@mikro-orm/postgresql';
import { getOrMake } from '../platform/collections.js';
import { run, sqlf } from '../platform/database/sql.js';
import { uuidv7 } from '../platform/ids.js';
import { addCalendarDays } from '../platform/time.js';

export interface NewRouting {
  signalId: string;
  recipient: string;
  ruleId: string;
  protocolVersion: string;
  dueDays: number;
}

/**
 * Writes routings in one statement however many there are. Each is its own outbox row (`published_at` null): the
 * relay (routing-relay.ts) writes the SIGNAL_ROUTED event that tells its recipient once this transaction has
 * committed. The due moment is `dueDays` calendar days after `now`, Dutch time. Returns the new ids.
 */
export async function insertRoutings(em: EntityManager, routings: readonly NewRouting[], now: Date): Promise<string[]> {
  if (routings.length === 0) return [];
  // A batch's routings share a handful of periods: each due moment is worked out once, not once per routing.
  const dueAt = new Map<number, string>();
  const rows = routings.map((routing) => ({
    id: uuidv7(now.getTime()),
    signal_id: routing.signalId,
    recipient: routing.recipient,
    rule_id: routing.ruleId,
    protocol_version: routing.protocolVersion,
    due_at: getOrMake(dueAt, routing.dueDays, () => addCalendarDays(now, routing.dueDays).toISOString()),
  }));
  const payload = JSON.stringify(rows);
  await run(
    em,
    sqlf`insert into signal_routing (id, signal_id, recipient, rule_id, protocol_version, created_at, due_at)
      select r.id, r.signal_id, r.recipient, r.rule_id, r.protocol_version, ${now}, r.due_at
      from jsonb_to_recordset(${payload}::jsonb) as r(id uuid, signal_id uuid, recipient text, rule_id text, protocol_version text, due_at timestamptz)`,
  );
  return rows.map((row) => row.id);
}
