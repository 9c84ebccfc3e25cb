// The retry decision after each attempt (decide), its backoff and Retry-After parsing: properties over the policy.
import { expect } from 'chai';
import fc from 'fast-check';
import { AbortedError, NetworkError, TimeoutError } from '../../src/errors.js';
import { EMITTER_DEFAULTS, type ResolvedRetryOptions } from '../../src/emitter/options.js';
import {
  backoff,
  decide,
  isRetryableStatus,
  parseRetryAfter,
  type AttemptResult,
  type DecisionInput,
} from '../../src/emitter/retry-policy.js';

const isDefaultSuccess = (status: number): boolean => status >= 200 && status < 400;
const NOW = Date.UTC(2026, 0, 1);

const policyArb: fc.Arbitrary<ResolvedRetryOptions> = fc.record({
  limit: fc.integer({ min: 0, max: 10 }),
  baseDelayMs: fc.integer({ min: 0, max: 5_000 }),
  maxDelayMs: fc.integer({ min: 0, max: 60_000 }),
  maxAgeMs: fc.integer({ min: 0, max: 600_000 }),
  retryStatusCodes: fc.uniqueArray(fc.integer({ min: 100, max: 599 }), { maxLength: 4 }),
  dontRetryStatusCodes: fc.constantFrom(EMITTER_DEFAULTS.retry.dontRetryStatusCodes, [] as number[], [500, 503]),
  jitter: fc.constant(true),
});
const retryAfterArb = fc.oneof(
  fc.constant(null),
  fc.integer({ min: 0, max: 100_000 }).map(String),
  fc.integer({ min: -100_000, max: 100_000 }).map((s) => new Date(NOW + s * 1000).toUTCString()),
  fc.constantFrom('', 'soon', '-1', '1.5'),
);
const resultArb: fc.Arbitrary<AttemptResult> = fc.oneof(
  fc.record({ kind: fc.constant('response' as const), status: fc.integer({ min: 100, max: 599 }), retryAfter: retryAfterArb }),
  fc.constantFrom<AttemptResult>(
    { kind: 'error', error: new NetworkError('http://c.test/i') },
    { kind: 'error', error: new TimeoutError('http://c.test/i', 100) },
    { kind: 'error', error: new AbortedError('shutdown') },
  ),
);
const inputArb: fc.Arbitrary<DecisionInput> = fc.record({
  result: resultArb,
  attempt: fc.integer({ min: 1, max: 12 }),
  batchSize: fc.integer({ min: 1, max: 50 }),
  elapsedMs: fc.integer({ min: 0, max: 700_000 }),
  now: fc.constant(NOW),
  random: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  policy: policyArb,
  isSuccess: fc.constant(isDefaultSuccess),
});

const withResult = (input: DecisionInput, result: AttemptResult): DecisionInput => ({ ...input, result });

