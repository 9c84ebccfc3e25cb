/** The collector paths of the tracker protocol, defined once for the emitters and the collector. */

/** Where POST requests go: a `payload_data` body of events. */
export const TP2_PATH = '/com.snowplowanalytics.snowplow/tp2';
/** Where GET requests go: one event in the query string. */
export const GET_PATH = '/i';
