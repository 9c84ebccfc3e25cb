import { expect } from 'chai';
import {
  decideEntry,
  entryLines,
  entryTime,
  sendableAsStored,
  type EntryDecision,
  type EventDecision,
} from '../../../src/redis/entries.js';

const LIMITS = { maxDeliveries: 5, maxAgeMs: 60_000 };
const entry = (p: string, fields: Record<string, string> = {}) => ({ id: '1000-0', fields: { p, ...fields } });
const pv = (eid: string): string => JSON.stringify({ e: 'pv', eid, url: 'https://x.test/é' });

/** The events of a decision (fails the spec on a split). */
function eventsOf(decision: EntryDecision): readonly EventDecision[] {
  if (decision.kind !== 'events') throw new Error(`expected events, got ${decision.kind}`);
  return decision.events;
}

describe('redis entries: what a worker sends for an entry', () => {
  it('an entry written by RedisQueueEmitter is delivered with its own text, which the POST carries as it is', () => {
    const raw = pv('a');
    const [event] = eventsOf(decideEntry(entry(raw), 1, 1000, LIMITS));
    expect(event).to.deep.include({ kind: 'deliver', json: raw });
  });

  it('an entry holding a batch (one payload JSON per line) is its events, in order, each with its own text', () => {
    const lines = [pv('a'), pv('b'), pv('c')];
    const events = eventsOf(decideEntry(entry(lines.join('\n')), 1, 1000, LIMITS));
    expect(events.map((e) => e.kind === 'deliver' && e.payload['eid'])).to.deep.equal(['a', 'b', 'c']);
    expect(events.map((e) => e.kind === 'deliver' && e.json)).to.deep.equal(lines);
  });

  it('a malformed line of a batch is a dead letter with its raw text; the other events are delivered', () => {
    const events = eventsOf(decideEntry(entry([pv('a'), 'not json', pv('c')].join('\n')), 1, 1000, LIMITS));
    expect(events.map((e) => e.kind)).to.deep.equal(['deliver', 'dead', 'deliver']);
    expect(events[1]).to.deep.include({ kind: 'dead', dead: 'malformed', raw: 'not json', eid: undefined });
  });

  it('one JSON object written with newlines of its own (by hand) is one payload, not lines', () => {
    const raw = '{\n"e": "pv",\n"eid": "a"\n}';
    expect(entryLines(raw)).to.have.length(4);
    const events = eventsOf(decideEntry(entry(raw), 1, 1000, LIMITS));
    expect(events).to.have.length(1);
    expect(events[0]).to.deep.include({ kind: 'deliver' });
  });

  it('a batch read again (a worker may have crashed on it) is split; a single event read again is delivered', () => {
    const lines = [pv('a'), pv('b')];
    expect(decideEntry(entry(lines.join('\n')), 2, 1000, LIMITS)).to.deep.equal({ kind: 'split', lines, reads: 1 });
    expect(eventsOf(decideEntry(entry(pv('a')), 2, 1000, LIMITS))[0]).to.deep.include({ kind: 'deliver' });
  });

  it("an entry split from a batch counts the batch's reads (`d`) toward maxDeliveries", () => {
    const split = entry(pv('a'), { t: '1000', d: '2' });
    expect(eventsOf(decideEntry(split, 3, 1000, LIMITS))[0]).to.deep.include({ kind: 'deliver' });
    const [event] = eventsOf(decideEntry(split, 4, 1000, LIMITS));
    expect(event).to.deep.include({ kind: 'dead', dead: 'poison', eid: 'a' });
    expect(event)
      .to.have.property('reason')
      .that.matches(/^read 6 times/);
    expect(eventsOf(decideEntry(entry(pv('a'), { d: 'x' }), 5, 1000, LIMITS))[0], 'a d that is no count is ignored').to.deep.include({
      kind: 'deliver',
    });
  });

  it('read more than maxDeliveries times: every event of the entry is a poison dead letter, with its eid', () => {
    const events = eventsOf(decideEntry(entry([pv('a'), pv('b')].join('\n')), 6, 1000, LIMITS));
    expect(events.map((e) => e.kind === 'dead' && [e.dead, e.eid])).to.deep.equal([
      ['poison', 'a'],
      ['poison', 'b'],
    ]);
    expect(events[0])
      .to.have.property('reason')
      .that.matches(/read 6 times without an outcome \(maxDeliveries 5\)/);
  });

  it('expired counts from the entry time, or from the batch time an entry split from a batch keeps (`t`)', () => {
    expect(eventsOf(decideEntry(entry(pv('a')), 1, 61_001, LIMITS))[0]).to.deep.include({ kind: 'dead', dead: 'expired', eid: 'a' });
    expect(eventsOf(decideEntry(entry(pv('a')), 1, 61_000, LIMITS))[0]).to.deep.include({ kind: 'deliver' });
    const split = { id: '90000-0', fields: { p: pv('a'), t: '1000' } };
    expect(entryTime(split)).to.equal(1000);
    expect(eventsOf(decideEntry(split, 1, 61_001, LIMITS))[0]).to.deep.include({ kind: 'dead', dead: 'expired' });
    expect(entryTime({ id: '90000-0', fields: { p: pv('a'), t: 'junk' } })).to.equal(90_000);
  });

  it('a text the POST cannot carry as it is (its own stm, trailing blanks) is serialised again from the payload', () => {
    for (const raw of ['{"e":"pv","eid":"a","stm":"1"}', '{"e":"pv","eid":"a"} ', '{"e":"pv","eid":"a"}\n']) {
      const [event] = eventsOf(decideEntry(entry(raw), 1, 1000, LIMITS));
      expect(event!.kind, raw).to.equal('deliver');
      expect(event!.kind === 'deliver' && event!.json, raw).to.equal(undefined);
    }
    expect(sendableAsStored('{"eid":"a"}', { eid: 'a' })).to.equal('{"eid":"a"}');
  });

  it('malformed entries are dead letters, whatever their text; an entry without a p field is one, with its fields', () => {
    for (const raw of ['', '[]', '{"eid":1}', '{"e":"pv"}', 'not json'])
      expect(eventsOf(decideEntry(entry(raw), 1, 1000, LIMITS))[0], raw).to.deep.include({ kind: 'dead', dead: 'malformed' });
    const [event] = eventsOf(decideEntry({ id: '1000-0', fields: { x: '1' } }, 1, 1000, LIMITS));
    expect(event).to.deep.include({ kind: 'dead', dead: 'malformed', raw: '{"x":"1"}' });
  });
});
