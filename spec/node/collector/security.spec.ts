// The collector as a server facing a hostile browser page or client: the Micro API is not a cross-site target (Host,
// Origin, Fetch Metadata), stored requests show no credentials, lookups stay inside the schema folders, and text from
// events never reaches the terminal raw. Real loopback HTTP with node:http clients.
import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningCollector } from '../../../src/collector/server.js';
import { allowedHostNames, hostNameOf, isSecretHeader, microRefusal, redactHeaders } from '../../../src/collector/access.js';
import { escapeControl, escapeJsonControl } from '../../../src/collector/output.js';
import { igluPathOf, SchemaResolver } from '../../../src/collector/schema-resolver.js';
import { baseEvent, Lines, micro, postEvents, rawRequest, startQuietCollector, TP2 } from '../cli/support.js';

const ALL = '/micro/all';

describe('rxplow collector: the Micro API is not a cross-site target', () => {
  let collector: RunningCollector;
  let port: number;
  beforeEach(async () => {
    collector = await startQuietCollector();
    port = collector.port;
    await postEvents(collector, [baseEvent('pv')]);
  });
  afterEach(() => collector.close());

  it('answers Host localhost, 127.0.0.1 and [::1] with any port', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'LOCALHOST:1', '127.0.0.1']) {
      const response = await rawRequest(collector.url, ALL, { headers: { Host: host } });
      expect(response.status, host).to.equal(200);
      expect(JSON.parse(response.body)).to.deep.equal({ total: 1, good: 1, bad: 0 });
    }
  });

  it('refuses a foreign Host with 403 (DNS rebinding), on every /micro/* endpoint and method', async () => {
    for (const host of [
      'attacker.example',
      `attacker.example:${port}`,
      `127.0.0.1.attacker.example:${port}`,
      'localhost.:1',
      'localhost:1:2',
    ]) {
      for (const [method, path] of [
        ['GET', ALL],
        ['GET', '/micro/good'],
        ['POST', '/micro/bad'],
        ['GET', '/micro/reset'],
        ['POST', '/micro/reset'],
      ] as const) {
        const response = await rawRequest(collector.url, path, { method, headers: { Host: host } });
        expect(response.status, `${method} ${path} Host ${host}`).to.equal(403);
        expect(response.headers['access-control-allow-origin']).to.equal(undefined);
        expect(JSON.parse(response.body).error).to.include('the Micro API answers only to Host');
      }
    }
    expect(await micro.all(collector)).to.deep.equal({ total: 1, good: 1, bad: 0 }); // nothing was reset
  });

  it('answers the configured host and allowedHosts too', async () => {
    const docker = await startQuietCollector({ allowedHosts: ['collector', 'Micro.Test'] });
    try {
      for (const host of ['collector:9090', 'micro.test'])
        expect((await rawRequest(docker.url, ALL, { headers: { Host: host } })).status, host).to.equal(200);
      expect((await rawRequest(docker.url, ALL, { headers: { Host: 'other:9090' } })).status).to.equal(403);
    } finally {
      await docker.close();
    }
  });

  it('refuses a page from a foreign site (Origin), without CORS headers, and GET or POST /micro/reset does nothing', async () => {
    for (const origin of ['https://evil.example', 'http://localhost.evil.example:3000', 'null', 'file://']) {
      for (const [method, path] of [
        ['GET', '/micro/reset'],
        ['POST', '/micro/reset'],
        ['GET', '/micro/good'],
        ['OPTIONS', '/micro/good'],
      ] as const) {
        const response = await rawRequest(collector.url, path, {
          method,
          headers: { Origin: origin, 'Access-Control-Request-Method': 'GET' },
        });
        expect(response.status, `${method} ${path} from ${origin}`).to.equal(403);
        expect(response.headers['access-control-allow-origin']).to.equal(undefined);
        expect(response.headers['access-control-allow-credentials']).to.equal(undefined);
      }
    }
    expect(await micro.all(collector)).to.deep.equal({ total: 1, good: 1, bad: 0 });
  });

  it('refuses a cross-site request that carries no Origin (an <img>, a link): Sec-Fetch-Site or Referer', async () => {
    const img = { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'image' };
    expect((await rawRequest(collector.url, '/micro/reset', { headers: img })).status).to.equal(403);
    expect((await rawRequest(collector.url, '/micro/reset', { headers: { Referer: 'https://evil.example/page' } })).status).to.equal(403);
    expect(await micro.all(collector)).to.deep.equal({ total: 1, good: 1, bad: 0 });
    // typed in the address bar, or curl: allowed
    expect((await rawRequest(collector.url, ALL, { headers: { 'Sec-Fetch-Site': 'none' } })).status).to.equal(200);
    expect((await rawRequest(collector.url, '/micro/reset')).status).to.equal(200);
    expect(await micro.all(collector)).to.deep.equal({ total: 0, good: 0, bad: 0 });
  });

  it('is readable by a page on another local port, but never with credentials', async () => {
    const origin = 'http://localhost:4200';
    const preflight = await rawRequest(collector.url, '/micro/good', {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(preflight.status).to.equal(204);
    expect(preflight.headers['access-control-allow-origin']).to.equal(origin);
    expect(preflight.headers['access-control-allow-credentials']).to.equal(undefined);
    const good = await rawRequest(collector.url, '/micro/good', { headers: { Origin: origin, 'Sec-Fetch-Site': 'same-site' } });
    expect(good.status).to.equal(200);
    expect(good.headers['access-control-allow-origin']).to.equal(origin);
    expect(good.headers['access-control-allow-credentials']).to.equal(undefined);
    expect(good.headers['cache-control']).to.equal('no-store');
    expect(JSON.parse(good.body)).to.have.length(1);
    const other = await rawRequest(collector.url, ALL, { headers: { Origin: 'http://127.0.0.1:5173', 'Sec-Fetch-Site': 'cross-site' } });
    expect(other.status).to.equal(200);
  });

  it('keeps the tracking endpoints open to a browser app on another port, with credentials (the sp cookie)', async () => {
    for (const origin of ['http://localhost:4200', 'https://shop.example']) {
      const preflight = await rawRequest(collector.url, TP2, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
      expect(preflight.status).to.equal(204);
      expect(preflight.headers['access-control-allow-origin']).to.equal(origin);
      expect(preflight.headers['access-control-allow-credentials']).to.equal('true');
      const post = await rawRequest(collector.url, TP2, {
        method: 'POST',
        headers: { Origin: origin, 'Content-Type': 'text/plain', 'Sec-Fetch-Site': 'cross-site' },
        body: JSON.stringify({ schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4', data: [baseEvent('pv')] }),
      });
      expect(post.status).to.equal(200);
      expect(post.headers['access-control-allow-origin']).to.equal(origin);
      expect(post.headers['access-control-allow-credentials']).to.equal('true');
      const pixel = await rawRequest(collector.url, `/i?${new URLSearchParams(baseEvent('pv'))}`, {
        headers: { Referer: `${origin}/page`, 'Sec-Fetch-Site': 'cross-site' },
      });
      expect(pixel.status).to.equal(200);
    }
    expect(await micro.all(collector)).to.deep.equal({ total: 5, good: 5, bad: 0 });
  });

  it('decides with pure functions', () => {
    const allowed = allowedHostNames('0.0.0.0', ['Collector', '::1']);
    expect([...allowed]).to.have.members(['localhost', '127.0.0.1', '[::1]', '0.0.0.0', 'collector']);
    expect(hostNameOf('[::1]:80')).to.equal('[::1]');
    expect(hostNameOf('a b')).to.equal(undefined);
    expect(hostNameOf('localhost:99999999')).to.equal(undefined);
    expect(microRefusal({ host: 'localhost:1' }, allowed)).to.equal(undefined);
    expect(microRefusal({}, allowed)).to.include('not "(none)"');
    expect(microRefusal({ host: 'localhost', origin: 'http://collector:8080' }, allowed)).to.equal(undefined);
    expect(microRefusal({ host: 'localhost', origin: 'ftp://localhost' }, allowed)).to.include('Origin');
  });
});

describe('rxplow collector: no secrets echoed', () => {
  const secrets = {
    Authorization: 'Bearer s3cr3t-token',
    'Proxy-Authorization': 'Basic cHJveHk6cGFzcw==',
    Cookie: 'sp=0f5a4c2e-1111-4222-8333-444455556666; session=s3cr3t-session',
    'X-Api-Key': 's3cr3t-api-key',
    'X-Auth-Token': 's3cr3t-auth',
    'X-Goog-Api-Key': 's3cr3t-goog',
  };
  let collector: RunningCollector;
  beforeEach(async () => {
    collector = await startQuietCollector();
  });
  afterEach(() => collector.close());

  it('redacts credentials-bearing headers in /micro/bad and bad(), keeps the others and the sp network user id', async () => {
    await rawRequest(collector.url, '/nowhere', { headers: { ...secrets, 'User-Agent': 'spec-agent', 'X-Request-Id': 'r-1' } });
    await rawRequest(collector.url, TP2, {
      method: 'POST',
      headers: { ...secrets, 'Content-Type': 'application/json' },
      body: '{"schema": [',
    });
    const served = await rawRequest(collector.url, '/micro/bad');
    expect(served.body).not.to.match(/s3cr3t|cHJveHk6/);
    const [unknown, malformed] = JSON.parse(served.body) as {
      collectorPayload: { headers: Record<string, string>; networkUserId: string };
    }[];
    expect(unknown!.collectorPayload.headers).to.deep.include({
      authorization: '[redacted]',
      'proxy-authorization': '[redacted]',
      cookie: '[redacted]',
      'x-api-key': '[redacted]',
      'x-auth-token': '[redacted]',
      'x-goog-api-key': '[redacted]',
      'user-agent': 'spec-agent',
      'x-request-id': 'r-1',
    });
    expect(unknown!.collectorPayload.networkUserId).to.equal('0f5a4c2e-1111-4222-8333-444455556666');
    expect(malformed!.collectorPayload.headers['authorization']).to.equal('[redacted]');
    expect(JSON.stringify(collector.bad())).not.to.match(/s3cr3t/);
  });

  it('redacts by name, with pure functions', () => {
    for (const name of [
      'Authorization',
      'proxy-authorization',
      'Cookie',
      'Set-Cookie',
      'x-api-key',
      'X-Apikey',
      'x-access-token',
      'x-csrf-token',
      'x-session-id',
      'x-client-secret',
    ]) {
      expect(isSecretHeader(name), name).to.equal(true);
    }
    for (const name of ['user-agent', 'content-type', 'sp-anonymous', 'origin', 'referer', 'x-forwarded-for', 'accept'])
      expect(isSecretHeader(name), name).to.equal(false);
    expect(redactHeaders({ cookie: 'a=b', accept: '*/*' })).to.deep.equal({ cookie: '[redacted]', accept: '*/*' });
  });

  it('does not echo a malformed sp cookie into Set-Cookie or records', async () => {
    const response = await rawRequest(collector.url, `/i?${new URLSearchParams(baseEvent('pv'))}`, {
      headers: { Cookie: 'sp=<script>; other=1' },
    });
    expect(response.status).to.equal(200);
    expect(response.headers['set-cookie']![0]).to.match(/^sp=[0-9a-f-]{36};/);
    const [good] = await micro.good(collector);
    expect(good!.event['network_userid']).to.match(/^[0-9a-f-]{36}$/);
  });
});

describe('rxplow collector: schema lookups stay inside their folders', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'rxplow-iglu-'));
    const schema = JSON.stringify({
      $schema: 'http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0',
      self: { vendor: 'x', name: 'outside', format: 'jsonschema', version: '1-0-0' },
      type: 'object',
    });
    await mkdir(join(root, 'schemas'), { recursive: true });
    await mkdir(join(root, 'outside', 'jsonschema'), { recursive: true });
    await writeFile(join(root, 'outside', 'jsonschema', '1-0-0'), schema); // reachable as schemas/../outside/jsonschema/1-0-0
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('refuses vendor "..", "." and empty labels; takes only SchemaVer versions', async () => {
    const resolver = new SchemaResolver({ schemaDirs: [join(root, 'schemas')], igluUrls: [], builtinSchemas: false });
    await resolver.init();
    for (const uri of [
      'iglu:../outside/jsonschema/1-0-0',
      'iglu:./outside/jsonschema/1-0-0',
      'iglu:a..b/outside/jsonschema/1-0-0',
      'iglu:.a/x/jsonschema/1-0-0',
      'iglu:com.acme/x/jsonschema/01-0-0',
      'iglu:com.acme/x/jsonschema/0-1-0',
      'iglu:com.acme/x/..%2F/1-0-0',
      'iglu:com.acme/x/jsonschema/1-0-0/../../1-0-0',
    ]) {
      const resolved = await resolver.resolve(uri);
      expect(resolved.ok, uri).to.equal(false);
      expect(resolved.ok ? '' : resolved.error, uri).to.match(/^not a valid Iglu URI: /);
    }
    expect(igluPathOf('iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0')).to.deep.equal([
      'com.snowplowanalytics.snowplow',
      'page_view',
      'jsonschema',
      '1-0-0',
    ]);
    expect(igluPathOf('iglu:com.acme/x_y-z/jsonschema/10-20-30')).to.deep.equal(['com.acme', 'x_y-z', 'jsonschema', '10-20-30']);
  });

  it('over HTTP, an event naming a schema outside the folder is bad, not validated against that file', async () => {
    const collector = await startQuietCollector({ schemaDirs: [join(root, 'schemas')] });
    try {
      const envelope = {
        schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0',
        data: { schema: 'iglu:../outside/jsonschema/1-0-0', data: {} },
      };
      await postEvents(collector, [baseEvent('ue', { ue_pr: JSON.stringify(envelope) })]);
      const [bad] = await micro.bad(collector);
      expect(bad!.errors).to.deep.equal([
        'event iglu:../outside/jsonschema/1-0-0: not a valid Iglu URI: "iglu:../outside/jsonschema/1-0-0" (expected iglu:VENDOR/NAME/FORMAT/M-R-A)',
      ]);
    } finally {
      await collector.close();
    }
  });
});

