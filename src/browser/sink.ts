import { Emitter } from '../emitter/emitter.js';
import { createKyTransport } from '../emitter/ky-transport.js';
import type { EmitterOptions } from '../emitter/options.js';
import type { Sink } from '../emitter/sink.js';
import type { Transport } from '../emitter/transport.js';

/**
 * The browser tracker's own sink: where `createBrowserTracker` sends events. One function, so that the delivery
 * behind the browser tracker (today an `Emitter`; the outbox sink of src/browser/outbox/ when it lands) changes in
 * one line.
 */
export function createSink(endpoint: string, emitter: EmitterOptions): Sink {
  return new Emitter(endpoint, emitter);
}

/**
 * A transport that adds `SP-Anonymous: *` to each request while `on()` says so, decided when the request is sent:
 * this is how server-side anonymisation switches at runtime (the Emitter's `anonymous` option is fixed).
 */
export function anonymisingTransport(options: EmitterOptions, on: () => boolean): Transport {
  const transport = options.transport ?? createKyTransport({ fetch: options.fetch, credentials: options.credentials });
  return (request) => transport(on() ? { ...request, headers: { ...request.headers, 'SP-Anonymous': '*' } } : request);
}
