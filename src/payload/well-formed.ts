/**
 * Well-formed Unicode for the wire. A JS string may hold lone UTF-16 surrogates (text cut with `.slice()` through
 * an emoji); they have no UTF-8 form, `encodeURIComponent` throws on them and JSON.stringify escapes them as
 * `\udXXX`. rxplow replaces each one with U+FFFD once, when the payload is built, as TextEncoder does, so a GET and
 * a POST carry the same text.
 */

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;

/** True when `text` holds no lone surrogate. */
export const isWellFormed: (text: string) => boolean = nativeIsWellFormed
  ? (text) => nativeIsWellFormed.call(text)
  : (text) => !new RegExp(LONE_SURROGATE.source).test(text);

/** `text` with every lone surrogate replaced by U+FFFD; the same string when there is none (no allocation). */
export function toWellFormed(text: string): string {
  return isWellFormed(text) ? text : text.replace(LONE_SURROGATE, '\ufffd');
}

/**
 * A `\udXXX` escape JSON.stringify wrote for a lone surrogate, preceded by an even number of backslashes (so the
 * backslash is not itself escaped). JSON.stringify writes well-formed pairs as they are, so every such escape is lone.
 */
const ESCAPED_SURROGATE = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

/** JSON text from JSON.stringify with each escaped lone surrogate replaced by U+FFFD. */
export function wellFormedJson(json: string): string {
  return json.includes('\\ud') ? json.replace(ESCAPED_SURROGATE, '$1\ufffd') : json;
}
