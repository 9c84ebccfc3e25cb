// What reaches a real collector: GET and POST request forms, stm per attempt, headers, byte limits.
import { expect } from 'chai';
import type { Payload } from '../../../src/payload/payload.js';
import { SCHEMAS } from '../../../src/payload/schemas.js';
import { inTurn } from '../../support/collector.js';
import { expectConservation } from '../../support/conservation.js';
import { rigPerTest } from '../../support/node-rig.js';
import { withoutStm } from '../../support/payloads.js';

describe('delivery over HTTP: the wire', function () {
  this.timeout(10_000);
  const startRig = rigPerTest();

  /** Starts a rig that records every payload the tracker built. */
  async function recordingRig(...args: Parameters<typeof startRig>) {
    const rig = await startRig(...args);
    const built: Payload[] = [];
    rig.tracker.payloads.subscribe((p) => built.push(p));
    return { rig, built };
  }

  it('GET: one event per request to /i, its payload in the query string, a new stm per attempt', async () => {
    const { rig, built } = await recordingRig('get', inTurn(503));
    rig.track(3);
    await rig.tracker.flush();
    expect(rig.collector.requests.map((r) => [r.method, r.path, r.events.length])).to.deep.equal(Array(4).fill(['GET', '/i', 1]));
    const received = rig.collector.requests.slice(1).map((r) => r.events[0]!);
    expect(received.map(withoutStm)).to.have.deep.members(built); // the retried one arrives last
    const [failedTry, retry] = rig.collector.requests.filter((r) => r.events[0]!['eid'] === built[0]!['eid']);
    expect(Number(retry!.events[0]!['stm'])).to.be.above(Number(failedTry!.events[0]!['stm']));
    const sentOutcome = rig.log.outcomes.find((o) => o.kind === 'sent' && o.events[0]!['eid'] === built[0]!['eid'])!;
    expect(sentOutcome.events).to.deep.equal([retry!.events[0]]);
  });

  it('POST: payload_data 1-0-4 envelope to tp2, every value a string, JSON content type, one stm per request', async () => {
    const { rig, built } = await recordingRig('post', undefined, { bufferSize: 3 });
    rig.track(3);
    await rig.tracker.flush();
    const [request] = rig.collector.requests;
    expect(rig.collector.requests).to.have.length(1);
    expect(request!.method).to.equal('POST');
    expect(request!.path).to.equal('/com.snowplowanalytics.snowplow/tp2');
    expect(request!.headers['content-type']).to.equal('application/json; charset=utf-8');
    expect(request!.schema)
      .to.equal(SCHEMAS.payloadData)
      .and.to.match(/payload_data\/jsonschema\/1-0-4$/);
    expect(request!.events.map(withoutStm)).to.deep.equal(built);
    for (const event of request!.events) for (const value of Object.values(event)) expect(value).to.be.a('string');
    expect(new Set(request!.events.map((e) => e['stm'])).size).to.equal(1);
    expect(rig.log.outcomes).to.have.length(1);
    expect(rig.log.outcomes[0]!.events).to.deep.equal(request!.events);
  });

  for (const method of ['get', 'post'] as const) {
    it(`${method.toUpperCase()}: sends SP-Anonymous: * with anonymous, and custom headers`, async () => {
      const { rig } = await recordingRig(method, undefined, { anonymous: true, headers: { 'X-Team': 'data', 'X-Unicode-Free': 'ok' } });
      rig.track(1);
      await rig.tracker.flush();
      expect(rig.collector.requests[0]!.headers).to.include({ 'sp-anonymous': '*', 'x-team': 'data', 'x-unicode-free': 'ok' });
    });

    it(`${method.toUpperCase()}: sends no SP-Anonymous header by default`, async () => {
      const { rig } = await recordingRig(method);
      rig.track(1);
      await rig.tracker.flush();
      expect(rig.collector.requests[0]!.headers).to.not.have.property('sp-anonymous');
    });

    it(`${method.toUpperCase()}: a flush with nothing queued sends nothing`, async () => {
      const { rig } = await recordingRig(method);
      await rig.tracker.flush();
      await rig.emitter.flush();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(rig.collector.requests).to.have.length(0);
      expect(rig.log.outcomes).to.have.length(0);
    });
  }

  it('POST: splits batches so no body exceeds maxPostBytes, and drops an event that can never fit as oversize', async () => {
    const { rig } = await recordingRig('post', undefined, { bufferSize: 50, maxPostBytes: 1_500 });
    const labels = Array.from({ length: 40 }, (_, i) => `${'é東🚀'.repeat(i % 9)}${'x'.repeat((i * 37) % 300)}`);
    for (const label of labels) rig.tracker.trackStructEvent({ category: 'spec', action: 'sizes', label });
    rig.tracker.trackStructEvent({ category: 'spec', action: 'huge', label: 'x'.repeat(2_000) });
    const huge = rig.log.tracked.at(-1)!;
    await rig.tracker.flush();
    expect(rig.collector.requests.length).to.be.above(1);
    for (const request of rig.collector.requests) expect(request.bodyBytes).to.be.at.most(1_500);
    expect(rig.log.tally()).to.deep.equal({ sent: 40, 'dropped:oversize': 1 });
    expect(rig.log.finals().get(huge)).to.include({ kind: 'dropped', reason: 'oversize', attempt: 0 });
    expect(rig.collector.receivedPerEid().has(huge)).to.be.false;
    expectConservation(rig.log);
  });

  it('GET: drops an event whose URL would exceed maxGetBytes as oversize, never sent', async () => {
    const { rig } = await recordingRig('get', undefined, { maxGetBytes: 1_000 });
    rig.tracker.trackStructEvent({ category: 'spec', action: 'huge', label: 'x'.repeat(1_000) });
    rig.track(1);
    await rig.tracker.flush();
    expect(rig.log.tally()).to.deep.equal({ sent: 1, 'dropped:oversize': 1 });
    expect(rig.collector.requests).to.have.length(1);
  });

  for (const method of ['get', 'post'] as const) {
    it(`${method.toUpperCase()}: counts a 3xx as sent and does not follow the redirect`, async () => {
      const { rig } = await recordingRig(method, () => ({ status: 302, headers: { Location: '/elsewhere' } }));
      rig.track(2);
      await rig.tracker.flush();
      expect(rig.log.tally()).to.deep.equal({ sent: 2 });
      expect(rig.collector.requests.every((r) => r.path !== '/elsewhere')).to.be.true;
    });
  }

  it('reports the same outcome shape for GET and POST', async () => {
    const shapes: string[][] = [];
    for (const method of ['get', 'post'] as const) {
      const { rig } = await recordingRig(method, inTurn(500));
      rig.track(1);
      await rig.tracker.flush();
      shapes.push(...rig.log.outcomes.map((o) => Object.keys(o).sort()));
    }
    expect(shapes[0]).to.deep.equal(shapes[2]); // retrying
    expect(shapes[1]).to.deep.equal(shapes[3]); // sent
  });
});
