import type { Observable, Subscription } from 'rxjs';
import type { InvalidEventError, UnexpectedError } from '../errors.js';
import type { Payload } from '../payload/payload.js';
import type { DeliveryOutcome, DeliveryReport, ShutdownOptions } from './outcome.js';

/** A built event on its way to the sinks. */
export interface AcceptedEvent {
  readonly kind: 'event';
  readonly payload: Payload;
}

/** An event the tracker will not deliver: every sink reports it as `dropped` with this reason. */
export interface RejectedEvent {
  readonly kind: 'rejected';
  readonly reason: 'invalid' | 'filtered' | 'error';
  /** The payload, when it was built (`filtered`, and `error` from a global-context generator). */
  readonly payload: Payload | undefined;
  readonly error: InvalidEventError | UnexpectedError | undefined;
}

/** What a tracker hands its sinks, one multicast stream for all of them. */
export type Admission = AcceptedEvent | RejectedEvent;

/**
 * Where a tracker's events go: the HTTP `Emitter`, and any other delivery (a durable queue, a browser outbox). The
 * tracker depends on this interface only. A sink reports every admitted event's fate on `outcomes`: exactly one
 * final outcome (`sent`, `failed`, `dropped`) per event, never a throw into the caller.
 */
export interface Sink {
  /** The sink's name, as it appears in outcomes. */
  readonly name: string;
  /** Every outcome at this sink. Hot: no replay. */
  readonly outcomes: Observable<DeliveryOutcome>;
  /**
   * Subscribes the sink to a tracker's admissions. A sink serves one tracker: a second `connect` throws an
   * `InvalidOptionsError`, as one sink's outcomes could not be told apart between two trackers.
   */
  connect(admissions: Observable<Admission>): Subscription;
  /** Resolves when every event admitted before the call has a final outcome here. Never rejects. */
  flush(): Promise<void>;
  /** Stops intake, flushes, and at the deadline gives up what is left (`dropped`, `abandoned`). Never rejects. */
  shutdown(options?: ShutdownOptions): Promise<DeliveryReport>;
}
