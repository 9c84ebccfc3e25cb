import * as c from '../payload/checks.js';
import { ADD_TO_CART_SCHEMA, REMOVE_FROM_CART_SCHEMA } from '../payload/schemas.js';
import { defineEvent, eventConstructor, selfDescribingWire, type WireEvent } from './definition.js';

/** One item of an ecommerce transaction, sent as its own `e=ti` event. */
export interface TransactionItem {
  /** The item's SKU (`ti_sk`). Required. */
  readonly sku: string;
  /** The unit price (`ti_pr`). Required. */
  readonly price: number;
  /** The quantity (`ti_qu`), an integer. */
  readonly quantity?: number | undefined;
  /** The item's name (`ti_nm`). */
  readonly name?: string | undefined;
  /** The item's category (`ti_ca`). */
  readonly category?: string | undefined;
}

/** A legacy ecommerce transaction: one `e=tr` event plus one `e=ti` event per item, sharing order id, currency and timestamps. */
export interface EcommerceTransactionFields {
  /** The order id (`tr_id`, and `ti_id` on every item). Required. */
  readonly orderId: string;
  /** The order total (`tr_tt`). Required. */
  readonly total: number;
  /** The affiliation / store (`tr_af`). */
  readonly affiliation?: string | undefined;
  /** Tax (`tr_tx`). */
  readonly tax?: number | undefined;
  /** Shipping (`tr_sh`). */
  readonly shipping?: number | undefined;
  /** City (`tr_ci`). */
  readonly city?: string | undefined;
  /** State (`tr_st`). */
  readonly state?: string | undefined;
  /** Country (`tr_co`). */
  readonly country?: string | undefined;
  /** ISO 4217 currency (`tr_cu`, and `ti_cu` on every item). */
  readonly currency?: string | undefined;
  /** The items; each becomes one `e=ti` event. */
  readonly items?: readonly TransactionItem[] | undefined;
}

/** An item added to or removed from a cart (`add_to_cart` / `remove_from_cart` 1-0-0). */
export interface CartFields {
  /** The item's SKU. Required. */
  readonly sku: string;
  /** The quantity added or removed. Required. */
  readonly quantity: number;
  /** The item's name. */
  readonly name?: string | undefined;
  /** The item's category. */
  readonly category?: string | undefined;
  /** The unit price. */
  readonly unitPrice?: number | undefined;
  /** ISO 4217 currency. */
  readonly currency?: string | undefined;
}

const optionalString = /* @__PURE__ */ c.optional(c.string);
const optionalNumber = /* @__PURE__ */ c.optional(c.finiteNumber);

export const ECOMMERCE_TRANSACTION = /* @__PURE__ */ defineEvent<EcommerceTransactionFields, 'ecommerceTransaction'>({
  kind: 'ecommerceTransaction',
  checks: {
    orderId: c.nonEmptyString,
    total: c.finiteNumber,
    affiliation: optionalString,
    tax: optionalNumber,
    shipping: optionalNumber,
    city: optionalString,
    state: optionalString,
    country: optionalString,
    currency: optionalString,
    items: /* @__PURE__ */ c.optional(
      /* @__PURE__ */ c.arrayOf(
        /* @__PURE__ */ c.objectOf<TransactionItem>({
          sku: c.nonEmptyString,
          price: c.finiteNumber,
          quantity: /* @__PURE__ */ c.optional(c.integer),
          name: optionalString,
          category: optionalString,
        }),
      ),
    ),
  },
  toWire: (f) => {
    const transaction: WireEvent = {
      e: 'tr',
      fields: {
        tr_id: f.orderId,
        tr_tt: f.total,
        tr_af: f.affiliation,
        tr_tx: f.tax,
        tr_sh: f.shipping,
        tr_ci: f.city,
        tr_st: f.state,
        tr_co: f.country,
        tr_cu: f.currency,
      },
    };
    const items = (f.items ?? []).map((item): WireEvent => ({
      e: 'ti',
      fields: {
        ti_id: f.orderId,
        ti_sk: item.sku,
        ti_nm: item.name,
        ti_ca: item.category,
        ti_pr: item.price,
        ti_qu: item.quantity,
        ti_cu: f.currency,
      },
    }));
    return [transaction, ...items];
  },
});

/** Builds an ecommerce transaction (with its items) as plain data. */
export const ecommerceTransaction = /* @__PURE__ */ eventConstructor(ECOMMERCE_TRANSACTION);

const CART_CHECKS = {
  sku: c.nonEmptyString,
  quantity: c.finiteNumber,
  name: optionalString,
  category: optionalString,
  unitPrice: optionalNumber,
  currency: optionalString,
};

export const ADD_TO_CART = /* @__PURE__ */ defineEvent<CartFields, 'addToCart'>({
  kind: 'addToCart',
  checks: CART_CHECKS,
  toWire: (f) => selfDescribingWire(ADD_TO_CART_SCHEMA, f),
});

/** Builds an add-to-cart event as plain data. */
export const addToCart = /* @__PURE__ */ eventConstructor(ADD_TO_CART);

export const REMOVE_FROM_CART = /* @__PURE__ */ defineEvent<CartFields, 'removeFromCart'>({
  kind: 'removeFromCart',
  checks: CART_CHECKS,
  toWire: (f) => selfDescribingWire(REMOVE_FROM_CART_SCHEMA, f),
});

/** Builds a remove-from-cart event as plain data. */
export const removeFromCart = /* @__PURE__ */ eventConstructor(REMOVE_FROM_CART);
