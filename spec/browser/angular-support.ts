// Support for the rxplow/angular TestBed specs (spec/browser/angular-*.spec.ts, zoneless, in the shared bundle; and
// spec/browser/zone/*.spec.ts, with zone.js, in their own bundle). Angular runs in JIT here: @angular/compiler must be
// evaluated before any Angular package (their partial declarations are compiled when their classes are defined), so
// every Angular spec imports this module first, and this module imports the compiler first.
import '@angular/compiler';
import { ApplicationRef } from '@angular/core';
import { getTestBed } from '@angular/core/testing';
import { BrowserTestingModule, platformBrowserTesting } from '@angular/platform-browser/testing';
import { filter, firstValueFrom, race, timer, map } from 'rxjs';

let initialised = false;
/** Initialises TestBed's platform once per bundle. */
export function initTestBed(): void {
  if (initialised) return;
  initialised = true;
  getTestBed().initTestEnvironment(BrowserTestingModule, platformBrowserTesting(), { teardown: { destroyAfterEach: true } });
}

/** A session of the Karma loopback collector (spec/support/karma-collector.cjs). */
export interface CollectorSession {
  readonly endpoint: string;
  /** Answers for the next requests (then 200): `[503]`. */
  script(answers: readonly unknown[]): Promise<void>;
  /** The requests received so far, each with its decoded events. */
  received(): Promise<readonly { readonly status: number; readonly events: readonly Record<string, string>[] }[]>;
}

let sessions = 0;
export function collectorSession(name: string): CollectorSession {
  const endpoint = `${window.location.origin}/__rxplow/angular-${name}-${Date.now()}-${++sessions}`;
  return {
    endpoint,
    script: async (answers) => {
      await fetch(`${endpoint}/__script`, { method: 'POST', body: JSON.stringify(answers) });
    },
    received: async () => (await fetch(`${endpoint}/__received`)).json(),
  };
}

/** Resolves with `true` once `appRef.isStable` emits true, with `false` if it has not after `ms`. */
export function stableWithin(appRef: ApplicationRef, ms: number): Promise<boolean> {
  return firstValueFrom(race(appRef.isStable.pipe(filter(Boolean)), timer(ms).pipe(map(() => false))));
}

/** Resolves with `true` once `appRef.whenStable()` resolves, with `false` if it has not after `ms`. */
export function whenStableWithin(appRef: ApplicationRef, ms: number): Promise<boolean> {
  return Promise.race([appRef.whenStable().then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);
}

/** Polls `condition` every 10 ms until it is truthy; throws after `ms`. */
export async function until<T>(condition: () => T | Promise<T>, what: string, ms = 5_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
