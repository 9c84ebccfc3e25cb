// What the collector keeps of each event, in Snowplow Micro's shapes (`/micro/good`, `/micro/bad`).
import type { SelfDescribingData } from '../payload/decode.js';
import { eventNameOf } from '../payload/decode.js';
import { UNSTRUCT_EVENT_SCHEMA } from '../payload/schemas.js';

/** The request an event came in, as Micro's `collectorPayload` / `rawEvent` describe it. */
export interface CollectorPayload {
  /** The HTTP method: `GET`, `POST`, … */
  readonly method: string;
  /** The request's path, without the query string. */
  readonly path: string;
  /** The query string without its `?`; `undefined` when there is none. */
  readonly querystring: string | undefined;
  /** The `Content-Type` header, when sent. */
  readonly contentType: string | undefined;
  /** The body (POST), cut to its first 10 000 bytes. */
  readonly body: string | undefined;
  /** The request's headers (lower-case names), with credentials-bearing values (`Authorization`, `Cookie`, …) shown as `[redacted]`. */
  readonly headers: Readonly<Record<string, string>>;
  /** When the collector received it, ISO 8601. */
  readonly timestamp: string;
  /** The peer's address; `undefined` for an `SP-Anonymous` request. */
  readonly ipAddress: string | undefined;
  /** The `SP-Anonymous` header was sent: no IP address, no cookie-based network user id. */
  readonly anonymous: boolean;
  /** The network user id from the collector's `sp` cookie (the all-zero id for anonymous requests). */
  readonly networkUserId: string;
}

/** A valid event, as `/micro/good` returns it. */
export interface GoodEvent {
  /** The event's fields under the enriched (atomic) column names, with its self-describing parts decoded. */
  readonly event: Readonly<Record<string, unknown>>;
  /** The enriched `event` value: `page_view`, `page_ping`, `struct`, `unstruct`, `transaction`, `transaction_item`. */
  readonly eventType: string;
  /** The event's schema: the self-describing event's own for `unstruct`, the pipeline's for the others. */
  readonly schema: string | undefined;
  /** The schemas of the event's context entities. */
  readonly contexts: readonly string[];
  /** The event's fields as received (wire keys), and the request's method and path. */
  readonly rawEvent: { readonly parameters: Readonly<Record<string, unknown>>; readonly method: string; readonly path: string };
}

/** An event or request that failed validation (or could not be read), as `/micro/bad` returns it. */
export interface BadEvent {
  /** The request the event came in (or the unreadable request itself). */
  readonly collectorPayload: CollectorPayload;
  /** The event's parameters, when an event could be read from the request. */
  readonly rawEvent: { readonly parameters: Readonly<Record<string, unknown>> } | undefined;
  /** Every validation message. */
  readonly errors: readonly string[];
  /** As in {@link GoodEvent}, when known. */
  readonly eventType: string | undefined;
  /** As in {@link GoodEvent}, when known. */
  readonly schema: string | undefined;
  /** The HTTP status the request was answered with. */
  readonly status: number;
}

/** About how many bytes of text an event's received fields hold: the measure of the collector's bounded store. */
export function approximateBytes(parameters: Readonly<Record<string, unknown>>): number {
  let bytes = 2;
  for (const [key, value] of Object.entries(parameters)) {
    bytes += key.length + 4 + (typeof value === 'string' ? value.length : (JSON.stringify(value) ?? '').length);
  }
  return bytes;
}

/** The enriched event's `contexts` envelope (Enrich writes 1-0-0; trackers send 1-0-1). */
const ENRICHED_CONTEXTS_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0';

/** The schemas Snowplow Enrich gives the events that are not self-describing. */
const PIPELINE_SCHEMAS: Readonly<Record<string, string>> = {
  pv: 'iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0',
  pp: 'iglu:com.snowplowanalytics.snowplow/page_ping/jsonschema/1-0-0',
  se: 'iglu:com.google.analytics/event/jsonschema/1-0-0',
  tr: 'iglu:com.snowplowanalytics.snowplow/transaction/jsonschema/1-0-0',
  ti: 'iglu:com.snowplowanalytics.snowplow/transaction_item/jsonschema/1-0-0',
};

/** The schema an event is filed under: the self-describing event's own, or the pipeline's for the other types. */
export const eventSchemaOf = (type: unknown, unstruct: SelfDescribingData | undefined): string | undefined =>
  unstruct?.schema ?? (typeof type === 'string' ? PIPELINE_SCHEMAS[type] : undefined);

type Conversion = 'string' | 'number' | 'integer' | 'timestamp' | 'event';

