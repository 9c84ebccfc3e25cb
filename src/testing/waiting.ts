// The testing collector's waits for accepted events (`waitForEvents`): each resolves once enough matching events have
// arrived, or rejects at its deadline with a message listing what did arrive.
import type { CollectedEvent, CollectedRequest, WaitForEventsOptions } from './testing-collector.js';

interface Waiter {
  check(): void;
}

/** The pending waits of one collector, over its (live) lists of accepted events and requests. */
export class EventWaits {
  readonly #events: readonly CollectedEvent[];
  readonly #requests: readonly CollectedRequest[];
  readonly #defaultTimeoutMs: number;
  readonly #waiters = new Set<Waiter>();

  constructor(events: readonly CollectedEvent[], requests: readonly CollectedRequest[], defaultTimeoutMs: number) {
    this.#events = events;
    this.#requests = requests;
    this.#defaultTimeoutMs = defaultTimeoutMs;
  }

  /** Resolves with the matching accepted events once there are `count` of them; rejects on timeout. */
  wait(options: WaitForEventsOptions): Promise<CollectedEvent[]> {
    const count = options.count ?? 1;
    const predicate = options.predicate ?? (() => true);
    const timeoutMs = options.timeoutMs ?? this.#defaultTimeoutMs;
    const events = this.#events;
    return new Promise<CollectedEvent[]>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const matching = events.filter(predicate);
          if (matching.length < count) return;
          this.#waiters.delete(waiter);
          clearTimeout(timer);
          resolve(matching);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(describeTimeout(count, timeoutMs, events.filter(predicate).length, events, this.#requests)));
      }, timeoutMs);
      this.#waiters.add(waiter);
      waiter.check();
    });
  }

  /** Checks every pending wait (after events were accepted). */
  check(): void {
    for (const waiter of this.#waiters) waiter.check();
  }
}

/** One line per accepted event, for error messages: `pv page_view eid=…` or `ue iglu:… eid=…`. */
export function describeEvent(event: CollectedEvent): string {
  const what = event.schema ?? event.eventName;
  return `${event.eventType || '(no e)'} ${what} eid=${event.eventId ?? '(none)'}`;
}

function describeTimeout(
  count: number,
  timeoutMs: number,
  matching: number,
  events: readonly CollectedEvent[],
  requests: readonly CollectedRequest[],
): string {
  const lines = events.map((event) => `  - ${describeEvent(event)}`);
  const failed = requests.filter((r) => r.outcome !== 'pending' && !(typeof r.outcome === 'number' && r.outcome >= 200 && r.outcome < 300));
  const problems = requests.flatMap((r) => r.errors.map((error) => `  - request ${r.index}: ${error}`));
  return [
    `waitForEvents: timed out after ${timeoutMs} ms waiting for ${count} matching event(s); ${matching} matched, ` +
      `${events.length} accepted in ${requests.length} request(s) (${failed.length} not answered 2xx)${events.length ? ':' : '.'}`,
    ...lines,
    ...(problems.length ? ['decoding problems:', ...problems] : []),
  ].join('\n');
}
