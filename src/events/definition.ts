import { checkFields, type Checks } from '../payload/checks.js';
import type { SelfDescribing } from '../payload/self-describing-json.js';

/** The `e` codes of the tracker protocol. */
export type EventCode = 'pv' | 'pp' | 'se' | 'ue' | 'tr' | 'ti';

/** Event-specific wire fields before stringification; `undefined` and `''` are left out of the payload. */
export type WireFields = Readonly<Record<string, string | number | undefined>>;

/** One tracker-protocol event, before the tracker adds ids, timestamps, subject and encoding. */
export interface WireEvent {
  readonly e: EventCode;
  readonly fields?: WireFields;
  /** For `e=ue`: the inner self-describing event, wrapped in `unstruct_event` when encoded. */
  readonly unstruct?: SelfDescribing;
  /** Entities the event type itself attaches (e.g. `consent_document`), before the caller's context. */
  readonly entities?: readonly SelfDescribing[];
}

/** What building an event may need from the tracker (ids for generated fields). */
export interface BuildContext {
  /** A fresh v4 UUID. */
  readonly newId: () => string;
}

/**
 * One event kind: its `kind` tag, the checker table for its fields and the pure mapping to wire events. Each
 * constructor (`pageView`, `structEvent`, …) stamps its definition on the events it makes, so a tracker needs no
 * registry and a bundler keeps only the definitions an app uses.
 */
export interface EventDefinition<F = unknown, K extends string = string> {
  readonly kind: K;
  readonly checks: Checks<F>;
  /** Maps checked fields to wire events (pure). */
  readonly toWire: (fields: F, context: BuildContext) => WireEvent | readonly WireEvent[];
  /** An extra rule over the checked fields as a whole (e.g. "at least one property"). */
  readonly refine?: ((fields: F) => void) | undefined;
}

/**
 * The key under which an event made by a constructor carries its definition. A symbol: `for…in`, `Object.keys` and
 * `JSON.stringify` skip it, so events stay plain, serialisable data; a spread copy keeps it.
 */
export const DEFINITION: unique symbol = Symbol.for('rxplow.eventDefinition') as never;

/** An event as plain data: a `kind` tag plus that kind's fields (and, when made by a constructor, its definition). */
export type EventOf<F, K extends string> = { readonly kind: K } & F;

/** Declares an event kind (pure: unused definitions are dropped by bundlers). */
export const defineEvent = <F, K extends string>(definition: EventDefinition<F, K>): EventDefinition<F, K> => definition;

/** The constructor of a kind: `(fields) => ({ kind, ...fields })`, carrying the definition under {@link DEFINITION}. */
export function eventConstructor<F, K extends string>(definition: EventDefinition<F, K>): (fields: F) => EventOf<F, K> {
  const { kind } = definition;
  return (fields) => ({ ...fields, kind, [DEFINITION]: definition }) as EventOf<F, K>;
}

/** The definition an event carries, when it was made by a constructor and still says the same kind. */
export function definitionOf(event: unknown): EventDefinition | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const definition = (event as { [DEFINITION]?: EventDefinition })[DEFINITION];
  return definition !== undefined && definition.kind === (event as { kind?: unknown }).kind ? definition : undefined;
}

/** Validates `input` and maps it to wire events. Throws InvalidEventError on bad input. */
export function buildWireEvents<F>(definition: EventDefinition<F>, input: unknown, context: BuildContext): readonly WireEvent[] {
  const fields = checkFields(definition.checks, input);
  definition.refine?.(fields);
  const wire = definition.toWire(fields, context);
  return Array.isArray(wire) ? (wire as readonly WireEvent[]) : [wire as WireEvent];
}

/** A self-describing (`e=ue`) wire event; `undefined` properties are left out of `data`. */
export function selfDescribingWire<T extends object>(schema: string, data: T, entities?: readonly SelfDescribing[]): WireEvent {
  const clean: Record<string, unknown> = {};
  for (const key in data) if (data[key] !== undefined) clean[key] = data[key];
  return entities ? { e: 'ue', unstruct: { schema, data: clean }, entities } : { e: 'ue', unstruct: { schema, data: clean } };
}
