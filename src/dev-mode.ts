// rxplow's development/production switch, in one place: every development-only behaviour asks isDevelopment().

/** Angular's development-mode global: an object (or `true`) in development builds, `false` in production builds. */
declare const ngDevMode: unknown;
/** Node's (or a bundler's) `process`: declared here so that this module typechecks without Node's types, for browsers. */
declare const process: { readonly env: { readonly [name: string]: string | undefined } };

/**
 * Whether rxplow runs in development mode, where it does development-only work (today: the runtime checks of the
 * constructors `rxplow generate` writes, see docs/typed-events.md). Read on every call, never cached; never throws.
 *
 * In order, the first that answers decides:
 * 1. `globalThis.RXPLOW_DEV`, when it is a boolean (set it in a test set-up or a browser console to force either mode);
 * 2. Angular's `ngDevMode` when it is `false` (Angular's production builds write it in): production;
 * 3. `process.env.NODE_ENV`: development unless it is `'production'` (bundlers replace this expression at build time:
 *    webpack, Vite and esbuild, which Angular's builder uses, write `"production"` into optimised builds);
 * 4. where there is no `process` (a browser without a bundler's define): Angular's `ngDevMode` global, when defined;
 * 5. otherwise production.
 */
export function isDevelopment(): boolean {
  const forced = (globalThis as { RXPLOW_DEV?: unknown }).RXPLOW_DEV;
  if (typeof forced === 'boolean') return forced;
  if (typeof ngDevMode !== 'undefined' && ngDevMode === false) return false;
  try {
    // Written out in full so that bundlers can replace it.
    return process.env.NODE_ENV !== 'production';
  } catch {
    try {
      return typeof ngDevMode !== 'undefined' && !!ngDevMode;
    } catch {
      return false;
    }
  }
}
