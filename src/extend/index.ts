// rxplow/extend: the machinery for building on rxplow (sinks of your own, event kinds of your own). An app that only
// tracks needs the main entry; what is here is what rxplow's own sinks and events are made of.
export { QueuedSink } from '../emitter/queued-sink.js';
export type { QueuedSinkConfig } from '../emitter/queued-sink.js';
export { deliverBatch } from '../emitter/deliver.js';
export type { DeliveryEnvironment, Settlement } from '../emitter/deliver.js';
export type { QueuedEvent, BatchLimits } from '../emitter/batch.js';
export { DEFINITION, defineEvent, eventConstructor } from '../events/definition.js';
export { EVENT_DEFINITIONS } from '../events/registry.js';
export type { EventDefinition, EventOf, WireEvent, WireFields, EventCode, BuildContext } from '../events/definition.js';
