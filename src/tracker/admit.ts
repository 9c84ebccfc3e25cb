// What the tracker decides per event, as pure functions: which definition an event has, and what its sinks are
// handed for a finished payload (the `filter` option's verdict).
import type { Admission } from '../emitter/sink.js';
import { diagnostic } from '../diagnostics.js';
import { InvalidEventError, UnexpectedError } from '../errors.js';
import { definitionOf, type EventDefinition } from '../events/definition.js';
import type { EventRegistry } from '../events/registry.js';
import type { Payload } from '../payload/payload.js';
import type { FilteredEvent } from './options.js';

/** The event's own definition (a constructor's), else its `kind` in `registry`. @throws {InvalidEventError} for an unknown kind. */
export function definitionFor(event: unknown, registry: EventRegistry | undefined): EventDefinition<never> {
  const found = definitionOf(event);
  if (found) return found as unknown as EventDefinition<never>;
  const kind = (event as { kind?: unknown } | null)?.kind;
  if (typeof kind === 'string' && registry !== undefined && Object.hasOwn(registry, kind)) return registry[kind]!;
  throw new InvalidEventError('kind', diagnostic(301, kind, registry !== undefined));
}

/** A finished payload as its sinks get it: accepted, or rejected by the `filter` option (`filtered`, or `error` when it threw). */
export function admissionOf(filter: ((event: FilteredEvent) => boolean) | undefined, kind: string, payload: Payload): Admission {
  if (filter === undefined) return { kind: 'event', payload };
  try {
    if (filter({ kind, payload }) !== false) return { kind: 'event', payload };
  } catch (error) {
    return { kind: 'rejected', reason: 'error', payload, error: new UnexpectedError('the event filter threw', error) };
  }
  return { kind: 'rejected', reason: 'filtered', payload, error: undefined };
}
