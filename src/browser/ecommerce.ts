// Snowplow ecommerce (the `snowplow_ecommerce_action` event with product, cart, checkout, transaction, promotion,
// refund and error entities), as @snowplow/browser-plugin-snowplow-ecommerce 4.x sends it: same schemas, same data.
// An optional module: only the functions an app imports end up in its bundle.
import { selfDescribingEvent } from '../events/structured.js';
import type { SelfDescribing } from '../payload/self-describing-json.js';
import type { TrackerEvent } from '../events/registry.js';
import type { TrackOptions } from '../tracker/options.js';

const VENDOR = 'iglu:com.snowplowanalytics.snowplow.ecommerce';
const ACTION = `${VENDOR}/snowplow_ecommerce_action/jsonschema/1-0-2`;
const schema = (name: string): string => `${VENDOR}/${name}/jsonschema/1-0-0`;

/** What the ecommerce functions track through: `createBrowserTracker`'s tracker, `createTracker`'s, a view. */
export interface EcommerceTracker {
  /** Tracks one event with its options, as `tracker.track` does (throws `InvalidEventError` for an invalid one). */
  track(event: TrackerEvent, options?: TrackOptions): unknown;
}

/** A JSON value an ecommerce entity may carry. */
export type EcommerceValue = string | number | boolean | null | undefined | readonly string[];

/** A product (`product` 1-0-0): `id`, `category`, `price` and `currency` are required by the schema. */
export interface EcommerceProduct {
  readonly id: string;
  readonly category: string;
  readonly price: number;
  readonly currency: string;
  readonly [field: string]: EcommerceValue;
}

/** What every ecommerce call takes besides its data: more entities and a device timestamp, as Snowplow's `context` and `timestamp`. */
export interface EcommerceCallOptions {
  /** Entities added before the ecommerce ones. Default: none. */
  readonly context?: readonly SelfDescribing[] | undefined;
  /** The event's device timestamp (`dtm`, ms), as Snowplow's plain-number `timestamp`. Default: the tracker's clock. */
  readonly timestamp?: number | undefined;
}

/** A cart change: the products added or removed, the cart's `total_value` and `currency` after it (`cart` 1-0-0). */
export interface EcommerceCart extends EcommerceCallOptions {
  readonly products: readonly EcommerceProduct[];
  readonly total_value: number;
  readonly currency: string;
  readonly cart_id?: string | undefined;
}

/** A completed transaction (`transaction` 1-0-0) and its products; `total_quantity` defaults to the sum of their quantities. */
export interface EcommerceTransaction extends EcommerceCallOptions {
  readonly transaction_id: string;
  readonly revenue: number;
  readonly currency: string;
  readonly payment_method: string;
  readonly products?: readonly EcommerceProduct[] | undefined;
  readonly [field: string]: unknown;
}

/** Any other entity's fields (checkout step, promotion, refund, transaction error, page, user): the schema's field names. */
export interface EcommerceFields extends EcommerceCallOptions {
  readonly [field: string]: unknown;
}

/** A product list: its `name` and the products seen or the one clicked. */
export interface EcommerceList extends EcommerceCallOptions {
  readonly name: string;
}

/** A copy without `undefined` and `null` fields (Snowplow's `removeEmptyProperties`, applied to the action's data). */
function present(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in data) if (data[key] !== undefined && data[key] !== null) out[key] = data[key];
  return out;
}

/** The fields of `call` without `context` and `timestamp` (and `omit`), with `undefined` ones left out. */
function fieldsOf(call: object, ...omit: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(call))
    if (!['context', 'timestamp', ...omit].includes(key) && value !== undefined) out[key] = value;
  return out;
}

const entity = (name: string, data: object): SelfDescribing => ({ schema: schema(name), data: fieldsOf(data) });

function track(
  tracker: EcommerceTracker,
  action: Record<string, unknown>,
  entities: readonly SelfDescribing[],
  call: EcommerceCallOptions,
  options?: TrackOptions,
): void {
  tracker.track(selfDescribingEvent({ schema: ACTION, data: present(action) }), {
    ...options,
    context: [...(options?.context ?? []), ...(call.context ?? []), ...entities],
    ...(call.timestamp === undefined ? {} : { deviceTimestamp: call.timestamp }),
  });
}

const products = (list: readonly EcommerceProduct[] | undefined): SelfDescribing[] => (list ?? []).map((p) => entity('product', p));

/**
 * Snowplow ecommerce for an rxplow tracker: the `track*` functions of @snowplow/browser-plugin-snowplow-ecommerce with
 * the tracker as the first argument, sending the same event and entities. Each throws `InvalidEventError` as
 * `tracker.track` does.
 *
 * @example
 * trackProductView(tracker, { id: 'P1', category: 'shoes', price: 49.9, currency: 'EUR' });
 * trackAddToCart(tracker, { products: [product], total_value: 49.9, currency: 'EUR' });
 */
export function trackProductView(
  tracker: EcommerceTracker,
  product: EcommerceProduct & EcommerceCallOptions,
  options?: TrackOptions,
): void {
  track(tracker, { type: 'product_view' }, [entity('product', fieldsOf(product))], product, options);
}

