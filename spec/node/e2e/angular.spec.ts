// End to end: the example Angular app (examples/angular, built with Angular's own builder, @angular/build:application,
// with SSR by @angular/ssr) served on 127.0.0.1 by its own server, driven in Debian's Chromium by playwright-core
// ($CHROME_BIN, else /usr/bin/chromium; no browser is downloaded), tracking to `rxplow collector` (startCollector),
// checked through its Snowplow Micro API (/micro/good, /micro/bad). Twice: zoneless (Angular 21's default) and on
// zone.js. The app uses rxplow from the repository's dist/esm (built first when missing or older than src/).
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { startCollector, type RunningCollector } from '../../../src/collector/index.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const example = join(root, 'examples/angular');
const CHROME_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking'];

interface MicroEvent {
  readonly eventType: string;
  readonly schema: string | undefined;
  readonly contexts: readonly string[];
  readonly event: Readonly<Record<string, unknown>>;
  readonly rawEvent: { readonly parameters: Readonly<Record<string, string>> };
}

/** The newest modification time under a folder. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** dist/esm, built when missing or older than src/ (`npm test` builds it first anyway). */
function ensureDist(): void {
  const entry = join(root, 'dist/esm/angular/index.js');
  if (existsSync(entry) && statSync(entry).mtimeMs >= newest(join(root, 'src'))) return;
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');
}

