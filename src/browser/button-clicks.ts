// Button clicks (`button_click` 1-0-0), as @snowplow/browser-plugin-button-click-tracking sends them: every click on a
// `<button>` or `<input type="button">` (or inside one), with its label, id, name and classes. An optional module.
import { filter, fromEvent, map } from 'rxjs';
import { selfDescribingEvent } from '../events/structured.js';
import { guarded, isEvent } from './guard.js';
import { accepts } from './link-clicks.js';
import type { BrowserPlugin } from './tracker.js';

const SCHEMA = 'iglu:com.snowplowanalytics.snowplow/button_click/jsonschema/1-0-0';

/** A clickable button: `<button>` or `<input type="button">`. */
export type ButtonElement = HTMLButtonElement | HTMLInputElement;

/** Options of {@link buttonClickTracking} (Snowplow's `enableButtonClickTracking` configuration). */
export interface ButtonClickTrackingOptions {
  /**
   * Which buttons are tracked: a predicate, or Snowplow's `{ allowlist: [classes] }` / `{ denylist: [classes] }`.
   * Default: every button.
   */
  readonly filter?:
    ((button: ButtonElement) => boolean) | { readonly allowlist: readonly string[] } | { readonly denylist: readonly string[] } | undefined;
  /** The label of a button with no `data-sp-button-label` and no text. @default '(empty)' */
  readonly defaultLabel?: string | ((button: ButtonElement) => string) | undefined;
}

/** The option's filter as a predicate (Snowplow's `filterFunctionFromFilter`). */
function predicate(f: ButtonClickTrackingOptions['filter']): ((button: ButtonElement) => boolean) | undefined {
  if (f === undefined || typeof f === 'function') return f;
  const has = (button: ButtonElement, list: readonly string[]) => list.some((name) => button.classList.contains(name));
  return 'allowlist' in f ? (button) => has(button, f.allowlist) : (button) => !has(button, f.denylist);
}

/** The button a click landed on (or inside), if any. */
function buttonOf(event: Event): ButtonElement | undefined {
  let el = (event.composed ? event.composedPath()[0] : event.target) as Element | null;
  for (; el; el = el.parentElement) {
    if (el instanceof HTMLButtonElement || (el instanceof HTMLInputElement && el.type === 'button')) return el;
  }
  return undefined;
}

/** The event's data, as Snowplow's `createEventFromButton`: empty fields left out. */
function buttonData(button: ButtonElement, defaultLabel: ButtonClickTrackingOptions['defaultLabel']): Record<string, unknown> {
  const dataLabel = button.dataset['spButtonLabel'];
  const fallback = typeof defaultLabel === 'function' ? defaultLabel(button) : defaultLabel;
  const label = button.tagName === 'INPUT' ? dataLabel || button.value : dataLabel || button.innerText || fallback || '(empty)';
  const data: Record<string, unknown> = { label };
  if (button.id) data['id'] = button.id;
  if (button.name) data['name'] = button.name;
  if (button.classList.length) data['classes'] = [...button.classList];
  return data;
}

/**
 * Button clicks (`button_click` 1-0-0, Snowplow's button click tracking): one delegated `click` listener on the
 * document (capture phase). The label is `data-sp-button-label`, else the button's text (an input's value), else
 * `defaultLabel`.
 *
 * @example
 * createBrowserTracker({ endpoint, plugins: [buttonClickTracking({ filter: { denylist: ['no-track'] } })] });
 */
export function buttonClickTracking(options: ButtonClickTrackingOptions = {}): BrowserPlugin {
  const wanted = predicate(options.filter);
  return (tracker) =>
    fromEvent(document, 'click', { capture: true })
      .pipe(
        map(
          guarded((event) => {
            const button = buttonOf(event);
            if (!button || !accepts(wanted, button)) return undefined;
            return selfDescribingEvent({ schema: SCHEMA, data: buttonData(button, options.defaultLabel) });
          }),
        ),
        filter(isEvent),
      )
      .subscribe(tracker.input);
}