/** Snowplow's `trackProductListView`: a list and the products in it. */
export function trackProductListView(
  tracker: EcommerceTracker,
  list: EcommerceList & { readonly products?: readonly EcommerceProduct[] | undefined },
  options?: TrackOptions,
): void {
  track(tracker, { type: 'list_view', name: list.name }, products(list.products), list, options);
}

/** Snowplow's `trackProductListClick`: a list and the product clicked in it. */
export function trackProductListClick(
  tracker: EcommerceTracker,
  click: EcommerceList & { readonly product: EcommerceProduct },
  options?: TrackOptions,
): void {
  track(tracker, { type: 'list_click', name: click.name }, [entity('product', click.product)], click, options);
}

/** A cart action: the products, then the cart. */
const cartAction =
  (type: string) =>
  (tracker: EcommerceTracker, cart: EcommerceCart, options?: TrackOptions): void =>
    track(tracker, { type }, [...products(cart.products), entity('cart', fieldsOf(cart, 'products'))], cart, options);

/** Snowplow's `trackAddToCart`. */
export const trackAddToCart: (tracker: EcommerceTracker, cart: EcommerceCart, options?: TrackOptions) => void =
  /* @__PURE__ */ cartAction('add_to_cart');

/** Snowplow's `trackRemoveFromCart`. */
export const trackRemoveFromCart: (tracker: EcommerceTracker, cart: EcommerceCart, options?: TrackOptions) => void =
  /* @__PURE__ */ cartAction('remove_from_cart');

/** Snowplow's `trackCheckoutStep` (`checkout_step` 1-0-0: `step` and what the visitor filled in). */
export function trackCheckoutStep(
  tracker: EcommerceTracker,
  step: EcommerceFields & { readonly step: number },
  options?: TrackOptions,
): void {
  track(tracker, { type: 'checkout_step' }, [entity('checkout_step', fieldsOf(step))], step, options);
}

/** Snowplow's `trackTransaction`. */
export function trackTransaction(tracker: EcommerceTracker, transaction: EcommerceTransaction, options?: TrackOptions): void {
  const list = transaction.products ?? [];
  const quantity = list.reduce((sum, p) => sum + (typeof p['quantity'] === 'number' && p['quantity'] ? p['quantity'] : 0), 0);
  const data = { total_quantity: quantity || undefined, ...fieldsOf(transaction, 'products') };
  track(tracker, { type: 'transaction' }, [...products(list), entity('transaction', data)], transaction, options);
}

/** Snowplow's `trackRefund` (`refund` 1-0-0: `transaction_id`, `currency`, `refund_amount`, …) and the products refunded. */
export function trackRefund(
  tracker: EcommerceTracker,
  refund: EcommerceFields & { readonly products?: readonly EcommerceProduct[] | undefined },
  options?: TrackOptions,
): void {
  track(tracker, { type: 'refund' }, [...products(refund.products), entity('refund', fieldsOf(refund, 'products'))], refund, options);
}

/** Snowplow's `trackTransactionError` (`transaction_error` 1-0-0) for the transaction that failed. */
export function trackTransactionError(
  tracker: EcommerceTracker,
  error: EcommerceFields & { readonly transaction: EcommerceTransaction },
  options?: TrackOptions,
): void {
  const entities = [entity('transaction', error.transaction), entity('transaction_error', fieldsOf(error, 'transaction'))];
  track(tracker, { type: 'trns_error' }, entities, error, options);
}

/** A promotion, seen or clicked (`promotion` 1-0-0: `id` and the schema's other fields). */
export type EcommercePromotion = EcommerceFields & { readonly id: string };

/** A promotion action: the promotion entity. */
const promotionAction =
  (type: string) =>
  (tracker: EcommerceTracker, promotion: EcommercePromotion, options?: TrackOptions): void =>
    track(tracker, { type }, [entity('promotion', fieldsOf(promotion))], promotion, options);

/** Snowplow's `trackPromotionView`. */
export const trackPromotionView: (tracker: EcommerceTracker, promotion: EcommercePromotion, options?: TrackOptions) => void =
  /* @__PURE__ */ promotionAction('promo_view');

/** Snowplow's `trackPromotionClick`. */
export const trackPromotionClick: (tracker: EcommerceTracker, promotion: EcommercePromotion, options?: TrackOptions) => void =
  /* @__PURE__ */ promotionAction('promo_click');

/**
 * The entities Snowplow's `setPageType` and `setEcommerceUser` put on every later event: add the result with
 * `tracker.addGlobalContexts([...])` (and remove it with `removeGlobalContexts`).
 */
export function ecommercePage(page: {
  readonly type: string;
  readonly language?: string | undefined;
  readonly locale?: string | undefined;
}): SelfDescribing {
  return entity('page', { type: page.type, language: page.language, locale: page.locale });
}

/** See {@link ecommercePage}: the `user` 1-0-0 entity of Snowplow's `setEcommerceUser`. */
export function ecommerceUser(user: {
  readonly id: string;
  readonly is_guest?: boolean | undefined;
  readonly email?: string | undefined;
}): SelfDescribing {
  return entity('user', { id: user.id, is_guest: user.is_guest, email: user.email });
}
