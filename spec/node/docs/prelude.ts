// What the docs' ```ts blocks may use without defining it (spec/node/docs/snippets.spec.ts compiles it as a global
// script next to every block). Only two kinds of names belong here:
//   - what an earlier example on the same page built (`t`, `tracker`, `post`, `get`, the testing `collector`);
//   - the reader's own objects a snippet merely calls (a logger, a server, a metrics client, an app's streams),
//     and the assertion style of Jest / Jasmine / Vitest (`expect(x).toEqual(y)`, `test(...)`).
// Never rxplow's or rxjs's own names: a block must import those, as a reader copying it would have to.
export const PRELUDE = `
declare const t: import('rxplow').Tracker;
declare const tracker: import('rxplow').Tracker;
declare const post: import('rxplow').Emitter;
declare const get: import('rxplow').Emitter;
declare const collector: import('rxplow/testing').TestingCollector;

/** The reader's own objects. */
declare const url: string;
declare const clickedAt: number;
declare const orders$: import('rxjs').Observable<{ readonly status: string; readonly total: number; readonly placedAt: number }>;
declare const server: { close(): void };
declare const logger: { info(fields: object, message: string): void };
declare const log: { warn(message: string): void; info(message: string): void };
declare const metrics: { increment(name: string, by?: number): void };
declare function audit(outcome: import('rxplow').DeliveryOutcome): void;

/** Jest / Jasmine / Vitest style assertions (the Mocha examples import chai's expect instead). */
interface DocsMatchers {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toMatchObject(expected: object): void;
  toHaveLength(expected: number): void;
  readonly not: DocsMatchers;
}
declare function expect(actual: unknown): DocsMatchers;
declare function test(name: string, body: () => void | Promise<void>): void;
`;