/** Wire key → enriched column name and how its string is read. */
const ATOMIC: Readonly<Record<string, readonly [string, Conversion]>> = {
  e: ['event', 'event'],
  eid: ['event_id', 'string'],
  aid: ['app_id', 'string'],
  p: ['platform', 'string'],
  tna: ['name_tracker', 'string'],
  tv: ['v_tracker', 'string'],
  dtm: ['dvce_created_tstamp', 'timestamp'],
  stm: ['dvce_sent_tstamp', 'timestamp'],
  ttm: ['true_tstamp', 'timestamp'],
  tz: ['os_timezone', 'string'],
  lang: ['br_lang', 'string'],
  uid: ['user_id', 'string'],
  duid: ['domain_userid', 'string'],
  sid: ['domain_sessionid', 'string'],
  vid: ['domain_sessionidx', 'integer'],
  ip: ['user_ipaddress', 'string'],
  ua: ['useragent', 'string'],
  cd: ['br_colordepth', 'string'],
  cs: ['doc_charset', 'string'],
  cookie: ['br_cookies', 'string'],
  url: ['page_url', 'string'],
  refr: ['page_referrer', 'string'],
  page: ['page_title', 'string'],
  pp_mix: ['pp_xoffset_min', 'integer'],
  pp_max: ['pp_xoffset_max', 'integer'],
  pp_miy: ['pp_yoffset_min', 'integer'],
  pp_may: ['pp_yoffset_max', 'integer'],
  se_ca: ['se_category', 'string'],
  se_ac: ['se_action', 'string'],
  se_la: ['se_label', 'string'],
  se_pr: ['se_property', 'string'],
  se_va: ['se_value', 'number'],
  tr_id: ['tr_orderid', 'string'],
  tr_af: ['tr_affiliation', 'string'],
  tr_tt: ['tr_total', 'number'],
  tr_tx: ['tr_tax', 'number'],
  tr_sh: ['tr_shipping', 'number'],
  tr_ci: ['tr_city', 'string'],
  tr_st: ['tr_state', 'string'],
  tr_co: ['tr_country', 'string'],
  tr_cu: ['tr_currency', 'string'],
  ti_id: ['ti_orderid', 'string'],
  ti_sk: ['ti_sku', 'string'],
  ti_nm: ['ti_name', 'string'],
  ti_na: ['ti_name', 'string'],
  ti_ca: ['ti_category', 'string'],
  ti_pr: ['ti_price', 'number'],
  ti_qu: ['ti_quantity', 'integer'],
  ti_cu: ['ti_currency', 'string'],
};

/** `res`, `vp`, `ds`: `"<w>x<h>"` split into two integer columns. */
const DIMENSIONS: Readonly<Record<string, readonly [string, string]>> = {
  res: ['dvce_screenwidth', 'dvce_screenheight'],
  vp: ['br_viewwidth', 'br_viewheight'],
  ds: ['doc_width', 'doc_height'],
};

/** The network user id a Snowplow collector records for an `SP-Anonymous` request. */
export const ANONYMOUS_NETWORK_USER_ID = '00000000-0000-4000-A000-000000000000';

function convert(value: string, conversion: Conversion): unknown {
  switch (conversion) {
    case 'string':
      return value;
    case 'event':
      return eventNameOf(value);
    case 'number':
      return Number.isFinite(Number(value)) ? Number(value) : value;
    case 'integer':
      return Number.isInteger(Number(value)) ? Number(value) : value;
    case 'timestamp':
      return /^\d+$/.test(value) ? new Date(Number(value)).toISOString() : value;
  }
}

/** A good event's fields under the enriched column names, roughly as Snowplow Enrich would fill them. */
export function toAtomicEvent(
  parameters: Readonly<Record<string, unknown>>,
  unstruct: SelfDescribingData | undefined,
  contexts: readonly SelfDescribingData[],
  request: CollectorPayload,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    collector_tstamp: request.timestamp,
    user_ipaddress: request.ipAddress,
    useragent: request.headers['user-agent'],
    network_userid: request.networkUserId,
  };
  for (const [key, value] of Object.entries(parameters)) {
    if (typeof value !== 'string') continue;
    const atomic = ATOMIC[key];
    const dimensions = DIMENSIONS[key];
    if (atomic) out[atomic[0]] = convert(value, atomic[1]);
    else if (dimensions) {
      const [width, height] = value.split('x').map(Number);
      out[dimensions[0]] = width;
      out[dimensions[1]] = height;
    }
  }
  if (request.anonymous) out['user_ipaddress'] = undefined;
  else if (typeof parameters['tnuid'] === 'string') out['network_userid'] = parameters['tnuid'];
  const schema = eventSchemaOf(parameters['e'], unstruct);
  const parts = schema?.slice('iglu:'.length).split('/');
  if (parts) Object.assign(out, { event_vendor: parts[0], event_name: parts[1], event_format: parts[2], event_version: parts[3] });
  if (unstruct) out['unstruct_event'] = { schema: UNSTRUCT_EVENT_SCHEMA, data: unstruct };
  if (contexts.length) out['contexts'] = { schema: ENRICHED_CONTEXTS_SCHEMA, data: contexts };
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown>; // drops undefined columns
}
