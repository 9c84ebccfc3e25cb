import type { Observable } from 'rxjs';
import type { Payload } from '../payload/payload.js';
import type { BatchLimits, QueuedEvent } from './batch.js';
import { deliverBatch, type DeliveryEnvironment, type Settlement } from './deliver.js';
import { createKyTransport } from './ky-transport.js';
import { jitterRandom, resolveEmitterOptions } from './option-checks.js';
import type { EmitterOptions, ResolvedEmitterOptions } from './options.js';
import { QueuedSink } from './queued-sink.js';
import { buildGetRequest, buildPostRequest, encodeForGet, measureForPost, POST_ENVELOPE_BYTES } from './request.js';

const GET_QUERY_OVERHEAD = '?stm=0000000000000&'.length;

/**
 * Delivers a tracker's events to one collector over HTTP: batching by count, bytes and time, sending with retries,
 * and reporting what happened to every event as Observables. A {@link Sink}.
 */
export class Emitter extends QueuedSink {
  readonly #options: ResolvedEmitterOptions;
  readonly #delivery: DeliveryEnvironment;

  /**
   * @param endpoint a collector host (`collector.example.com`, scheme from `protocol`) or a full http(s) URL.
   * @throws {InvalidOptionsError} for an unusable endpoint or option.
   */
  constructor(endpoint: string, options: EmitterOptions = {}) {
    const o = resolveEmitterOptions(endpoint, options);
    // A batch is cut by count, by bytes (each event is measured exactly when accepted) and by time; a GET is one event.
    const limits: BatchLimits =
      o.method === 'post'
        ? { maxEvents: o.bufferSize, maxBytes: o.maxPostBytes, emptyBytes: POST_ENVELOPE_BYTES }
        : { maxEvents: 1, maxBytes: o.maxGetBytes, emptyBytes: o.url.length + GET_QUERY_OVERHEAD };
    super({
      name: o.name,
      limits,
      maxWaitMs: o.flushIntervalMs,
      concurrency: o.concurrency,
      maxQueueSize: o.maxQueueSize,
      scheduler: o.scheduler,
      store: o.store,
    });
    this.#options = o;
    this.#delivery = {
      name: o.name,
      url: o.url,
      transport: o.transport ?? createKyTransport({ fetch: o.fetch, credentials: o.credentials }),
      buildRequest:
        o.method === 'post'
          ? (items, events, sentAt) => ({ ...buildPostRequest(o.url, o.headers, events, { items, sentAt }), items })
          : (items, _events, sentAt) => ({ ...buildGetRequest(o.url, o.headers, items[0]!, sentAt), items }),
      scheduler: o.scheduler,
      timeoutMs: o.timeoutMs,
      retry: o.retry,
      isSuccess: o.isSuccess,
      random: jitterRandom(o.retry),
      retryNow: o.retryNow,
    };
  }

  protected measure(payload: Payload, json?: string): { readonly encoded?: string | undefined; readonly bytes: number } {
    if (this.#options.method === 'post') return measureForPost(payload, json);
    const encoded = encodeForGet(payload);
    return { encoded, bytes: encoded.length };
  }

  protected deliver(batch: readonly QueuedEvent[]): Observable<Settlement> {
    return deliverBatch(batch, this.#delivery);
  }
}
