// The TestScheduler and stand-in transports for Emitter specs that do not need HTTP (the `transport` option).
import { expect } from 'chai';
import { Observable, Subject } from 'rxjs';
import { TestScheduler, type RunHelpers } from 'rxjs/testing';
import type { CollectorRequest } from '../../src/emitter/request.js';
import type { Transport, TransportResponse } from '../../src/emitter/transport.js';
import type { Emitter } from '../../src/emitter/emitter.js';
import type { Payload } from '../../src/payload/payload.js';
import { map, type Observable as Obs, type Subscription } from 'rxjs';
import type { DeliveryError } from '../../src/emitter/outcome.js';

/** A TestScheduler that compares with chai's deep equality. */
export const chaiTestScheduler = (): TestScheduler =>
  new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });

/** One scripted answer: a response with this status (and Retry-After), or a transport error. */
export type Reply = number | { readonly status: number; readonly retryAfter?: string } | DeliveryError;

type Cold = RunHelpers['cold'];

export interface ScriptedTransport {
  readonly transport: Transport;
  /** Each request, with the virtual time it was made at. */
  readonly requests: { readonly at: number; readonly request: CollectorRequest }[];
}

/**
 * For TestScheduler specs: the n-th request gets the n-th reply (then 200s) `latency` frames later, as a cold
 * Observable made with the run helpers' `cold`.
 */
export function scriptedTransport(cold: Cold, now: () => number, replies: readonly Reply[], latency = 2): ScriptedTransport {
  const requests: ScriptedTransport['requests'] = [];
  const wait = '-'.repeat(latency);
  const transport: Transport = (request) => {
    const reply = replies[requests.length] ?? 200;
    requests.push({ at: now(), request });
    if (reply instanceof Error) return cold<TransportResponse>(`${wait}#`, {}, reply);
    const response =
      typeof reply === 'number' ? { status: reply, retryAfter: null } : { status: reply.status, retryAfter: reply.retryAfter ?? null };
    return cold(`${wait}(r|)`, { r: response });
  };
  return { transport, requests };
}

/** A request made to a {@link manualTransport}, answered when the spec says so. */
export interface PendingCall {
  readonly request: CollectorRequest;
  respond(status: number, retryAfter?: string): void;
  fail(error: DeliveryError): void;
  /** The emitter unsubscribed (aborted) before an answer. */
  readonly aborted: boolean;
}

export interface ManualTransport {
  readonly transport: Transport;
  readonly calls: PendingCall[];
  /** Resolves with the n-th call (from 0) once it has been made. */
  call(index: number): Promise<PendingCall>;
}

/** For real-time specs: every request waits until the spec answers it. */
export function manualTransport(): ManualTransport {
  const calls: PendingCall[] = [];
  const made = new Subject<void>();
  const transport: Transport = (request) =>
    new Observable<TransportResponse>((subscriber) => {
      let aborted = false;
      let answered = false;
      calls.push({
        request,
        respond: (status, retryAfter) => {
          answered = true;
          subscriber.next({ status, retryAfter: retryAfter ?? null });
          subscriber.complete();
        },
        fail: (error) => {
          answered = true;
          subscriber.error(error);
        },
        get aborted() {
          return aborted;
        },
      });
      made.next();
      return () => {
        if (!answered) aborted = true;
      };
    });
  const call = (index: number): Promise<PendingCall> =>
    new Promise((resolve) => {
      if (calls[index]) return resolve(calls[index]);
      const subscription = made.subscribe(() => {
        if (!calls[index]) return;
        subscription.unsubscribe();
        resolve(calls[index]);
      });
    });
  return { transport, calls, call };
}

/** Connects an emitter to a stream of bare payloads, as a tracker would (each one an accepted event). */
export function connectPayloads(emitter: Emitter, payloads: Obs<Payload>): Subscription {
  return emitter.connect(payloads.pipe(map((payload) => ({ kind: 'event' as const, payload }))));
}
