// rxplow generate, proved with the compiler: the module generated for every schema of the Iglu Central copy and for
// hand-written schemas (the draft-04 features Iglu uses) compiles under strict; every value drawn from a schema that
// the collector's validator (ajv draft-04, src/collector/schema-resolver.ts) accepts typechecks with the generated
// constructors; known-invalid values do not (each behind an expected-error marker). One TypeScript program for all.
import { expect } from 'chai';
import fc from 'fast-check';
import { SchemaResolver } from '../../../src/collector/schema-resolver.js';
import { generate, readSchemas, type IgluSchemaFile } from '../../../src/generate/index.js';
import { nameSchemas } from '../../../src/generate/names.js';
import { arbitraryOf, compile, SPEC_SCHEMAS, type Diagnostic } from './support.js';

const SEED = 22;
const SAMPLES = 12;
/** The Iglu meta-schema: ajv (unicode regular expressions) cannot compile its patterns, so no value is drawn from it. */
const META = 'iglu:com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0';
const item = { sku: 'A1', quantity: 1 };
const checkout = { orderId: 'o-1', currency: 'EUR', items: [item] };

/** Values TypeScript must refuse: the constructor, why, and the value (which ajv must refuse too). */
const INVALID: readonly { readonly uri: string; readonly call: string; readonly why: string; readonly value: unknown }[] = [
  {
    uri: 'iglu:com.acme.spec/checkout/jsonschema/1-0-0',
    call: 'specCheckoutV1_0_0',
    why: 'required orderId missing',
    value: { currency: 'EUR', items: [item] },
  },
  {
    uri: 'iglu:com.acme.spec/checkout/jsonschema/1-0-0',
    call: 'specCheckoutV1_0_0',
    why: 'currency not in enum',
    value: { ...checkout, currency: 'JPY' },
  },
  {
    uri: 'iglu:com.acme.spec/checkout/jsonschema/1-0-0',
    call: 'specCheckoutV1_0_0',
    why: 'a number as a string',
    value: { ...checkout, items: [{ sku: 'A', quantity: '2' }] },
  },
  {
    uri: 'iglu:com.acme.spec/checkout/jsonschema/1-0-0',
    call: 'specCheckoutV1_0_0',
    why: 'a property not in a closed object',
    value: { ...checkout, foo: 1 },
  },
  {
    uri: 'iglu:com.acme.spec/checkout/jsonschema/1-0-0',
    call: 'specCheckoutV1_0_0',
    why: 'a number for string|null',
    value: { ...checkout, coupon: 5 },
  },
  {
    uri: 'iglu:com.acme.spec/checkout/jsonschema/1-0-0',
    call: 'specCheckoutV1_0_0',
    why: 'nested required zip missing',
    value: { ...checkout, address: { street: 'Main' } },
  },
  {
    uri: 'iglu:com.acme.spec/checkout/jsonschema/1-0-0',
    call: 'specCheckoutV1_0_0',
    why: 'an object for an array',
    value: { ...checkout, items: {} },
  },
  {
    uri: 'iglu:com.acme.spec/checkout/jsonschema/1-0-0',
    call: 'specCheckoutV1_0_0',
    why: 'an extra property in an item',
    value: { ...checkout, items: [{ ...item, color: 'red' }] },
  },
  {
    uri: 'iglu:com.acme.spec/checkout/jsonschema/1-0-0',
    call: 'specCheckoutEntityV1_0_0',
    why: 'entity: a number for a string',
    value: { ...checkout, orderId: 1 },
  },
  {
    uri: 'iglu:com.acme.spec/checkout/jsonschema/1-0-0',
    call: 'specCheckoutV1_0_0',
    why: 'giftWrap exists only in 1-0-1',
    value: { ...checkout, giftWrap: true },
  },
  {
    uri: 'iglu:com.acme.spec/payment/jsonschema/1-0-0',
    call: 'paymentV1_0_0',
    why: 'method not in enum',
    value: { method: 'bitcoin', amount: 1 },
  },
  {
    uri: 'iglu:com.acme.spec/payment/jsonschema/1-0-0',
    call: 'paymentV1_0_0',
    why: 'null for a number',
    value: { method: 'cash', amount: null },
  },
  {
    uri: 'iglu:com.acme.spec/search/jsonschema/1-0-0',
    call: 'searchV1_0_0',
    why: 'a number for anyOf string|string[]',
    value: { terms: 5 },
  },
  {
    uri: 'iglu:com.acme.spec/search/jsonschema/1-0-0',
    call: 'searchV1_0_0',
    why: 'additionalProperties schema: number for string',
    value: { terms: 'a', filters: { a: 1 } },
  },
  {
    uri: 'iglu:com.acme.spec/search/jsonschema/1-0-0',
    call: 'searchV1_0_0',
    why: 'an item not in enum',
    value: { terms: 'a', tags: ['old'] },
  },
  {
    uri: 'iglu:com.acme.spec/search/jsonschema/1-0-0',
    call: 'searchV1_0_0',
    why: 'a string for an integer',
    value: { terms: 'a', page: '1' },
  },
  { uri: 'iglu:com.acme.spec/class/jsonschema/1-0-0', call: 'classV1_0_0', why: 'open object: kind not in enum', value: { kind: 'z' } },
  {
    uri: 'iglu:com.acme.spec/class/jsonschema/1-0-0',
    call: 'classV1_0_0',
    why: 'open object: a named property keeps its type',
    value: { kind: 'x', count: 'x' },
  },
  { uri: 'iglu:com.acme.other/checkout/jsonschema/1-0-0', call: 'otherCheckoutV1_0_0', why: 'required step missing', value: {} },
  {
    uri: 'iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1',
    call: 'linkClickV1_0_1',
    why: 'Iglu Central: targetUrl missing',
    value: { elementId: 'a' },
  },
];

