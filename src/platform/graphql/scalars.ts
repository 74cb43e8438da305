import { DateTimeResolver, JSONObjectResolver, LocalDateResolver } from 'graphql-scalars';

/** RFC 3339 date-time, e.g. 2026-11-23T09:00:00Z. */
export const DateTime = DateTimeResolver;
/** A JSON object, used only for free-form audit details. */
export const JSONObject = JSONObjectResolver;
/** A calendar day, YYYY-MM-DD (e.g. the day a measure was imposed). */
export const LocalDate = LocalDateResolver;