describe('emitter/retry-policy', () => {
  describe('decide (properties)', () => {
    it('never retries a success: 2xx and 3xx are sent, whatever the attempt', () => {
      fc.assert(
        fc.property(inputArb, fc.integer({ min: 200, max: 399 }), (input, status) => {
          expect(decide(withResult(input, { kind: 'response', status, retryAfter: '1' }))).to.deep.equal({ kind: 'sent' });
        }),
      );
    });

    it('never retries a status in dontRetryStatusCodes unless it is in retryStatusCodes', () => {
      fc.assert(
        fc.property(inputArb, fc.constantFrom(400, 401, 403, 410, 422, 429, 500, 503), fc.boolean(), (input, status, listed) => {
          const policy = {
            ...input.policy,
            limit: 20,
            maxAgeMs: Infinity,
            dontRetryStatusCodes: [status],
            retryStatusCodes: listed ? [status] : input.policy.retryStatusCodes.filter((s) => s !== status),
          };
          const decision = decide({ ...input, policy, result: { kind: 'response', status, retryAfter: null } });
          expect(decision.kind).to.equal(listed ? 'retry' : 'fail');
        }),
      );
    });

    it('fails at once on 400, 401, 403, 410 and 422 with the default policy', () => {
      for (const status of [400, 401, 403, 410, 422]) {
        const input: DecisionInput = {
          result: { kind: 'response', status, retryAfter: null },
          attempt: 1,
          batchSize: 1,
          elapsedMs: 0,
          now: NOW,
          random: 0,
          policy: EMITTER_DEFAULTS.retry,
          isSuccess: isDefaultSuccess,
        };
        expect(decide(input), String(status)).to.deep.equal({ kind: 'fail' });
      }
    });

    it('never retries once attempt exceeds limit (limit + 1 attempts at most)', () => {
      fc.assert(
        fc.property(inputArb, (input) => {
          fc.pre(input.attempt > input.policy.limit);
          expect(decide(input).kind).to.not.equal('retry');
        }),
      );
    });

    it('never waits longer than maxDelayMs, nor past maxAgeMs', () => {
      fc.assert(
        fc.property(inputArb, (input) => {
          const decision = decide(input);
          if (decision.kind !== 'retry') return;
          expect(decision.delayMs).to.be.within(0, input.policy.maxDelayMs);
          expect(input.elapsedMs + decision.delayMs).to.be.at.most(input.policy.maxAgeMs);
        }),
      );
    });

    it('retries 408, 429, 5xx, network errors and timeouts while within limit and age', () => {
      fc.assert(
        fc.property(inputArb, fc.constantFrom(408, 429, 500, 502, 503, 504), (input, status) => {
          const policy = { ...input.policy, dontRetryStatusCodes: [], maxAgeMs: Infinity };
          fc.pre(input.attempt <= policy.limit);
          for (const result of [
            { kind: 'response', status, retryAfter: null } as const,
            { kind: 'error', error: new NetworkError('u') } as const,
            { kind: 'error', error: new TimeoutError('u', 1) } as const,
          ]) {
            expect(decide({ ...input, policy, result }).kind).to.equal('retry');
          }
        }),
      );
    });

    it('never retries an aborted request', () => {
      fc.assert(
        fc.property(inputArb, (input) => {
          expect(decide(withResult(input, { kind: 'error', error: new AbortedError('shutdown') }))).to.deep.equal({ kind: 'fail' });
        }),
      );
    });

    it('splits a batch of several events on 413, and fails a single event on 413 (by default)', () => {
      fc.assert(
        fc.property(inputArb, (input) => {
          const tooLarge = withResult(input, { kind: 'response', status: 413, retryAfter: null });
          const policy = { ...input.policy, retryStatusCodes: [] };
          expect(decide({ ...tooLarge, policy }).kind).to.equal(input.batchSize > 1 ? 'split' : 'fail');
        }),
      );
    });

    it('honours Retry-After in seconds and as an HTTP date, capped at maxDelayMs', () => {
      fc.assert(
        fc.property(inputArb, fc.integer({ min: 0, max: 100_000 }), fc.boolean(), (input, seconds, asDate) => {
          const policy = { ...input.policy, limit: 20, maxAgeMs: Infinity, dontRetryStatusCodes: [] };
          const retryAfter = asDate ? new Date(NOW + seconds * 1000).toUTCString() : String(seconds);
          const decision = decide({ ...input, policy, attempt: 1, result: { kind: 'response', status: 429, retryAfter } });
          expect(decision).to.deep.equal({ kind: 'retry', delayMs: Math.min(seconds * 1000, policy.maxDelayMs) });
        }),
      );
    });

    it('uses backoff when Retry-After is absent or unreadable', () => {
      fc.assert(
        fc.property(inputArb, fc.constantFrom(null, '', 'soon', '-1', '1.5'), (input, retryAfter) => {
          const policy = { ...input.policy, limit: 20, maxAgeMs: Infinity, dontRetryStatusCodes: [] };
          const decision = decide({ ...input, policy, result: { kind: 'response', status: 503, retryAfter } });
          expect(decision).to.deep.equal({ kind: 'retry', delayMs: backoff(input.attempt, policy, input.random) });
        }),
      );
    });

    it('lets retryStatusCodes win over dontRetryStatusCodes', () => {
      const policy = { ...EMITTER_DEFAULTS.retry, retryStatusCodes: [400], dontRetryStatusCodes: [400] };
      expect(isRetryableStatus(400, policy)).to.be.true;
      expect(isRetryableStatus(401, policy)).to.be.false;
    });
  });

  describe('backoff', () => {
    it('doubles from baseDelayMs, is capped at maxDelayMs, and jitters over [½, 1] of the delay', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 40 }),
          fc.integer({ min: 0, max: 10_000 }),
          fc.integer({ min: 0, max: 100_000 }),
          fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
          (attempt, baseDelayMs, maxDelayMs, random) => {
            const exponential = Math.min(baseDelayMs * 2 ** (attempt - 1), maxDelayMs);
            const delay = backoff(attempt, { baseDelayMs, maxDelayMs }, random);
            expect(delay).to.be.within(Math.floor(exponential / 2), exponential);
            expect(delay).to.be.at.most(maxDelayMs);
          },
        ),
      );
    });

    it('gives the exact bounds at random 0 and close to 1', () => {
      const policy = { baseDelayMs: 100, maxDelayMs: 10_000 };
      expect([1, 2, 3, 4].map((n) => backoff(n, policy, 0))).to.deep.equal([50, 100, 200, 400]);
      expect([1, 2, 3, 4].map((n) => backoff(n, policy, 0.999_999))).to.deep.equal([100, 200, 400, 800]);
      expect(backoff(20, policy, 0.999_999)).to.equal(10_000);
    });
  });

  describe('parseRetryAfter', () => {
    it('reads delay-seconds', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 1e9 }), (seconds) => {
          expect(parseRetryAfter(` ${seconds} `, NOW)).to.equal(seconds * 1000);
        }),
      );
    });

    it('reads an HTTP date (IMF-fixdate, RFC 850 and asctime forms) relative to now, never negative', () => {
      fc.assert(
        fc.property(fc.integer({ min: -1e6, max: 1e6 }), (seconds) => {
          expect(parseRetryAfter(new Date(NOW + seconds * 1000).toUTCString(), NOW)).to.equal(Math.max(0, seconds * 1000));
        }),
      );
      const at = Date.UTC(1994, 10, 6, 8, 49, 37);
      expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', at - 5_000)).to.equal(5_000);
      expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', at - 5_000)).to.be.a('number');
    });

    it('gives undefined for a missing, empty or unreadable value (not a date in 2001 for "-1" or "1.5")', () => {
      for (const value of [null, '', '  ', 'soon', '-1', '1.5', '1e3', 'May 5']) {
        expect(parseRetryAfter(value, NOW), JSON.stringify(value)).to.equal(undefined);
      }
    });
  });
});
