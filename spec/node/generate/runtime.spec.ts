// rxplow generate at run time: events built with the generated constructors are `good` at `rxplow collector` with the
// same schema folder (real HTTP on loopback); in development a value TypeScript cannot see (from `any`) that breaks
// its schema is refused with the schema path (`InvalidEventError` at `track()`, `dropped` / `invalid` through
// `tracker.input`) and not sent; in production it is not checked. The runtime check agrees with ajv.
import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector, type RunningCollector } from '../../../src/collector/server.js';
import { SchemaResolver } from '../../../src/collector/schema-resolver.js';
import { generate, readSchemas } from '../../../src/generate/index.js';
import { nameSchemas } from '../../../src/generate/names.js';
import { createTestingCollector, entitiesOf, eventsOf, type SchemaConstructor } from '../../../src/testing/index.js';
import {
  Emitter,
  InvalidEventError,
  isDevelopment,
  schemaCheck,
  Tracker,
  type DeliveryOutcome,
  type TypedEntityConstructor,
  type TypedEventConstructor,
} from '../../../src/index.js';
import { OutcomeLog } from '../../support/conservation.js';
import { arbitraryOf, REPO_ROOT, SPEC_SCHEMAS } from './support.js';

/** The generated module as loaded at run time (its types are proved by compile.spec.ts). */
type Module = Readonly<Record<string, unknown>>;
const eventIn = (m: Module, name: string) => m[name] as TypedEventConstructor<object>;
const entityIn = (m: Module, name: string) => m[name] as TypedEntityConstructor<object>;
const SAMPLES = 8;

/** Generates the spec schemas (and Iglu Central) into a temporary module importing the rxplow sources, and loads it. */
async function loadGenerated(dir: string): Promise<Module> {
  const file = join(dir, 'typed.ts');
  writeFileSync(file, generate({ schemas: [SPEC_SCHEMAS], igluCentral: true, importFrom: join(REPO_ROOT, 'src/index.js') }));
  return (await import(file)) as Module;
}

/** Sets globalThis.RXPLOW_DEV for the duration of `body`. */
async function withDevFlag<T>(value: boolean | undefined, body: () => Promise<T> | T): Promise<T> {
  const g = globalThis as { RXPLOW_DEV?: boolean };
  const before = g.RXPLOW_DEV;
  if (value === undefined) delete g.RXPLOW_DEV;
  else g.RXPLOW_DEV = value;
  try {
    return await body();
  } finally {
    if (before === undefined) delete g.RXPLOW_DEV;
    else g.RXPLOW_DEV = before;
  }
}

