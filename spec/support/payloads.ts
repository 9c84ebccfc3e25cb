// Small payload helpers shared by the Node and browser delivery specs.
import type { Payload } from '../../src/payload/payload.js';

/** A payload as the tracker built it: what was sent, without the per-attempt `stm`. */
export const withoutStm = (payload: Payload): Payload => {
  const { stm: _stm, ...rest } = payload;
  return rest;
};
