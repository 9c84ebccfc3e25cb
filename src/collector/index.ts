// rxplow/collector: the validating collector of `rxplow collector`, started from code (tests, scripts). Node only.
/**
 * Start a local Snowplow collector that validates every event against its Iglu schemas and serves Snowplow Micro's
 * REST API, from Node code: `const collector = await startCollector({ schemaDirs: ['./schemas'], out: null })`, point
 * an `Emitter` at `collector.url`, read `collector.good()` / `collector.bad()` after `await collector.idle()`, and
 * `await collector.close()` at the end: it stops listening, closes every connection and leaves nothing running.
 * See docs/collector.md.
 *
 * @packageDocumentation
 */
export { startCollector, builtinSchemasDir, COLLECTOR_DEFAULTS } from './server.js';
export type {
  CollectorOptions,
  RunningCollector,
  CollectorSummary,
  OutputStream,
  GoodEvent,
  BadEvent,
  CollectorPayload,
} from './server.js';
