// withRouterPageViews (Karma/Chromium, zoneless TestBed, the router on mock locations so the Karma page's own URL is
// never changed): exactly one page view per NavigationEnd, the first load included, with the resolved URL, the title
// the router set, the previous page view's URL as referrer, and a new web_page id each; the query/fragment policy
// and the hooks that rename or skip routes.
import { initTestBed } from './angular-support.js';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideLocationMocks } from '@angular/common/testing';
import { provideRouter, type Routes } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { expect } from 'chai';
import {
  provideTracker,
  TRACKER,
  withRouterPageViews,
  type RouterPageViewOptions,
  type TrackedNavigation,
} from '../../src/angular/index.js';
import { structEvent } from '../../src/events/structured.js';
import { RecordingSink, UUID, WEB_PAGE } from './browser-support.js';

const page = (name: string) => Component({ selector: `rx-${name}`, template: name })(class {});
const ROUTES: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'home' },
  { path: 'home', component: page('home'), title: 'Home' },
  { path: 'products/:id', component: page('product'), title: 'Product', data: { pageName: 'products/:id' } },
  { path: 'search', component: page('search'), title: 'Search' },
  { path: 'docs', component: page('docs'), title: 'Docs' },
  { path: 'admin', component: page('admin'), title: 'Admin', data: { track: false } },
  { path: 'old', redirectTo: 'home' },
];

describe('rxplow/angular withRouterPageViews()', function () {
  this.timeout(15_000);
  before(initTestBed);
  let savedTitle: string;
  beforeEach(() => (savedTitle = document.title));
  afterEach(() => (document.title = savedTitle));

  async function app(
    options?: RouterPageViewOptions,
  ): Promise<{ harness: RouterTestingHarness; recording: RecordingSink; go(url: string): Promise<void> }> {
    const recording = new RecordingSink();
    TestBed.configureTestingModule({
      providers: [
        provideRouter(ROUTES),
        provideLocationMocks(),
        provideTracker({ sinks: [recording], storage: 'none', appId: 'ng-router' }, withRouterPageViews(options)),
      ],
    });
    const harness = await RouterTestingHarness.create('/');
    await settle();
    return {
      harness,
      recording,
      go: async (url) => {
        await harness.navigateByUrl(url);
        await settle();
      },
    };
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const pageViews = (recording: RecordingSink) =>
    recording.events
      .filter((e) => e.fields['e'] === 'pv')
      .map((e) => ({
        url: e.fields['url'],
        title: e.fields['page'],
        refr: e.fields['refr'],
        id: e.contexts.find((c) => c.schema === WEB_PAGE)?.data['id'] as string,
      }));
  const origin = window.location.origin;

  it('tracks exactly one page view per navigation, the first load included, with URL, title, referrer and a new web_page id', async () => {
    const { recording, go } = await app();
    await go('/products/42');
    await go('/old'); // redirects to /home
    await go('/search?q=shoes');
    const views = pageViews(recording);
    expect(views.map((v) => [v.url, v.title])).to.deep.equal([
      [`${origin}/home`, 'Home'],
      [`${origin}/products/42`, 'Product'],
      [`${origin}/home`, 'Home'],
      [`${origin}/search?q=shoes`, 'Search'],
    ]);
    expect(views.slice(1).map((v) => v.refr)).to.deep.equal([`${origin}/home`, `${origin}/products/42`, `${origin}/home`]);
    expect(views.every((v) => UUID.test(v.id))).to.equal(true);
    expect(new Set(views.map((v) => v.id)).size).to.equal(4);
  });

  it('events after a page view carry its web_page id', async () => {
    const { recording, go } = await app();
    await go('/docs');
    TestBed.inject(TRACKER).track(structEvent({ category: 'docs', action: 'read' }));
    const last = recording.events.at(-1)!;
    expect(last.contexts.find((c) => c.schema === WEB_PAGE)?.data['id']).to.equal(pageViews(recording).at(-1)!.id);
  });

  it('by default counts query changes, not fragment-only changes nor a navigation to the same URL', async () => {
    const { recording, go } = await app();
    await go('/search?q=a');
    await go('/search?q=b'); // query: counts
    await go('/search?q=b#results'); // fragment only: does not
    await go('/search?q=b#results'); // the same URL: does not
    await go('/docs#intro'); // path: counts
    expect(pageViews(recording).map((v) => v.url)).to.deep.equal([
      `${origin}/home`,
      `${origin}/search?q=a`,
      `${origin}/search?q=b`,
      `${origin}/docs#intro`,
    ]);
  });

  it('queryChanges: false and fragmentChanges: true turn the policy around', async () => {
    const { recording, go } = await app({ queryChanges: false, fragmentChanges: true });
    await go('/search?q=a'); // path: counts
    await go('/search?q=b'); // query only: does not
    await go('/search?q=b#x'); // fragment only: counts
    expect(pageViews(recording).map((v) => v.url)).to.deep.equal([`${origin}/home`, `${origin}/search?q=a`, `${origin}/search?q=b#x`]);
  });

  it('the pageView hook renames routes and skips them, and is told the route and what changed', async () => {
    const seen: Pick<TrackedNavigation, 'url' | 'previousUrl' | 'change'>[] = [];
    const { recording, go } = await app({
      pageView: ({ url, previousUrl, change, route, fields }) => {
        seen.push({ url, previousUrl, change });
        if (route.data['track'] === false) return false;
        const name = route.data['pageName'] as string | undefined;
        return name === undefined ? undefined : { pageUrl: `${origin}/${name}`, pageTitle: `${fields.pageTitle} (renamed)` };
      },
    });
    await go('/products/7');
    await go('/admin');
    await go('/products/8?ref=mail');
    expect(seen).to.deep.equal([
      { url: '/home', previousUrl: undefined, change: 'first' },
      { url: '/products/7', previousUrl: '/home', change: 'path' },
      { url: '/admin', previousUrl: '/products/7', change: 'path' },
      { url: '/products/8?ref=mail', previousUrl: '/admin', change: 'path' },
    ]);
    expect(pageViews(recording).map((v) => [v.url, v.title])).to.deep.equal([
      [`${origin}/home`, 'Home'],
      [`${origin}/products/:id`, 'Product (renamed)'],
      [`${origin}/products/:id`, 'Product (renamed)'],
    ]);
  });

  it('a failed or cancelled navigation tracks nothing', async () => {
    const { recording, go } = await app();
    await go('/nowhere').catch(() => undefined);
    expect(pageViews(recording)).to.have.length(1);
  });
});
