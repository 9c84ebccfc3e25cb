// Validates one tracker-protocol event the way the Snowplow pipeline does: payload_data, then the
// unstruct_event and contexts envelopes, then every self-describing event and entity against its own schema.
import { SCHEMAS } from '../payload/schemas.js';
import { asSelfDescribing, decodeJsonField, EVENT_NAMES, type SelfDescribingData } from '../payload/decode.js';
import { formatAjvErrors, type SchemaResolver } from './schema-resolver.js';

const SP = 'iglu:com.snowplowanalytics.snowplow/';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An event's decoded self-describing parts and every validation message; `errors` empty means good. */
export interface ValidatedEvent {
  readonly unstruct: SelfDescribingData | undefined;
  readonly contexts: readonly SelfDescribingData[];
  readonly errors: readonly string[];
}

/**
 * @param event the event as received (a GET query string's parameters, or one item of a POST body's `data`)
 * @param envelopeSchema the POST body's `schema`; `undefined` for GET (validated against payload_data 1-0-4)
 */
export async function validateEvent(
  event: Readonly<Record<string, unknown>>,
  envelopeSchema: string | undefined,
  resolver: SchemaResolver,
): Promise<ValidatedEvent> {
  const errors: string[] = [];
  let payloadSchema = envelopeSchema ?? SCHEMAS.payloadData;
  if (!payloadSchema.startsWith(`${SP}payload_data/`)) {
    errors.push(`payload_data: the body's schema ${payloadSchema} is not a payload_data schema`);
    payloadSchema = SCHEMAS.payloadData;
  }
  // payload_data describes the array of events: validate this one as a batch of one, and drop the "/0".
  errors.push(...(await validateData(payloadSchema, [event], 'payload_data', resolver, '/0')));

  const type = event['e'];
  if (typeof type === 'string' && !Object.hasOwn(EVENT_NAMES, type)) errors.push(`e: unknown event type "${type}"`);
  for (const key of ['eid', 'sid']) {
    const value = event[key];
    if (typeof value === 'string' && !UUID.test(value)) errors.push(`${key}: "${value}" is not a UUID`);
  }

  const unstruct = await validateEnvelope(event, 'ue_px', 'ue_pr', 'unstruct_event', errors, resolver);
  let inner: SelfDescribingData | undefined;
  if (unstruct !== undefined) {
    inner = asSelfDescribing(unstruct);
    if (inner) errors.push(...(await validateData(inner.schema, inner.data, `event ${inner.schema}`, resolver)));
  } else if (type === 'ue' && event['ue_px'] === undefined && event['ue_pr'] === undefined) {
    errors.push('ue: a self-describing event needs ue_px or ue_pr');
  }

  const entities = await validateEnvelope(event, 'cx', 'co', 'contexts', errors, resolver);
  const contexts: SelfDescribingData[] = [];
  if (Array.isArray(entities)) {
    for (const [index, item] of entities.entries()) {
      const entity = asSelfDescribing(item);
      if (!entity) continue; // the contexts schema has reported it
      contexts.push(entity);
      errors.push(...(await validateData(entity.schema, entity.data, `context[${index}] ${entity.schema}`, resolver)));
    }
  }
  return { unstruct: inner, contexts, errors };
}

/**
 * Decodes `ue_px`/`ue_pr` (or `cx`/`co`), checks that it names the expected envelope schema, validates the envelope's
 * `data` against it and returns that data (`undefined` when absent or unreadable).
 */
async function validateEnvelope(
  event: Readonly<Record<string, unknown>>,
  base64Key: string,
  rawKey: string,
  name: 'unstruct_event' | 'contexts',
  errors: string[],
  resolver: SchemaResolver,
): Promise<unknown> {
  const decoded = decodeJsonField(event, base64Key, rawKey);
  if (decoded.kind === 'absent') return undefined;
  if (decoded.kind === 'error') {
    errors.push(decoded.error);
    return undefined;
  }
  const envelope = asSelfDescribing(decoded.value);
  const key = event[base64Key] !== undefined ? base64Key : rawKey;
  if (!envelope) {
    errors.push(`${key}: not a self-describing JSON {"schema", "data"}`);
    return undefined;
  }
  if (!envelope.schema.startsWith(`${SP}${name}/`)) {
    errors.push(`${key}: expected a ${name} envelope, got ${envelope.schema}`);
    return undefined;
  }
  const problems = await validateData(envelope.schema, envelope.data, `${name} envelope`, resolver);
  errors.push(...problems);
  return envelope.data;
}

/** Validates `data` against the schema named `uri`; messages start with `label: `. A schema found nowhere is an error. */
async function validateData(uri: string, data: unknown, label: string, resolver: SchemaResolver, stripPath = ''): Promise<string[]> {
  const resolved = await resolver.resolve(uri);
  if (!resolved.ok) return [`${label}: ${resolved.error}`];
  return resolved.validate(data) ? [] : formatAjvErrors(resolved.validate.errors, `${label}: `, stripPath);
}
