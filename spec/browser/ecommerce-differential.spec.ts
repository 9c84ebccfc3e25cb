// Snowplow ecommerce, differential, in Chromium: the same calls through @snowplow/browser-plugin-snowplow-ecommerce
// 4.10 (on a Snowplow tracker posting to the Karma collector) and through rxplow's functions must give the same
// event (schema and data) and the same ecommerce entities, in the same order, field for field, and the same timestamps.
import { newTracker } from '@snowplow/browser-tracker';
import * as sp from '@snowplow/browser-plugin-snowplow-ecommerce';
import { expect } from 'chai';
import * as rx from '../../src/browser/index.js';
import type { Payload } from '../../src/index.js';
import { decodePayload } from '../helpers/decode.js';
import { ManualScheduler, RecordingSink } from './browser-support.js';

const GIVEN = 1_700_000_000_000;
const VENDOR = 'iglu:com.snowplowanalytics.snowplow.ecommerce/';

/** What is compared: the event, the ecommerce entities (in order) and the true timestamp. */
function essence(payload: Payload) {
  const d = decodePayload(payload);
  return {
    event: d.unstructEvent?.data,
    entities: (d.contexts?.data ?? []).filter((c) => c.schema.startsWith(VENDOR)),
    ttm: payload['ttm'],
    // A call's `timestamp` is the device timestamp, as in Snowplow (a plain number there means `dtm`).
    given: payload['dtm'] === String(GIVEN) ? GIVEN : undefined,
  };
}

const shoe = {
  id: 'P1',
  name: 'Runner',
  category: 'shoes/running',
  price: 49.9,
  list_price: 59.9,
  quantity: 2,
  currency: 'EUR',
  size: '42',
};
const sock = { id: 'P2', category: 'socks', price: 5, currency: 'EUR', quantity: 3, brand: 'Warm', position: 2 };

/** Each case: the same call for both sides. */
const cart = { products: [shoe], total_value: 99.8, currency: 'EUR', cart_id: 'C1' };
const step = { step: 2, shipping_postcode: '10115', delivery_method: 'express', marketing_opt_in: true };
const transaction = { transaction_id: 'T1', revenue: 114.8, currency: 'EUR', payment_method: 'card', tax: 10, products: [shoe, sock] };
const refund = { transaction_id: 'T1', currency: 'EUR', refund_amount: 5, refund_reason: 'holes', products: [sock] };
const failure = {
  error_code: 'E1',
  error_description: 'declined',
  error_type: 'hard' as const,
  transaction: { transaction_id: 'T2', revenue: 5, currency: 'EUR', payment_method: 'card', total_quantity: 1 },
};
const promotion = { id: 'PR1', name: 'sale', product_ids: ['P1'], position: 1, type: 'banner' };

/** Each case: the same call (on a fresh copy of the same input) for both sides. */
const CASES: readonly [string, (s: typeof sp) => void, (t: rx.BrowserTracker) => void][] = [
  ['product view', (s) => s.trackProductView({ ...shoe }), (t) => rx.trackProductView(t, { ...shoe })],
  [
    'list view',
    (s) => s.trackProductListView({ name: 'search', products: [shoe, sock] }),
    (t) => rx.trackProductListView(t, { name: 'search', products: [shoe, sock] }),
  ],
  [
    'list click',
    (s) => s.trackProductListClick({ name: 'search', product: sock }),
    (t) => rx.trackProductListClick(t, { name: 'search', product: sock }),
  ],
  [
    'add to cart (with a timestamp)',
    (s) => s.trackAddToCart({ ...cart, timestamp: GIVEN, context: [] }),
    (t) => rx.trackAddToCart(t, { ...cart, timestamp: GIVEN }),
  ],
  ['remove from cart', (s) => s.trackRemoveFromCart({ ...cart }), (t) => rx.trackRemoveFromCart(t, { ...cart })],
  ['checkout step', (s) => s.trackCheckoutStep({ ...step }), (t) => rx.trackCheckoutStep(t, { ...step })],
  [
    'transaction (total_quantity from the products)',
    (s) => s.trackTransaction({ ...transaction }),
    (t) => rx.trackTransaction(t, { ...transaction }),
  ],
  ['refund', (s) => s.trackRefund({ ...refund }), (t) => rx.trackRefund(t, { ...refund })],
  ['transaction error', (s) => s.trackTransactionError({ ...failure }), (t) => rx.trackTransactionError(t, { ...failure })],
  ['promotion view', (s) => s.trackPromotionView({ ...promotion }), (t) => rx.trackPromotionView(t, { ...promotion })],
  [
    'promotion click',
    (s) => s.trackPromotionClick({ id: 'PR1', slot: 'top' }),
    (t) => rx.trackPromotionClick(t, { id: 'PR1', slot: 'top' }),
  ],
];

describe('rxplow/browser ecommerce: differential against @snowplow/browser-plugin-snowplow-ecommerce', function () {
  this.timeout(20_000);

  it('every action gives the same event, the same ecommerce entities and timestamps as Snowplow’s plugin', async () => {
    const endpoint = `${location.origin}/__rxplow/ecommerce-${Math.random().toString(36).slice(2)}`;
    newTracker('sp-ecommerce', endpoint, {
      appId: 'sp',
      eventMethod: 'post',
      bufferSize: 1,
      stateStorageStrategy: 'none',
      plugins: [sp.SnowplowEcommercePlugin()],
    });
    sp.setPageType({ type: 'product', language: 'de', locale: 'de-DE' });
    sp.setEcommerceUser({ id: 'U1', is_guest: false, email: 'u@example.com' });
    const sink = new RecordingSink();
    const tracker = rx.createBrowserTracker({ sinks: [sink], storage: 'none', scheduler: new ManualScheduler() });
    tracker.addGlobalContexts([
      rx.ecommercePage({ type: 'product', language: 'de', locale: 'de-DE' }),
      rx.ecommerceUser({ id: 'U1', is_guest: false, email: 'u@example.com' }),
    ]);
    for (const [, snowplow, rxplow] of CASES) {
      snowplow(sp);
      rxplow(tracker);
    }
    let received: Payload[] = [];
    const deadline = Date.now() + 15_000;
    while (received.length < CASES.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      received = ((await (await fetch(`${endpoint}/__received`)).json()) as { events: Payload[] }[]).flatMap((r) => r.events);
    }
    expect(received, 'Snowplow’s events at the collector').to.have.length(CASES.length);
    const theirs = received.map(essence).sort((a, b) => JSON.stringify(a.event).localeCompare(JSON.stringify(b.event)));
    const ours = sink.payloads.map(essence).sort((a, b) => JSON.stringify(a.event).localeCompare(JSON.stringify(b.event)));
    // Sorted by action (Snowplow's queue may deliver out of order); each pair must be equal field for field.
    CASES.forEach((_, i) => expect(ours[i], `action ${JSON.stringify(theirs[i]!.event)}`).to.deep.equal(theirs[i]));
    expect(new Set(ours.map((o) => (o.event as { data: { type: string } }).data.type)).size).to.equal(CASES.length);
    await tracker.shutdown();
  });
});