function buildExample(configuration: string): void {
  const built = spawnSync(process.execPath, [join(example, 'build.mjs'), configuration], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the example's ${configuration} build failed:\n${built.stdout}\n${built.stderr}`);
}

interface AppServer {
  readonly origin: string;
  readonly output: string[];
  close(): Promise<void>;
}

async function serve(configuration: string, collector: string): Promise<AppServer> {
  const child: ChildProcess = spawn(process.execPath, [join(example, `dist/${configuration}/server/server.mjs`)], {
    cwd: example,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', RXPLOW_COLLECTOR: collector },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the example server did not start:\n${output.join('')}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.join(''));
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.on('exit', (code) => reject(new Error(`the example server exited (${code}):\n${output.join('')}`)));
  });
  return {
    origin,
    output,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.on('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function micro(collector: RunningCollector, which: 'good' | 'bad'): Promise<MicroEvent[]> {
  await collector.idle();
  return (await (await fetch(`${collector.url}/micro/${which}`)).json()) as MicroEvent[];
}

async function until<T>(condition: () => Promise<T>, what: () => string, ms = 15_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const WEB_PAGE = 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0';
const APPLICATION_ERROR = 'iglu:com.snowplowanalytics.snowplow/application_error/jsonschema/1-0-1';
const webPageId = (event: MicroEvent): string | undefined => {
  const contexts = event.event['contexts'] as { data?: { schema: string; data: { id: string } }[] } | undefined;
  return contexts?.data?.find((c) => c.schema === WEB_PAGE)?.data.id;
};
const describeEvent = (e: MicroEvent): string =>
  [e.eventType, e.rawEvent.parameters['url'], e.rawEvent.parameters['se_ac'], e.eventType === 'unstruct' ? e.schema : undefined]
    .filter(Boolean)
    .join(' ');

describe('rxplow/angular end to end: the example app (Angular build, SSR, hydration) in Chromium', function () {
  this.timeout(180_000);
  let browser: Browser;

  before(async () => {
    ensureDist();
    buildExample('e2e');
    buildExample('e2e-zone');
    browser = await chromium.launch({
      executablePath: process.env['CHROME_BIN'] || '/usr/bin/chromium',
      args: CHROME_ARGS,
      timeout: 30_000,
    });
  });

  after(async () => {
    await browser?.close();
  });

  for (const [configuration, label] of [
    ['e2e', 'zoneless'],
    ['e2e-zone', 'zone.js'],
  ] as const) {
    describe(`${label} (build: ${configuration})`, () => {
      let collector: RunningCollector;
      let server: AppServer;
      let page: Page;
      const consoleMessages: ConsoleMessage[] = [];
      const pageErrors: Error[] = [];

      before(async () => {
        collector = await startCollector({ port: 0, out: null, onWarning: () => undefined });
        server = await serve(configuration, collector.url);
        const context = await browser.newContext();
        page = await context.newPage();
        page.on('console', (message) => consoleMessages.push(message));
        page.on('pageerror', (error) => pageErrors.push(error));
      });

      after(async () => {
        await page?.context().close();
        await server?.close();
        await collector?.close();
      });

      it('the server renders the page (SSR, hydration annotations) without tracking anything', async () => {
        const response = await fetch(`${server.origin}/products/42`);
        const html = await response.text();
        expect(response.status).to.equal(200);
        expect(html)
          .to.contain('ng-server-context="ssr"')
          .and.to.contain('<h1>Product 42</h1>')
          .and.to.match(/ngh="\d+"/);
        expect(html).to.contain('<title>Product</title>');
        expect(await micro(collector, 'good')).to.have.length(0);
      });

      it('navigate, click, fail, reload: each page view and event arrives once, valid; hydration completes without NG0506', async () => {
        const hydrated = () => consoleMessages.filter((m) => m.text().startsWith('Angular hydrated')).length;
        await page.goto(`${server.origin}/`);
        await until(
          async () => hydrated() === 1,
          () => `hydration of the first load (console: ${consoleMessages.map((m) => m.text()).join(' | ')})`,
        );
        await page.click('#nav-product');
        await page.waitForSelector('h1:text("Product 42")');
        await page.click('#add');
        await page.waitForSelector('#in-cart:text("In cart: 1")');
        await page.click('#nav-about');
        await page.waitForSelector('h1:text("About")');
        // Delivered (the batch goes 1 s after its first event), and the answers seen by the page: a request still in
        // flight when a page unloads may arrive and yet be sent again by the next load (at-least-once, same eid).
        await until(
          async () => (await micro(collector, 'good')).length >= 4,
          () => `the first 4 events (got ${collector.good().length})`,
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        // The error event waits in a batch when the page unloads: sent with keepalive at the page hide and handed off,
        // and the next load (which adopts the stored outbox) drops it at its first success: once.
        await page.click('#fail');
        await page.reload();
        await until(
          async () => hydrated() === 2,
          () => 'hydration after the reload',
        );

        const expected = [
          `page_view ${server.origin}/`,
          `page_view ${server.origin}/products/42`,
          `struct ${server.origin}/products/42 add-to-cart`,
          `page_view ${server.origin}/about`,
          `unstruct ${server.origin}/about ${APPLICATION_ERROR}`,
          `page_view ${server.origin}/about`,
        ];
        await until(
          async () => (await micro(collector, 'good')).length >= expected.length,
          () => `${expected.length} events (got ${collector.good().length})`,
        );
        await new Promise((resolve) => setTimeout(resolve, 1_000)); // nothing more comes (no duplicate)
        const good = await micro(collector, 'good');
        const bad = await micro(collector, 'bad');
        expect(bad, 'bad events').to.have.length(0);
        // Sorted by the tracker's own time (dtm): the order they were tracked in.
        const ordered = [...good].sort((a, b) => Number(a.rawEvent.parameters['dtm']) - Number(b.rawEvent.parameters['dtm']));
        expect(ordered.map(describeEvent)).to.deep.equal(expected);
        const eids = good.map((e) => e.rawEvent.parameters['eid']);
        expect(new Set(eids).size, 'each event once').to.equal(eids.length);

        const [home, product, add, about, error, reloaded] = ordered as [
          MicroEvent,
          MicroEvent,
          MicroEvent,
          MicroEvent,
          MicroEvent,
          MicroEvent,
        ];
        expect([home, product, about, reloaded].map((e) => e.rawEvent.parameters['page'])).to.deep.equal([
          'Home',
          'Product',
          'About',
          'About',
        ]);
        expect(product.rawEvent.parameters['refr']).to.equal(`${server.origin}/`);
        expect(about.rawEvent.parameters['refr']).to.equal(`${server.origin}/products/42`);
        expect(add.rawEvent.parameters['se_la']).to.equal('42');
        const ids = [home, product, about, reloaded].map(webPageId);
        expect(new Set(ids).size, 'a new web_page id per page view').to.equal(4);
        expect(webPageId(add)).to.equal(webPageId(product));
        expect(webPageId(error)).to.equal(webPageId(about));
        const errorData = (error.event['unstruct_event'] as { data: { data: Record<string, unknown> } }).data.data;
        expect(errorData).to.include({ message: 'example failure', exceptionName: 'Error', programmingLanguage: 'JAVASCRIPT' });
        expect(good.every((e) => e.rawEvent.parameters['aid'] === 'angular-example' && e.rawEvent.parameters['p'] === 'web')).to.equal(
          true,
        );

        const texts = consoleMessages.map((m) => `${m.type()}: ${m.text()}`);
        expect(
          texts.filter((t) => /NG0506|isStable/.test(t)),
          'NG0506',
        ).to.deep.equal([]);
        const errors = consoleMessages.filter((m) => m.type() === 'error').map((m) => m.text());
        expect(errors, 'console errors (only the example failure, logged by the default ErrorHandler)').to.have.length(
          1,
          errors.join('\n'),
        );
        expect(errors[0]).to.contain('example failure');
        expect(pageErrors.map(String)).to.deep.equal([]);
        expect(server.output.join(''), 'server output').not.to.match(/error|NG0/i);
      });
    });
  }
});