describe('rxplow collector: terminal control characters inside events are escaped', () => {
  const hostile = '\u001b]0;owned\u0007\u001b[2J\r\u009b31m\u202eevil\u007f';

  it('in readable lines', async () => {
    const out = new Lines();
    const collector = await startQuietCollector({ out });
    await postEvents(collector, [baseEvent(hostile)]);
    await rawRequest(collector.url, `/${encodeURIComponent(hostile)}`);
    await collector.close();
    const text = out.lines.join('\n');
    expect(text).not.to.match(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(out.lines[1]).to.include('e: unknown event type "\\x1B]0;owned\\x07\\x1B[2J\\x0D\\x9B31m\\u202Eevil\\x7F"');
    expect(out.lines[2]).to.include('unknown path: GET /%1B%5D0%3Bowned'); // the path arrives percent-encoded
  });

  it('in JSON lines, which still parse to the original text', async () => {
    const out = new Lines();
    const collector = await startQuietCollector({ out, json: true });
    await postEvents(collector, [baseEvent(hostile)]);
    await collector.close();
    const line = out.lines[1]!;
    expect(line).not.to.match(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    expect((JSON.parse(line) as { errors: string[] }).errors).to.deep.equal([`e: unknown event type "${hostile}"`]);
  });

  it('with pure functions', () => {
    expect(escapeControl('a\u001bb\u0085c\u2066d\te')).to.equal('a\\x1Bb\\x85c\\u2066d\\x09e');
    expect(escapeControl('plain — ünïcödé ☕')).to.equal('plain — ünïcödé ☕');
    expect(JSON.parse(escapeJsonControl(JSON.stringify('\u009b\u202e')))).to.equal('\u009b\u202e');
  });
});