const TESTING_USAGE = `import { createTestingCollector, entitiesOf, eventsOf } from 'rxplow/testing';
import { otherCheckout, specCheckoutEntity } from './spec-schemas.js';
const collector = createTestingCollector();
export const step: number = eventsOf(collector, otherCheckout)[0]!.data.step;
export const skus: string[] = entitiesOf(collector, specCheckoutEntity).flatMap((c) => c.items.map((i) => i.sku));
export const coupons: (string | null | undefined)[] = entitiesOf(collector.events, specCheckoutEntity).map((c) => c.coupon);
// @ts-expect-error: the data is typed, step is a number
export const wrong: string = eventsOf(collector, otherCheckout)[0]!.data.step;
`;

describe('rxplow generate: the generated module typechecks (TypeScript compiler, strict)', function () {
  this.timeout(120_000);
  let diagnostics: Diagnostic[];
  let schemas: IgluSchemaFile[];
  const accepted = new Map<string, number>();
  const rejectedInvalid: string[] = [];

  before(async () => {
    const started = performance.now();
    const igluCentral = generate({ schemas: [], igluCentral: true });
    const ms = performance.now() - started;
    schemas = readSchemas([SPEC_SCHEMAS], true);
    console.log(`      (generating the whole Iglu Central copy: ${ms.toFixed(0)} ms, ${igluCentral.length} characters)`);
    const specModule = generate({ schemas: [SPEC_SCHEMAS] });
    const names = nameSchemas(schemas);
    const resolver = new SchemaResolver({ schemaDirs: [SPEC_SCHEMAS], igluUrls: [], builtinSchemas: true });
    await resolver.init();
    const specUris = new Set(readSchemas([SPEC_SCHEMAS]).map((s) => s.uri));
    const lines = [`import * as central from './iglu-central.js';`, `import * as spec from './spec-schemas.js';`];
    for (const [i, schema] of schemas.entries()) {
      if (schema.uri === META) continue;
      const resolved = await resolver.resolve(schema.uri);
      if (!resolved.ok) throw new Error(resolved.error);
      const values = fc.sample(arbitraryOf(schema.schema), { numRuns: SAMPLES, seed: SEED + i }).filter((v) => resolved.validate(v));
      accepted.set(schema.uri, values.length);
      const module = specUris.has(schema.uri) ? 'spec' : 'central';
      for (const value of values) {
        lines.push(`${module}.${names[i]!.event}(${JSON.stringify(value)});`, `${module}.${names[i]!.entity}(${JSON.stringify(value)});`);
      }
    }
    const invalid = ['import * as spec from "./spec-schemas.js";', 'import * as central from "./iglu-central.js";'];
    for (const c of INVALID) {
      const resolved = await resolver.resolve(c.uri);
      if (resolved.ok && !resolved.validate(c.value)) rejectedInvalid.push(c.why);
      const module = specUris.has(c.uri) ? 'spec' : 'central';
      invalid.push(`// @ts-expect-error: ${c.why}`, `${module}.${c.call}(${JSON.stringify(c.value)});`);
    }
    console.log(`      (values drawn and validated: ${(performance.now() - started).toFixed(0)} ms)`);
    diagnostics = compile({
      'iglu-central.ts': igluCentral,
      'spec-schemas.ts': specModule,
      'no-checks.ts': generate({ schemas: [SPEC_SCHEMAS], igluCentral: true, runtimeChecks: false }),
      // A browser app's module: the runtime from rxplow/events, the vocabulary without delivery (docs/angular.md).
      'from-events.ts': generate({ schemas: [SPEC_SCHEMAS], importFrom: 'rxplow/events' }),
      'valid-values.ts': `${lines.join('\n')}\n`,
      'invalid-values.ts': `${invalid.join('\n')}\n`,
      'testing-usage.ts': TESTING_USAGE,
    });
    console.log(`      (compiled: ${(performance.now() - started).toFixed(0)} ms)`);
  });

  const of = (file: string): string[] =>
    diagnostics.filter((d) => d.file === file).map((d) => `${d.file}:${d.line} TS${d.code} ${d.message}`);

  it('nothing else in the program reports an error (rxplow sources, without Node types)', () => {
    const elsewhere = diagnostics.filter((d) => !d.file.endsWith('.ts') || !/^[a-z-]+\.ts$/.test(d.file));
    expect(elsewhere.map((d) => `${d.file}:${d.line} ${d.message}`)).to.deep.equal([]);
  });

  it('the module for every schema of the Iglu Central copy compiles under strict', () => {
    expect(schemas.filter((s) => s.uri.includes('snowplowanalytics')).length).to.be.greaterThan(30);
    expect(of('iglu-central.ts')).to.deep.equal([]);
  });

  it('the module for the hand-written schemas (required, enum, null unions, oneOf/anyOf, nesting, arrays, bounds, additionalProperties) compiles', () => {
    expect(of('spec-schemas.ts')).to.deep.equal([]);
    expect(of('no-checks.ts')).to.deep.equal([]);
    expect(of('from-events.ts')).to.deep.equal([]);
  });

  it('every value drawn from a schema that ajv accepts typechecks, as an event and as an entity', () => {
    console.log(`      (${[...accepted.values()].reduce((a, b) => a + b, 0)} accepted values over ${accepted.size} schemas, seed ${SEED})`);
    const starved = [...accepted].filter(([, n]) => n === 0).map(([uri]) => uri);
    expect(starved, 'schemas without any accepted value').to.deep.equal([]);
    expect(of('valid-values.ts')).to.deep.equal([]);
  });

  it('known-invalid values fail to compile (every expected-error marker is used) and ajv refuses them too', () => {
    expect(of('invalid-values.ts')).to.deep.equal([]);
    expect(rejectedInvalid).to.deep.equal(INVALID.map((c) => c.why));
  });

  it('rxplow/testing: eventsOf and entitiesOf give the data its generated type', () => {
    expect(of('testing-usage.ts')).to.deep.equal([]);
  });
});
