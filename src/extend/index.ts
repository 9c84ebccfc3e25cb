// rxplow/extend: the machinery for building on rxplow (sinks of your own, event kinds of your own). An app that only
// tracks needs the main entry; what is here is what rxplow's own sinks and events are made of.
export { QueuedSink } from '../emitter/queued-sink.js';
export type { QueuedSinkConfig, RestoredEvent } from '../emitter/queued-sink.js';
export { PendingLedger } from '../emitter/ledger.js';
export type { QueueStore } from '../emitter/store.js';
export { runAttempts, unexpected } from '../emitter/attempts.js';
export type { Attempt, AttemptEngine, AttemptPart } from '../emitter/attempts.js';
export type { AttemptResult } from '../emitter/retry-policy.js';
export { deliverBatch } from '../emitter/deliver.js';
export type { DeliveryEnvironment, Settlement } from '../emitter/deliver.js';
export type { QueuedEvent, BatchLimits } from '../emitter/batch.js';
export { DEFINITION, defineEvent, eventConstructor } from '../events/definition.js';
export { EVENT_DEFINITIONS } from '../events/registry.js';
export type { EventDefinition, EventOf, WireEvent, WireFields, EventCode, BuildContext } from '../events/definition.js';
