import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { Payload } from '../payload/payload.js';

/** A payload accepted by an emitter: its place in the emitter's order, its encoded form and its byte cost in a request. */
export interface QueuedEvent {
  readonly seq: number;
  readonly payload: Payload;
  /** GET: its query string (without `stm`). POST: absent (the batch is serialised with each attempt's `stm`). */
  readonly encoded?: string | undefined;
  /** What it adds to a request, in bytes: GET, its URL bytes; POST, its JSON with `stm` and a comma (UTF-8). */
  readonly bytes: number;
  /** What the store that restored it knows it by (a stream entry id, a storage record); absent for accepted events. */
  readonly ref?: unknown;
  /**
   * POST: the payload's JSON text as its store keeps it (`JSON.stringify(payload)`, no `stm`), when a store restored it
   * with one: measured and sent as it is, not serialised again.
   */
  readonly json?: string | undefined;
}

/** When a batch is due by count and bytes, and the cost of an empty request. */
export interface BatchLimits {
  /** Send as soon as this many events wait. */
  readonly maxEvents: number;
  /** Largest request, in bytes (POST body, envelope included). */
  readonly maxBytes: number;
  /** What an empty request costs, in bytes (the POST envelope). */
  readonly emptyBytes: number;
}

/** What to do around adding the next event to the batch being filled (a pure decision on sizes). */
export interface AddDecision {
  /** The event would overflow the byte limit: send the batch as it is first, and start the next one with the event. */
  readonly sendBefore: boolean;
  /** With the event added, the batch is full by count: send it. */
  readonly sendAfter: boolean;
}

export function decideAdd(count: number, bytes: number, itemBytes: number, limits: BatchLimits): AddDecision {
  const sendBefore = count > 0 && bytes + itemBytes > limits.maxBytes;
  return { sendBefore, sendAfter: (sendBefore ? 1 : count + 1) >= limits.maxEvents };
}

/** True when an event could be sent in a request of its own. Events that cannot are dropped as `oversize`. */
export const fitsAlone = (itemBytes: number, limits: BatchLimits): boolean => limits.emptyBytes + itemBytes <= limits.maxBytes;

export interface BatchConfig {
  readonly limits: BatchLimits;
  /** A partial batch is sent this long after its first event. */
  readonly maxWaitMs: number;
  /** Each emission sends the partial batch at once. */
  readonly flush: Observable<unknown>;
  readonly scheduler?: SchedulerLike;
}

/**
 * Groups events into batches by count, bytes, time since the batch's first event, and an explicit flush signal.
 * O(1) per event. The partial batch is always emitted on flush, on completion and on error. No timer runs while the
 * batch is empty.
 */
export function batchEvents(config: BatchConfig): OperatorFunction<QueuedEvent, QueuedEvent[]> {
  const { limits, maxWaitMs, flush, scheduler = asyncScheduler } = config;
  return (source) =>
    new Observable<QueuedEvent[]>((subscriber) => {
      let items: QueuedEvent[] = [];
      let bytes = limits.emptyBytes;
      let timer: Subscription | undefined;

      // State is reset before a batch is emitted, so an event pushed re-entrantly while it is (a subscriber tracking
      // another event) is decided on the batch being filled, as RxJS's bufferTime does.
      const take = (): QueuedEvent[] => {
        timer?.unsubscribe();
        timer = undefined;
        const batch = items;
        items = [];
        bytes = limits.emptyBytes;
        return batch;
      };
      const add = (item: QueuedEvent): void => {
        items.push(item);
        bytes += item.bytes;
      };
      const send = (): void => {
        if (items.length > 0) subscriber.next(take());
        else take();
      };

      const flushing = flush.subscribe(send);
      const upstream = source.subscribe({
        next: (item) => {
          if (decideAdd(items.length, bytes, item.bytes, limits).sendBefore) {
            // The event starts the next batch before the full one is emitted: what a subscriber pushes meanwhile comes after it.
            const full = take();
            add(item);
            subscriber.next(full);
          } else add(item);
          // Decided on the batch as it is now (re-entrant pushes included), not as it was before the emission.
          if (items.length >= limits.maxEvents) send();
          else if (!timer && items.length > 0) timer = scheduler.schedule(send, maxWaitMs);
        },
        error: (error: unknown) => {
          send();
          subscriber.error(error);
        },
        complete: () => {
          send();
          subscriber.complete();
        },
      });
      return () => {
        upstream.unsubscribe();
        flushing.unsubscribe();
        timer?.unsubscribe();
      };
    });
}

/**
 * Cuts events into consecutive groups that each fit `limits.maxBytes` (a pure decision on sizes, built on
 * {@link decideAdd}); events that cannot fit even alone come back in `oversize`. Order is kept.
 */
export function splitToFit<T>(items: readonly T[], sizeOf: (item: T) => number, limits: BatchLimits): { groups: T[][]; oversize: T[] } {
  const groups: T[][] = [];
  const oversize: T[] = [];
  let current: T[] = [];
  let bytes = limits.emptyBytes;
  for (const item of items) {
    const size = sizeOf(item);
    if (!fitsAlone(size, limits)) {
      oversize.push(item);
      continue;
    }
    if (decideAdd(current.length, bytes, size, limits).sendBefore) {
      groups.push(current);
      current = [];
      bytes = limits.emptyBytes;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return { groups, oversize };
}
