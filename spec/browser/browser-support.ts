// Support for the rxplow/browser specs (spec/browser/browser-*.spec.ts): a scheduler whose clock and timers the spec
// moves by hand, a sink that records what the tracker hands it, and DOM helpers.
import { Subject, VirtualAction, VirtualTimeScheduler, type Observable, type Subscription } from 'rxjs';
import type { Admission, DeliveryOutcome, DeliveryReport, Payload, Sink } from '../../src/index.js';
import { decodePayload } from '../helpers/decode.js';

/** Virtual time on a real-looking clock: `now()` starts at the real time; `advance(ms)` runs the timers due. */
export class ManualScheduler extends VirtualTimeScheduler {
  readonly start = Date.now();

  constructor() {
    super(VirtualAction, Infinity);
    // The base class sets `now` per instance (() => frame): a real-looking epoch time keeps cookies and dtm sane.
    this.now = () => this.start + this.frame;
  }

  /** Moves the clock by `ms`, running every timer due on the way, in order. */
  advance(ms: number): void {
    const target = this.frame + ms;
    this.maxFrames = target;
    this.flush();
    this.frame = target;
  }

  /** Timers waiting. */
  get pending(): number {
    return this.actions.length;
  }
}

/** A sink that keeps every payload it is handed (decoded), and answers `sent` at once. */
export class RecordingSink implements Sink {
  readonly name = 'recording';
  readonly payloads: Payload[] = [];
  readonly #outcomes = new Subject<DeliveryOutcome>();
  readonly outcomes: Observable<DeliveryOutcome> = this.#outcomes.asObservable();
  #subscription: Subscription | undefined;

  connect(admissions: Observable<Admission>): Subscription {
    this.#subscription = admissions.subscribe((admission) => {
      if (admission.kind !== 'event') return;
      this.payloads.push(admission.payload);
      this.#outcomes.next({
        kind: 'sent',
        emitter: this.name,
        events: [admission.payload],
        attempt: 1,
        willRetry: false,
        status: 200,
      } as DeliveryOutcome);
    });
    return this.#subscription;
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<DeliveryReport> {
    this.#subscription?.unsubscribe();
    return Promise.resolve({ sent: this.payloads.length, failed: 0, dropped: 0, abandoned: 0 });
  }

  /** Every payload decoded: fields plus `contexts` (schema → data) and `event` (the self-describing event's data). */
  get events(): Decoded[] {
    return this.payloads.map(decode);
  }
}

export interface Decoded {
  readonly fields: Readonly<Record<string, string>>;
  readonly contexts: readonly { readonly schema: string; readonly data: Record<string, unknown> }[];
  readonly event: { readonly schema: string; readonly data: Record<string, unknown> } | undefined;
}

export function decode(payload: Payload): Decoded {
  const decoded = decodePayload(payload);
  return {
    fields: payload,
    contexts: (decoded.contexts?.data ?? []) as Decoded['contexts'],
    event: decoded.unstructEvent?.data as Decoded['event'],
  };
}

export const WEB_PAGE = 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0';
export const CLIENT_SESSION = 'iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The data of the entity with `schema`, or undefined. */
export const entity = (event: Decoded, schema: string): Record<string, unknown> | undefined =>
  event.contexts.find((c) => c.schema === schema)?.data;

/** Deletes the tracker's id cookie and localStorage key (any prefix used by the specs). */
export function clearIds(prefix = '_rxp_'): void {
  document.cookie = `${prefix}id=; Max-Age=0; Path=/`;
  localStorage.removeItem(`${prefix}id`);
}

/** Makes `document.visibilityState` read `state` and announces it. */
export function setVisibility(state: DocumentVisibilityState): void {
  if (state === 'visible') delete (document as { visibilityState?: unknown }).visibilityState;
  else Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}

/** Records every `document.cookie` write while the returned function is not called. */
export function recordCookieWrites(): { readonly writes: string[]; restore(): void } {
  const descriptor = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!;
  const writes: string[] = [];
  Object.defineProperty(document, 'cookie', {
    configurable: true,
    get: () => descriptor.get!.call(document) as string,
    set: (value: string) => {
      writes.push(value);
      descriptor.set!.call(document, value);
    },
  });
  return { writes, restore: () => delete (document as { cookie?: unknown }).cookie };
}
