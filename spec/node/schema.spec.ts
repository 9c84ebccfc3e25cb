// Schema spec: every payload of every event type (rich and minimal samples, base64 on and off) validates against
// payload_data 1-0-4, its unstruct_event / contexts envelope, and the Iglu schema of the event and of each entity.
//
// The schemas: the repo's schemas/iglu-central, with RXPLOW_IGLU_SCHEMAS (or ../shared/iglu/schemas beside the repo)
// searched first; under CI=true that overlay is required (spec/support/iglu-schemas.ts). Without schemas one test fails
// saying loudly that the schema spec did not run. It never skips or passes silently.
import AjvDraft04 from 'ajv-draft-04';
import AjvFormats from 'ajv-formats';
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Payload } from '../../src/payload/payload.js';
import { EVENT_SAMPLES, MINIMAL_SAMPLES, SAMPLE_CONTEXT, SAMPLE_SUBJECT, SP, trackSample } from '../fixtures/events.js';
import { createCapturingTracker } from '../helpers/capture.js';
import { decodePayload, type WireSelfDescribing } from '../helpers/decode.js';
import { igluSchemaDirs } from '../support/iglu-schemas.js';

const Ajv = AjvDraft04.default;
const addFormats = AjvFormats.default;

const META_SCHEMA_KEY = 'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0';
const META_SCHEMA_PATH = 'com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0';
const PAYLOAD_DATA = `${SP}/payload_data/jsonschema/1-0-4`;
const UNSTRUCT_EVENT = `${SP}/unstruct_event/jsonschema/1-0-0`;

/** Every file at VENDOR/NAME/jsonschema/M-R-A under `dir`, as [Iglu URI, schema]. */
function readIgluFolder(dir: string): [string, object][] {
  const found: [string, object][] = [];
  const children = (path: string) => readdirSync(path).filter((name) => statSync(join(path, name)).isDirectory());
  for (const vendor of readdirSync(dir)) {
    if (!statSync(join(dir, vendor)).isDirectory()) continue;
    for (const name of children(join(dir, vendor))) {
      const versions = join(dir, vendor, name, 'jsonschema');
      if (!existsSync(versions)) continue;
      for (const version of readdirSync(versions)) {
        const path = `${vendor}/${name}/jsonschema/${version}`;
        if (path === META_SCHEMA_PATH) continue;
        found.push([`iglu:${path}`, JSON.parse(readFileSync(join(dir, path), 'utf8')) as object]);
      }
    }
  }
  return found;
}

/** ajv exactly as PROTOCOL.md §8 sets it up, with the schemas of `dirs` (an earlier folder wins over a later one). */
function createValidator(dirs: readonly string[]) {
  const ajv = new Ajv({ strictTypes: false, allErrors: true });
  ajv.addKeyword('self');
  addFormats(ajv);
  const metaDir = dirs.find((dir) => existsSync(join(dir, META_SCHEMA_PATH))) ?? dirs[dirs.length - 1]!;
  ajv.addMetaSchema(JSON.parse(readFileSync(join(metaDir, META_SCHEMA_PATH), 'utf8')) as object, META_SCHEMA_KEY);
  const schemas = new Map<string, object>();
  for (const dir of [...dirs].reverse()) for (const [uri, schema] of readIgluFolder(dir)) schemas.set(uri, schema);
  for (const [uri, schema] of schemas) ajv.addSchema(schema, uri);
  const dir = dirs.join(', ');

  /** Asserts `data` is valid against the schema at Iglu `uri`, with ajv's errors in the message. */
  return (uri: string, data: unknown, what: string): void => {
    const validate = ajv.getSchema(uri);
    expect(validate, `no schema ${uri} in ${dir}`).to.be.a('function');
    const valid = validate!(data);
    expect(valid, `${what} against ${uri}: ${ajv.errorsText(validate!.errors)}`).to.equal(true);
  };
}

/** Validates one payload end to end (PROTOCOL.md §8 steps 1–3). */
function validatePayload(check: ReturnType<typeof createValidator>, payload: Payload): void {
  check(PAYLOAD_DATA, [payload], 'payload');
  const { unstructEvent, contexts } = decodePayload(payload);
  // An envelope's schema describes its `data`: the event's self-describing JSON, or the array of entities.
  if (unstructEvent !== undefined) {
    expect(unstructEvent.schema).to.equal(UNSTRUCT_EVENT);
    check(unstructEvent.schema, unstructEvent.data, 'ue envelope');
    check(unstructEvent.data.schema, unstructEvent.data.data, 'event data');
  }
  if (contexts !== undefined) {
    check(contexts.schema, contexts.data, 'contexts envelope');
    contexts.data.forEach((entity: WireSelfDescribing, i) => check(entity.schema, entity.data, `entity ${i}`));
  }
}

describe('schema validation (Iglu schemas)', () => {
  const folder = igluSchemaDirs();
  if ('problem' in folder) {
    it('runs: THE SCHEMA SPEC DID NOT RUN', () => {
      throw new Error(
        `THE SCHEMA SPEC DID NOT RUN: ${folder.problem}. Set RXPLOW_IGLU_SCHEMAS to an Iglu-layout folder ` +
          '(e.g. RXPLOW_IGLU_SCHEMAS=../shared/iglu/schemas npm run test:node).',
      );
    });
    return;
  }

  const check = createValidator(folder.dirs);

  for (const encodeBase64 of [true, false]) {
    describe(`with encodeBase64 ${String(encodeBase64)}`, () => {
      for (const sample of [...EVENT_SAMPLES, ...MINIMAL_SAMPLES]) {
        it(`${sample.title}: payload, envelopes, event and entities are valid`, () => {
          const { tracker, payloads } = createCapturingTracker({ encodeBase64, subject: SAMPLE_SUBJECT });
          trackSample(tracker, sample, { context: SAMPLE_CONTEXT, trueTimestamp: 1_650_000_000_000 });
          trackSample(tracker, sample);
          expect(payloads).to.have.length(sample.e.length * 2);
          for (const payload of payloads) validatePayload(check, payload);
        });
      }
    });
  }

  it('rejects what it should: a payload with a key outside payload_data', () => {
    const { tracker, payloads } = createCapturingTracker();
    tracker.trackPageView({ pageUrl: 'https://x' });
    expect(() => check(PAYLOAD_DATA, [{ ...payloads[0], nuid2: 'x' }], 'payload')).to.throw(/additional properties/);
  });
});
