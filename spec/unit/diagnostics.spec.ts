// Issue 20: coded diagnostics. Runs in development mode (npm run test:unit) and in production mode
// (npm run test:production, NODE_ENV=production), and in Chromium: the text shrinks to the code, the errors stay.
import { expect } from 'chai';
import { diagnostic } from '../../src/diagnostics.js';
import { InvalidEventError, InvalidOptionsError } from '../../src/errors.js';
import { Emitter } from '../../src/emitter/emitter.js';
import { pageView } from '../../src/events/web.js';
import { createCapturingTracker } from '../helpers/capture.js';
import { thrownBy } from '../support/hardening.js';

const production = process.env['NODE_ENV'] === 'production';

/** What `diagnostic(code, …)` gives in the mode this run is in. */
const expected = (code: number, text: string): string =>
  production ? `RXP0${code}` : `${text} (RXP0${code}, see docs/errors.md#rxp0${code})`;

describe(`diagnostics (${production ? 'production' : 'development'} mode)`, () => {
  afterEach(() => delete (globalThis as { RXPLOW_DEV?: boolean }).RXPLOW_DEV);

  it('gives the development text with its code, or the code alone in production', () => {
    expect(diagnostic(101, 5)).to.equal(expected(101, 'expected a string, got number 5'));
    expect(diagnostic(101, undefined)).to.equal(expected(101, 'required: expected a string'));
    expect(diagnostic(411, 'port', 81, '80')).to.equal(expected(411, "81 contradicts the endpoint's port (80)"));
  });

  it('gives the code alone while RXPLOW_DEV is false, in either mode', () => {
    (globalThis as { RXPLOW_DEV?: boolean }).RXPLOW_DEV = false;
    expect(diagnostic(101, 5)).to.equal('RXP0101');
  });

  it('never throws: a detail whose description throws gives the code alone', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('hostile');
        },
      },
    );
    expect(diagnostic(213, hostile)).to.equal('RXP0213');
  });

  it('keeps the error classes and their fields: only the message text differs between the modes', () => {
    const { tracker } = createCapturingTracker();
    const event = thrownBy(() => tracker.track(pageView({ pageUrl: 5 as unknown as string })));
    expect(event).to.be.instanceOf(InvalidEventError);
    expect(event).to.include({ name: 'InvalidEventError', code: 'invalid-event', field: 'pageUrl' });
    expect((event as InvalidEventError).message).to.equal(`pageUrl: ${expected(101, 'expected a string, got number 5')}`);
    const options = thrownBy(() => new Emitter('https://c.example.com', { bufferSize: 0 }));
    expect(options).to.be.instanceOf(InvalidOptionsError);
    expect(options).to.include({ name: 'InvalidOptionsError', code: 'invalid-options', option: 'bufferSize' });
    expect((options as Error).message).to.equal(`bufferSize: ${expected(110, 'expected an integer ≥ 1, got 0')}`);
  });
});
