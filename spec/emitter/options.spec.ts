// Emitter options: bad input is a typed error naming the option; endpoint forms resolve to the URL used.
import { expect } from 'chai';
import { Emitter } from '../../src/emitter/emitter.js';
import { resolveEmitterOptions } from '../../src/emitter/option-checks.js';
import { EMITTER_DEFAULTS, type EmitterOptions } from '../../src/emitter/options.js';
import { InvalidOptionsError } from '../../src/errors.js';

/** Constructs an Emitter and returns the InvalidOptionsError it throws. */
function constructionError(endpoint: unknown, options?: unknown): InvalidOptionsError {
  try {
    new Emitter(endpoint as string, options as EmitterOptions);
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidOptionsError);
    return error as InvalidOptionsError;
  }
  expect.fail(`new Emitter(${JSON.stringify(endpoint)}, ${JSON.stringify(options)}) did not throw`);
}

describe('emitter/options', () => {
  describe('bad input: InvalidOptionsError at construction, naming the option', () => {
    const cases: [title: string, endpoint: unknown, options: unknown, option: string][] = [
      ['an empty endpoint', '', {}, 'endpoint'],
      ['a blank endpoint', '   ', {}, 'endpoint'],
      ['a missing endpoint', undefined, {}, 'endpoint'],
      ['an ftp URL', 'ftp://x', {}, 'endpoint'],
      ['a file URL', 'file:///etc/passwd', {}, 'endpoint'],
      ['an endpoint with a query string', 'https://c.test/?a=1', {}, 'endpoint'],
      ['an unparsable host', 'exa mple.com', {}, 'endpoint'],
      ['a negative bufferSize', 'c.test', { bufferSize: -1 }, 'bufferSize'],
      ['a zero bufferSize', 'c.test', { bufferSize: 0 }, 'bufferSize'],
      ['a non-integer bufferSize', 'c.test', { bufferSize: 1.5 }, 'bufferSize'],
      ['a string bufferSize', 'c.test', { bufferSize: '10' }, 'bufferSize'],
      ['concurrency 0', 'c.test', { concurrency: 0 }, 'concurrency'],
      ['a negative maxPostBytes', 'c.test', { maxPostBytes: -5 }, 'maxPostBytes'],
      ['a NaN maxGetBytes', 'c.test', { maxGetBytes: NaN }, 'maxGetBytes'],
      ['a negative flushIntervalMs', 'c.test', { flushIntervalMs: -1 }, 'flushIntervalMs'],
      ['a zero timeoutMs', 'c.test', { timeoutMs: 0 }, 'timeoutMs'],
      ['a zero maxQueueSize', 'c.test', { maxQueueSize: 0 }, 'maxQueueSize'],
      ['a port above 65535', 'c.test', { port: 70_000 }, 'port'],
      ['an unknown method', 'c.test', { method: 'put' }, 'method'],
      ['an unknown protocol', 'c.test', { protocol: 'ws' }, 'protocol'],
      ['a postPath without a leading slash', 'c.test', { postPath: 'tp2' }, 'postPath'],
      ['a negative retry', 'c.test', { retry: -1 }, 'retry'],
      ['a header value with CR LF', 'c.test', { headers: { 'X-Evil': 'a\r\nSet-Cookie: x' } }, 'headers.X-Evil'],
      ['a header value with LF', 'c.test', { headers: { 'X-Evil': 'a\nb' } }, 'headers.X-Evil'],
      ['a header value that is not a string', 'c.test', { headers: { 'X-N': 1 } }, 'headers.X-N'],
      ['a header name with a space', 'c.test', { headers: { 'X Evil': 'a' } }, 'headers name'],
      ['an isSuccess that is not a function', 'c.test', { isSuccess: 200 }, 'isSuccess'],
      ['an empty name', 'c.test', { name: '' }, 'name'],
    ];
    for (const [title, endpoint, options, option] of cases) {
      it(`rejects ${title} (${option})`, () => {
        const error = constructionError(endpoint, options);
        expect(error.option).to.equal(option);
        expect(error.code).to.equal('invalid-options');
        expect(error.message).to.match(new RegExp(`^${option.replace('.', '\\.')}: .+`));
      });
    }

    it('rejects retry options field by field', () => {
      expect(constructionError('c.test', { retry: { limit: 1.5 } }).option).to.match(/limit/);
      expect(constructionError('c.test', { retry: { maxDelayMs: -1 } }).option).to.match(/maxDelayMs/);
      expect(constructionError('c.test', { retry: { retryStatusCodes: ['503'] } }).option).to.match(/retryStatusCodes/);
    });
  });

  describe('endpoint forms', () => {
    const urls: [endpoint: string, options: EmitterOptions, url: string][] = [
      ['collector.test', {}, 'https://collector.test/com.snowplowanalytics.snowplow/tp2'],
      ['collector.test', { method: 'get' }, 'https://collector.test/i'],
      ['collector.test', { protocol: 'http', port: 8080 }, 'http://collector.test:8080/com.snowplowanalytics.snowplow/tp2'],
      ['collector.test:9090', { protocol: 'http', method: 'get' }, 'http://collector.test:9090/i'],
      ['https://collector.test', {}, 'https://collector.test/com.snowplowanalytics.snowplow/tp2'],
      ['https://collector.test/', { method: 'get' }, 'https://collector.test/i'],
      ['https://collector.test:443//', {}, 'https://collector.test/com.snowplowanalytics.snowplow/tp2'],
      ['http://127.0.0.1:4000', { method: 'get', port: 4000 }, 'http://127.0.0.1:4000/i'],
      // `port` with a full URL that names none: honoured (issue 19: it was silently dropped)
      ['http://127.0.0.1', { port: 9090 }, 'http://127.0.0.1:9090/com.snowplowanalytics.snowplow/tp2'],
      ['https://collector.test', { protocol: 'https', port: 8443 }, 'https://collector.test:8443/com.snowplowanalytics.snowplow/tp2'],
      // a bare loopback host is reached over http, where a local collector listens; any other bare host over https
      ['localhost:9090', {}, 'http://localhost:9090/com.snowplowanalytics.snowplow/tp2'],
      ['127.0.0.1:9090', { method: 'get' }, 'http://127.0.0.1:9090/i'],
      ['[::1]:9090', {}, 'http://[::1]:9090/com.snowplowanalytics.snowplow/tp2'],
      ['app.localhost', {}, 'http://app.localhost/com.snowplowanalytics.snowplow/tp2'],
      ['localhost:9443', { protocol: 'https' }, 'https://localhost:9443/com.snowplowanalytics.snowplow/tp2'],
      ['localhost.example.com', {}, 'https://localhost.example.com/com.snowplowanalytics.snowplow/tp2'],
      ['128.0.0.1', {}, 'https://128.0.0.1/com.snowplowanalytics.snowplow/tp2'],
      ['https://proxy.test/snowplow/', {}, 'https://proxy.test/snowplow/com.snowplowanalytics.snowplow/tp2'],
      ['https://proxy.test/snowplow', { method: 'get' }, 'https://proxy.test/snowplow/i'],
      ['collector.test', { postPath: '/custom/tp2' }, 'https://collector.test/custom/tp2'],
      ['HTTPS://Collector.TEST', {}, 'https://collector.test/com.snowplowanalytics.snowplow/tp2'],
    ];
    for (const [endpoint, options, url] of urls) {
      it(`sends ${JSON.stringify(endpoint)} with ${JSON.stringify(options)} to ${url}`, () => {
        const resolved = resolveEmitterOptions(endpoint, options);
        expect(resolved.url).to.equal(url);
        expect(new Emitter(endpoint, options).name).to.equal(`${resolved.method.toUpperCase()} ${url}`);
      });
    }
  });

  describe('options that contradict the endpoint are refused, not ignored', () => {
    for (const [endpoint, options, option, message] of [
      ['https://collector.test', { protocol: 'http' }, 'protocol', /http contradicts the endpoint's protocol \(https\)/],
      ['http://127.0.0.1:9090', { protocol: 'https' }, 'protocol', /https contradicts the endpoint's protocol \(http\)/],
      ['http://127.0.0.1:4000', { port: 9090 }, 'port', /9090 contradicts the endpoint's port \(4000\)/],
    ] as const) {
      it(`${endpoint} with ${JSON.stringify(options)}: InvalidOptionsError for ${option}`, () => {
        const error = constructionError(endpoint, options);
        expect(error.option).to.equal(option);
        expect(error.message).to.match(message);
      });
    }
  });

  describe('defaults', () => {
    it('batches 10 events for POST and 1 for GET, and retries with the documented policy', () => {
      expect(resolveEmitterOptions('c.test').bufferSize).to.equal(10);
      expect(resolveEmitterOptions('c.test', { method: 'get' }).bufferSize).to.equal(1);
      expect(resolveEmitterOptions('c.test').retry).to.deep.equal(EMITTER_DEFAULTS.retry);
      expect(resolveEmitterOptions('c.test', { retry: 2 }).retry.limit).to.equal(2);
      expect(resolveEmitterOptions('c.test', { retry: { limit: undefined, baseDelayMs: 5 } }).retry).to.include({
        limit: 5,
        baseDelayMs: 5,
      });
    });

    it('adds SP-Anonymous: * with anonymous, next to custom headers', () => {
      const { headers } = resolveEmitterOptions('c.test', { anonymous: true, headers: { 'X-Team': 'data' } });
      expect(headers).to.deep.equal({ 'X-Team': 'data', 'SP-Anonymous': '*' });
      expect(resolveEmitterOptions('c.test').headers).to.deep.equal({});
    });

    it('uses the given name in outcomes', () => {
      expect(new Emitter('c.test', { name: 'primary' }).name).to.equal('primary');
    });
  });
});
