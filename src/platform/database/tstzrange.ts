import { Type } from '@mikro-orm/core';

/** A half-open time window [start, end). */
export interface TimeRange {
  start: Date;
  end: Date;
}

/** The PostgreSQL literal of a half-open range, for `?::tstzrange` parameters. */
export function rangeLiteral(range: TimeRange): string {
  return `[${range.start.toISOString()},${range.end.toISOString()})`;
}

/**
 * MikroORM has no range type: this maps PostgreSQL `tstzrange` to { start, end }, always half-open `[)` (the
 * canonical form PostgreSQL itself uses for continuous ranges written that way).
 */
export class TstzRangeType extends Type<TimeRange | null, string | null> {
  override convertToDatabaseValue(value: TimeRange | null): string | null {
    return value ? rangeLiteral(value) : null;
  }

  override convertToJSValue(value: string | null): TimeRange | null {
    if (!value) return null;
    const match = /^[[(]"?([^",]+)"?,"?([^",]+)"?[\])]$/.exec(value);
    if (!match) throw new Error(`not a bounded tstzrange: ${value}`);
    const parse = (text: string) => new Date(text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
    return { start: parse(match[1]!), end: parse(match[2]!) };
  }

  override getColumnType(): string {
    return 'tstzrange';
  }

  override compareAsType(): string {
    return 'string';
  }
}
