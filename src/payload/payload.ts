/**
 * A finished tracker-protocol event: wire key → string value, as it goes into a GET query string or a
 * `payload_data` array. Always holds `e`, `eid`, `tv` and `p`. `stm` is added by the emitter per attempt.
 */
export type Payload = Readonly<Record<string, string>>;
