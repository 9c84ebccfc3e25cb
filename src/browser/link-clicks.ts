import { filter, fromEvent, map, merge } from 'rxjs';
import { linkClick } from '../events/web.js';
import { guarded, isEvent } from './guard.js';
import type { BrowserPlugin } from './tracker.js';

/** Options of {@link linkClickTracking}. */
export interface LinkClickTrackingOptions {
  /** Which links are tracked. Default: every `<a href>` and `<area href>`. */
  readonly filter?: ((link: HTMLAnchorElement | HTMLAreaElement) => boolean) | undefined;
  /** Send the link's text (`elementContent`, cut to 1000 characters). @default false */
  readonly trackContent?: boolean | undefined;
}

/**
 * Link clicks (`linkClick`, `link_click` 1-0-1): one delegated listener on the document (capture phase, so links
 * added later and clicks whose propagation is stopped count too). Left and middle clicks (`click`, `auxclick`).
 *
 * @example
 * createBrowserTracker({ endpoint, plugins: [linkClickTracking({ trackContent: true })] });
 */
export function linkClickTracking(options: LinkClickTrackingOptions = {}): BrowserPlugin {
  return (tracker) =>
    merge(fromEvent<MouseEvent>(document, 'click', { capture: true }), fromEvent<MouseEvent>(document, 'auxclick', { capture: true }))
      .pipe(
        map(
          guarded((event) => {
            if (event.button > 1) return undefined;
            const target = event.target as Partial<Element> | null;
            const link = target?.closest?.('a[href],area[href]') as HTMLAnchorElement | HTMLAreaElement | null | undefined;
            if (!link || typeof link.href !== 'string' || link.href === '' || !accepts(options.filter, link)) return undefined;
            return linkClick({
              targetUrl: link.href,
              elementId: link.id || undefined,
              elementClasses: link.classList.length > 0 ? [...link.classList] : undefined,
              elementTarget: link.target || undefined,
              elementContent: options.trackContent ? (link.textContent ?? '').trim().slice(0, 1000) || undefined : undefined,
            });
          }),
        ),
        filter(isEvent),
      )
      .subscribe(tracker.input);
}

/** A caller's filter, where a throw means "no" (a bad filter must not break the listener). */
export function accepts<T>(predicate: ((value: T) => boolean) | undefined, value: T): boolean {
  try {
    return predicate === undefined || predicate(value) !== false;
  } catch {
    return false;
  }
}
