// Assertions typed by the constructors `rxplow generate` writes: the collected events and entities of one schema,
// with their data typed as the schema's generated type.
import type { SelfDescribingData } from '../payload/decode.js';
import type { CollectedEvent, TestingCollector } from './testing-collector.js';

/** A generated event or entity constructor (or anything shaped like one): `(data: T) => …` carrying its Iglu URI. */
export interface SchemaConstructor<T> {
  /** Builds an event or entity from typed data. */
  (data: T): unknown;
  /** The Iglu URI, `iglu:VENDOR/NAME/jsonschema/M-R-A`. */
  readonly schema: string;
}

/** A collected self-describing event of a known schema: {@link CollectedEvent} with `schema` and typed `data`. */
export type TypedCollectedEvent<T> = CollectedEvent & { readonly schema: string; readonly data: T };

const eventsIn = (source: TestingCollector | readonly CollectedEvent[]): readonly CollectedEvent[] =>
  'events' in source && !Array.isArray(source) ? (source as TestingCollector).events : (source as readonly CollectedEvent[]);

/**
 * The accepted self-describing events of exactly the constructor's schema (the whole URI, version included), in order,
 * with `data` typed: `eventsOf(collector, checkoutStep)[0].data.step` is a number.
 * @param source a testing collector, or events (e.g. from `waitForEvents`)
 * @param constructor a generated event (or entity) constructor: only its `schema` is read
 */
export function eventsOf<T>(
  source: TestingCollector | readonly CollectedEvent[],
  constructor: SchemaConstructor<T>,
): TypedCollectedEvent<T>[] {
  return eventsIn(source).filter((event): event is TypedCollectedEvent<T> => event.schema === constructor.schema);
}

/**
 * The data of the context entities of exactly the constructor's schema, typed, in order: of one event, or of every
 * accepted event of a collector (or list).
 * @param source one event, a testing collector or events
 * @param constructor a generated entity (or event) constructor: only its `schema` is read
 */
export function entitiesOf<T>(
  source: CollectedEvent | TestingCollector | readonly CollectedEvent[],
  constructor: SchemaConstructor<T>,
): T[] {
  const events = 'contexts' in source ? [source as CollectedEvent] : eventsIn(source as TestingCollector | readonly CollectedEvent[]);
  return events.flatMap((event) =>
    event.contexts.filter((entity: SelfDescribingData) => entity.schema === constructor.schema).map((entity) => entity.data as T),
  );
}