describe('rxplow generate: the generated constructors at run time', function () {
  this.timeout(30_000);
  let dir: string;
  let typed: Module;
  let collector: RunningCollector;
  const resolver = new SchemaResolver({ schemaDirs: [SPEC_SCHEMAS], igluUrls: [], builtinSchemas: true });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rxplow-generate-'));
    typed = await loadGenerated(dir);
    await resolver.init();
  });
  beforeEach(async () => {
    collector = await startCollector({ schemaDirs: [SPEC_SCHEMAS], out: null });
  });
  afterEach(() => collector.close());
  after(() => rmSync(dir, { recursive: true, force: true }));

  const trackerFor = (c: { readonly url: string }): Tracker =>
    new Tracker(new Emitter(c.url, { flushIntervalMs: 0 }), { namespace: 'spec', appId: 'generate' });

  it('events and entities built with the constructors of every hand-written schema are good at rxplow collector', async () => {
    const tracker = trackerFor(collector);
    let tracked = 0;
    const schemas = readSchemas([SPEC_SCHEMAS]);
    const all = readSchemas([SPEC_SCHEMAS], true); // as the module was generated: the names depend on every schema
    const names = nameSchemas(all);
    const namesOf = (uri: string) => names[all.findIndex((s) => s.uri === uri)]!;
    for (const [i, schema] of schemas.entries()) {
      const resolved = await resolver.resolve(schema.uri);
      if (!resolved.ok) throw new Error(resolved.error);
      const values = fc.sample(arbitraryOf(schema.schema), { numRuns: SAMPLES * 3, seed: 220 + i }).filter((v) => resolved.validate(v));
      const event = eventIn(typed, namesOf(schema.uri).event);
      const entity = entityIn(typed, namesOf(schema.uri).entity);
      expect([event.schema, entity.schema]).to.deep.equal([schema.uri, schema.uri]);
      expect(values.length, schema.uri).to.be.greaterThan(0);
      for (const value of values.slice(0, SAMPLES)) {
        tracker.track(event(value as object), { context: [entity(value as object)] });
        tracked++;
      }
    }
    tracker.track(eventIn(typed, 'linkClickV1_0_1')({ targetUrl: 'https://example.com/a', elementClasses: ['nav'] }));
    await tracker.shutdown();
    await collector.idle();
    expect(collector.bad().map((b) => JSON.stringify(b))).to.deep.equal([]);
    expect(collector.good()).to.have.length(tracked + 1);
    expect(collector.good().every((g) => g.eventType === 'unstruct' && g.contexts.length <= 1)).to.equal(true);
  });

  it('in development, data from `any` that breaks the schema throws InvalidEventError at track(), naming its path; nothing is sent', async () => {
    expect(isDevelopment(), 'mocha runs without NODE_ENV=production').to.equal(true);
    const tracker = trackerFor(collector);
    const fromJson: any = JSON.parse('{"orderId":"o-1","currency":"EUR","items":[{"sku":"","quantity":1}]}'); // eslint-disable-line @typescript-eslint/no-explicit-any
    const thrown = (f: () => void): InvalidEventError => {
      try {
        f();
      } catch (error) {
        expect(error).to.be.instanceOf(InvalidEventError);
        return error as InvalidEventError;
      }
      throw new Error('did not throw');
    };
    const asEvent = thrown(() => tracker.track(eventIn(typed, 'specCheckoutV1_0_1')(fromJson)));
    expect(asEvent.field).to.equal('event.data.items[0].sku');
    expect(asEvent.message).to.include('#/properties/items/items/properties/sku/minLength');
    const asEntity = thrown(() =>
      tracker.track(eventIn(typed, 'otherCheckout')({ step: 1 }), { context: [entityIn(typed, 'specCheckoutEntity')(fromJson)] }),
    );
    expect(asEntity.field).to.equal('context[0].data.items[0].sku');
    await tracker.shutdown();
    await collector.idle();
    expect(collector.summary()).to.include({ good: 0, bad: 0 });
  });

  it('in development, through tracker.input the same event is dropped with reason invalid (and the path), and the valid one is sent', async () => {
    const tracker = trackerFor(collector);
    const log = new OutcomeLog(tracker.outcomes, tracker);
    const bad: any = { orderId: 'o-1', currency: 'EUR', items: [{ sku: 'A', quantity: 1 }], coupon: 'x'.repeat(21) }; // eslint-disable-line @typescript-eslint/no-explicit-any
    tracker.input.next(eventIn(typed, 'specCheckout')(bad));
    tracker.input.next(eventIn(typed, 'specCheckout')({ ...bad, coupon: null }));
    await tracker.shutdown();
    await collector.idle();
    const dropped = log.outcomes.filter((o): o is Extract<DeliveryOutcome, { kind: 'dropped' }> => o.kind === 'dropped');
    expect(dropped.map((o) => [o.reason, (o.error as InvalidEventError | undefined)?.field])).to.deep.equal([
      ['invalid', 'event.data.coupon'],
    ]);
    expect(collector.summary()).to.include({ good: 1, bad: 0 });
  });

  it('in production (RXPLOW_DEV=false) nothing is checked: the same event is sent, and the collector reports it bad', async () => {
    await withDevFlag(false, async () => {
      expect(isDevelopment()).to.equal(false);
      const tracker = trackerFor(collector);
      const bad: any = { orderId: 'o-1', currency: 'EUR', items: [{ sku: 'A', quantity: 1 }], coupon: 'x'.repeat(21) }; // eslint-disable-line @typescript-eslint/no-explicit-any
      tracker.track(eventIn(typed, 'specCheckout')(bad));
      await tracker.shutdown();
    });
    await collector.idle();
    expect(collector.summary()).to.include({ good: 0, bad: 1 });
    expect(collector.bad()[0]!.errors.join('\n')).to.include('coupon');
  });

  it('rxplow/testing: eventsOf and entitiesOf find the events and entities of one schema, data as sent', async () => {
    const testing = createTestingCollector();
    const tracker = new Tracker(new Emitter(testing.url, { fetch: testing.fetch, flushIntervalMs: 0 }));
    const step = eventIn(typed, 'otherCheckout');
    const cart = entityIn(typed, 'specCheckoutEntity');
    tracker.track(step({ step: 2 }), { context: [cart({ orderId: 'o-9', currency: 'USD', items: [{ sku: 'B', quantity: 3 }] })] });
    tracker.track(eventIn(typed, 'search')({ terms: 'shoes' }));
    await tracker.shutdown();
    expect(eventsOf(testing, step as SchemaConstructor<{ step: number }>).map((e) => e.data.step)).to.deep.equal([2]);
    expect(entitiesOf(testing, cart as SchemaConstructor<{ orderId: string }>).map((c) => c.orderId)).to.deep.equal(['o-9']);
    expect(eventsOf(testing.events, cart)).to.deep.equal([]);
  });
});

