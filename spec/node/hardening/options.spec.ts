// Issue 9, items 7 and 8: options that can never work are refused at construction with InvalidOptionsError.
// 7. Header values no request can carry (NUL, CR/LF, non-Latin-1 such as '€'), headers fetch owns (Content-Length,
//    Host, Transfer-Encoding, Connection) and invalid header names; an endpoint URL with credentials.
// 8. One emitter given to two trackers (or reused after its tracker shut down).
import { expect } from 'chai';
import { Emitter, Tracker } from '../../../src/index.js';
import { LoopbackCollector } from '../../support/collector.js';
import { expectConservation, expectInvalidOptions, OutcomeLog, thrownBy } from '../../support/hardening.js';

const ENDPOINT = 'http://127.0.0.1:9';

/** The message of RXP0413, in development or (npm run test:production) in production. */
const ALREADY_CONNECTED = /already connected to a tracker|^emitters: RXP0413$/i;

describe('headers and endpoints that can never be sent are refused at construction', () => {
  const BAD_VALUES: readonly [string, string][] = [
    ['a NUL', 'a\0b'],
    ['a CR/LF', 'a\r\nInjected: 1'],
    ['a lone CR', 'a\rb'],
    ['a lone LF', 'a\nb'],
    ['a non-Latin-1 character (€)', 'price in €'],
    ['an emoji', 'team 🚀'],
    ['a lone surrogate', `x${'😀'.slice(0, 1)}`],
  ];
  for (const [title, value] of BAD_VALUES) {
    for (const method of ['get', 'post'] as const) {
      it(`${method.toUpperCase()}: a header value with ${title} → InvalidOptionsError naming the header`, () => {
        expectInvalidOptions(
          thrownBy(() => new Emitter(ENDPOINT, { method, headers: { 'X-Team': value } })),
          /X-Team|headers/,
        );
      });
    }
  }

  const FORBIDDEN = [
    'Content-Length',
    'content-length',
    'Host',
    'HOST',
    'Transfer-Encoding',
    'Connection',
    'Content-Type',
    'Accept-Encoding',
    'Access-Control-Request-Method',
    'Keep-Alive',
    'DNT',
    'TE',
    'Proxy-Authorization',
    'Sec-Fetch-Mode',
  ];
  for (const name of FORBIDDEN) {
    it(`a header named ${name} → InvalidOptionsError naming it`, () => {
      expectInvalidOptions(
        thrownBy(() => new Emitter(ENDPOINT, { headers: { [name]: '1' } })),
        new RegExp(name, 'i'),
      );
    });
  }

  for (const name of ['bad name', 'x:y', '', 'X-Ünïcode', 'a\0b', 'a\nb']) {
    it(`an invalid header name ${JSON.stringify(name)} → InvalidOptionsError`, () => {
      expectInvalidOptions(
        thrownBy(() => new Emitter(ENDPOINT, { headers: { [name]: 'v' } })),
        'headers',
      );
    });
  }

  it('headers that only resemble those of the runtime are accepted (X-Host, Accept, Dated, Tea, X-Sec-Token)', () => {
    for (const name of ['X-Host', 'Accept', 'Dated', 'Tea', 'X-Sec-Token', 'Proxy'])
      expect(() => new Emitter(ENDPOINT, { headers: { [name]: '1' } }), name).not.to.throw();
  });

  it('a header value that is not a string → InvalidOptionsError', () => {
    expectInvalidOptions(
      thrownBy(() => new Emitter(ENDPOINT, { headers: { 'X-Count': 3 as unknown as string } })),
      /X-Count|headers/,
    );
  });

  it('ordinary custom headers are still accepted and sent', async () => {
    const collector = await LoopbackCollector.start();
    const emitter = new Emitter(collector.url, { method: 'get', retry: 0, headers: { 'X-Team': 'data', 'X-Trace': 'a=b; c="d", e\tf' } });
    const tracker = new Tracker(emitter);
    try {
      tracker.trackStructEvent({ category: 'c', action: 'a' });
      await tracker.flush();
      expect(collector.requests[0]!.headers).to.include({ 'x-team': 'data', 'x-trace': 'a=b; c="d", e\tf' });
    } finally {
      await tracker.shutdown({ timeoutMs: 50 });
      await collector.close();
    }
  });

  for (const endpoint of [
    'https://user:pass@collector.test',
    'http://user@127.0.0.1:9',
    'https://:secret@collector.test/path',
    'user:pass@collector.test',
  ]) {
    it(`an endpoint with credentials (${endpoint}) → InvalidOptionsError naming the endpoint`, () => {
      expectInvalidOptions(
        thrownBy(() => new Emitter(endpoint)),
        'endpoint',
      );
    });
  }
});

describe('one emitter, one tracker', () => {
  it('a second new Tracker(sameEmitter) throws InvalidOptionsError (already connected), and the first tracker is unaffected', async () => {
    const collector = await LoopbackCollector.start();
    const emitter = new Emitter(collector.url, { method: 'get', retry: 0 });
    const first = new Tracker(emitter, { namespace: 'first' });
    const log = new OutcomeLog(first.outcomes, first);
    try {
      expectInvalidOptions(
        thrownBy(() => new Tracker(emitter, { namespace: 'second' })),
        ALREADY_CONNECTED,
      );
      expectInvalidOptions(
        thrownBy(() => new Tracker([new Emitter(collector.url), emitter], { namespace: 'third' })),
        ALREADY_CONNECTED,
      );
      first.trackStructEvent({ category: 'c', action: 'a' });
      await first.flush();
      expect(log.tally()).to.deep.equal({ sent: 1 });
      expect(collector.requests.map((r) => r.events[0]!['tna'])).to.deep.equal(['first']);
      expectConservation(log);
    } finally {
      await first.shutdown({ timeoutMs: 50 });
      await collector.close();
    }
  });

  it('addEmitter() of an emitter connected to another tracker throws InvalidOptionsError; adding it again to its own tracker is a no-op', () => {
    const emitter = new Emitter(ENDPOINT);
    const first = new Tracker(emitter);
    const second = new Tracker([]);
    expectInvalidOptions(
      thrownBy(() => second.addEmitter(emitter)),
      ALREADY_CONNECTED,
    );
    expect(() => first.addEmitter(emitter)).not.to.throw();
  });

  it('an emitter whose tracker was shut down cannot be given to a new tracker', async () => {
    const emitter = new Emitter(ENDPOINT);
    const first = new Tracker(emitter);
    await first.shutdown({ timeoutMs: 50 });
    expectInvalidOptions(
      thrownBy(() => new Tracker(emitter)),
      ALREADY_CONNECTED,
    );
  });
});
