// Snowplow Micro's filters for /micro/good and /micro/bad, from a query string or a JSON body.
import { EVENT_NAMES, schemaMatches } from '../payload/decode.js';
import type { BadEvent, GoodEvent } from './records.js';

/** Micro's filters. Every given filter must match. */
export interface MicroFilters {
  /** The event's schema: an Iglu URI, or a prefix of one ending at a `/`. */
  readonly schema?: string | undefined;
  /** The event type: the enriched name (`page_view`, `unstruct`, …) or the `e` code (`pv`, `ue`, …). */
  readonly event_type?: string | undefined;
  /** Schemas (URIs or prefixes) of context entities the event must all have. */
  readonly contexts?: readonly string[] | undefined;
  /** At most this many events: the most recent ones, oldest first. */
  readonly limit?: number | undefined;
}

/** Reads filters from `?schema=…&event_type=…&contexts=a,b&limit=10` (or repeated `contexts=`). */
export function filtersFromQuery(query: URLSearchParams): MicroFilters {
  const contexts = query
    .getAll('contexts')
    .flatMap((value) => value.split(','))
    .filter(Boolean);
  return filtersFrom({
    schema: query.get('schema') ?? undefined,
    event_type: query.get('event_type') ?? undefined,
    contexts,
    limit: query.get('limit') ?? undefined,
  });
}

/** Reads filters from a JSON body `{"schema": …, "event_type": …, "contexts": […], "limit": 10}`. */
export function filtersFrom(input: Readonly<Record<string, unknown>>): MicroFilters {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const limit = Number(input['limit']);
  const contexts = Array.isArray(input['contexts']) ? input['contexts'].filter((c): c is string => typeof c === 'string') : [];
  return {
    schema: text(input['schema']),
    event_type: text(input['event_type']),
    contexts,
    limit: Number.isInteger(limit) && limit >= 0 && input['limit'] !== undefined && input['limit'] !== null ? limit : undefined,
  };
}

interface Filterable {
  readonly eventType: string | undefined;
  readonly schema: string | undefined;
  readonly contexts: readonly string[];
}

function select<T>(records: readonly T[], filters: MicroFilters, view: (record: T) => Filterable): T[] {
  const type = filters.event_type === undefined ? undefined : (EVENT_NAMES[filters.event_type] ?? filters.event_type);
  const matching = records.filter((record) => {
    const r = view(record);
    if (type !== undefined && r.eventType !== type) return false;
    if (filters.schema !== undefined && !schemaMatches(r.schema, filters.schema)) return false;
    return (filters.contexts ?? []).every((wanted) => r.contexts.some((uri) => schemaMatches(uri, wanted)));
  });
  return filters.limit === undefined ? matching : matching.slice(Math.max(0, matching.length - filters.limit));
}

export const selectGood = (records: readonly GoodEvent[], filters: MicroFilters): GoodEvent[] => select(records, filters, (r) => r);

export const selectBad = (records: readonly BadEvent[], filters: MicroFilters): BadEvent[] =>
  select(records, filters, (r) => ({ eventType: r.eventType, schema: r.schema, contexts: [] }));
