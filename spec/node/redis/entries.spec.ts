import { expect } from 'chai';
import { decideEntry, sendableAsStored } from '../../../src/redis/entries.js';

const LIMITS = { maxDeliveries: 5, maxAgeMs: 60_000 };
const entry = (p: string) => ({ id: '1000-0', fields: { p } });

describe('redis entries: what a worker sends for an entry', () => {
  it('an entry written by RedisQueueEmitter is delivered with its own text, which the POST carries as it is', () => {
    const raw = JSON.stringify({ e: 'pv', eid: 'a', url: 'https://x.test/é' });
    const decision = decideEntry(entry(raw), 1, 1000, LIMITS);
    expect(decision).to.deep.include({ kind: 'deliver', json: raw });
  });

  it('a text the POST cannot carry as it is (its own stm, trailing blanks) is serialised again from the payload', () => {
    for (const raw of ['{"e":"pv","eid":"a","stm":"1"}', '{"e":"pv","eid":"a"} ', '{"e":"pv","eid":"a"}\n']) {
      const decision = decideEntry(entry(raw), 1, 1000, LIMITS);
      expect(decision.kind, raw).to.equal('deliver');
      expect(decision.kind === 'deliver' && decision.json, raw).to.equal(undefined);
    }
    expect(sendableAsStored('{"eid":"a"}', { eid: 'a' })).to.equal('{"eid":"a"}');
  });

  it('malformed entries are dead letters, whatever their text', () => {
    for (const raw of ['', '[]', '{"eid":1}', '{"e":"pv"}', 'not json'])
      expect(decideEntry(entry(raw), 1, 1000, LIMITS), raw).to.deep.include({ kind: 'dead', dead: 'malformed' });
  });
});