describe('isDevelopment(): the development/production switch', () => {
  const env = process.env;
  afterEach(() => {
    process.env = env;
  });

  it('is development unless NODE_ENV is production; globalThis.RXPLOW_DEV overrides both ways', async () => {
    process.env = { ...env, NODE_ENV: 'production' };
    expect(isDevelopment()).to.equal(false);
    expect(await withDevFlag(true, isDevelopment)).to.equal(true);
    process.env = { ...env, NODE_ENV: 'development' };
    expect(isDevelopment()).to.equal(true);
    expect(await withDevFlag(false, isDevelopment)).to.equal(false);
    const { NODE_ENV: _, ...unset } = env;
    process.env = unset;
    expect(isDevelopment()).to.equal(true);
  });

  it("is production when Angular's ngDevMode is false (its production builds), whatever NODE_ENV says", () => {
    const g = globalThis as { ngDevMode?: unknown };
    process.env = { ...env, NODE_ENV: 'development' };
    try {
      g.ngDevMode = false;
      expect(isDevelopment()).to.equal(false);
      g.ngDevMode = {};
      expect(isDevelopment()).to.equal(true);
    } finally {
      delete g.ngDevMode;
    }
  });
});

describe('schemaCheck: the development-only check agrees with the collector (ajv) on the hand-written schemas', () => {
  it('accepts exactly what ajv accepts, for values drawn from each schema and for the same values with one property replaced', async () => {
    const resolver = new SchemaResolver({ schemaDirs: [SPEC_SCHEMAS], igluUrls: [], builtinSchemas: false });
    await resolver.init();
    let compared = 0;
    let refused = 0;
    for (const schema of readSchemas([SPEC_SCHEMAS])) {
      const resolved = await resolver.resolve(schema.uri);
      if (!resolved.ok) throw new Error(resolved.error);
      const check = schemaCheck(schema.schema, schema.uri);
      const keys = Object.keys(schema.schema['properties'] as object);
      const mutated = fc
        .tuple(arbitraryOf(schema.schema), fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 2 }))
        .map(([value, key, replacement]) => (typeof value === 'object' && value !== null ? { ...value, [key]: replacement } : value));
      fc.assert(
        fc.property(fc.oneof(arbitraryOf(schema.schema), mutated), (value) => {
          let accepted = true;
          try {
            check(value, 'data');
          } catch (error) {
            expect(error).to.be.instanceOf(InvalidEventError);
            accepted = false;
          }
          compared++;
          if (!accepted) refused++;
          expect(accepted, `${schema.uri} ${JSON.stringify(value)}: ajv says ${JSON.stringify(resolved.validate.errors)}`).to.equal(
            resolved.validate(value),
          );
        }),
        { numRuns: 150, seed: 22 },
      );
    }
    expect(refused).to.be.greaterThan(compared / 10);
  });
});
