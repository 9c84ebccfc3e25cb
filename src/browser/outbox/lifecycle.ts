// The page's lifecycle as the outbox sees it: hidden or leaving (drain), shown again (resume, retry now), back
// online (retry now), and another tab's outbox written (adoption). Listeners only; the decisions are the sink's.
import { filter, fromEvent, Subscription } from 'rxjs';
import type { OutboxWindow } from './options.js';

/** What the outbox does at each moment of the page's life. None may throw. */
export interface PageHandlers {
  /** `pagehide` (`leaving`: not kept in the back/forward cache) or `visibilitychange → hidden` (`leaving` false). */
  hidden(leaving: boolean): void;
  /** `pageshow`, or `visibilitychange → visible`. */
  shown(): void;
  /** The browser is `online` again. */
  online(): void;
  /** Another document wrote the key `key` of this outbox (a `storage` event). */
  written(key: string, value: string): void;
}

/** Listens to the page for the outbox; unsubscribing removes every listener. No window (a server): none. */
export function watchPage(win: OutboxWindow | undefined, prefix: string, handlers: PageHandlers): Subscription {
  const subscriptions = new Subscription();
  if (!win) return subscriptions;
  const doc = win.document;
  subscriptions.add(fromEvent<PageTransitionEvent>(win, 'pagehide').subscribe((event) => handlers.hidden(!event.persisted)));
  subscriptions.add(fromEvent(win, 'pageshow').subscribe(() => handlers.shown()));
  subscriptions.add(fromEvent(win, 'online').subscribe(() => handlers.online()));
  if (doc) {
    subscriptions.add(
      fromEvent(doc, 'visibilitychange').subscribe(() => {
        if (doc.visibilityState === 'hidden') handlers.hidden(false);
        else handlers.shown();
      }),
    );
  }
  subscriptions.add(
    fromEvent<StorageEvent>(win, 'storage')
      .pipe(filter((event) => event.newValue !== null && typeof event.key === 'string' && event.key.startsWith(prefix)))
      .subscribe((event) => handlers.written(event.key!, event.newValue!)),
  );
  return subscriptions;
}
