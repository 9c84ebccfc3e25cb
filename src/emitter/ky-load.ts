// Where ky is imported: on demand (`import()`), so that bundlers put it in a chunk of its own, off the page's first
// load. The transport (ky-transport.ts) loads it when it is created; the browser tracker asks for it as soon as the
// tracker is created, so the ky chunk loads in parallel with the outbox's (src/browser/deferred-sink.ts).

/** Loads ky's module (the browser caches it: a second call costs nothing once it has arrived). */
export const importKy = (): Promise<typeof import('ky')> => import('ky');
