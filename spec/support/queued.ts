// Builders for the emitter's internal values (QueuedEvent, batch limits), shared by the pure and marble specs.
import type { BatchLimits, QueuedEvent } from '../../src/emitter/batch.js';

/** A queued event named `id` that costs `bytes` in a request. */
export function queued(id: string, bytes = 10, seq = 0): QueuedEvent {
  return { seq, payload: { e: 'pv', eid: id, tv: 'test', p: 'srv' }, encoded: `{"eid":"${id}"}`, bytes };
}

/** Batch limits with overrides: 10 events, 1000 bytes, an empty request of 0 bytes. */
export const limits = (overrides: Partial<BatchLimits> = {}): BatchLimits => ({
  maxEvents: 10,
  maxBytes: 1000,
  emptyBytes: 0,
  ...overrides,
});

/** The ids (`eid`) of a batch, for readable expectations. */
export const ids = (batch: readonly QueuedEvent[]): string[] => batch.map((item) => item.payload['eid']!);
