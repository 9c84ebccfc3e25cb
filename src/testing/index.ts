// rxplow/testing: an in-process collector for tests, in Node and in browsers.
export { createTestingCollector } from './testing-collector.js';
export { describeEvent } from './waiting.js';
export type {
  TestingCollector,
  TestingCollectorOptions,
  CollectedEvent,
  CollectedRequest,
  ResponseScript,
  ScriptedResponse,
  WaitForEventsOptions,
} from './testing-collector.js';
export { EVENT_NAMES } from '../payload/decode.js';
export type { SelfDescribingData } from '../payload/decode.js';
export { eventsOf, entitiesOf } from './typed.js';
export type { SchemaConstructor, TypedCollectedEvent } from './typed.js';
