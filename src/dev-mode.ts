// Development or production: one switch for the behaviours that differ (invalid events throw or are dropped).

declare const process: { readonly env: Record<string, string | undefined> };

/**
 * Whether rxplow runs in development mode: `globalThis.RXPLOW_DEV_MODE` when it is a boolean, else
 * `process.env.NODE_ENV !== 'production'` (bundlers replace that expression); `false` where there is no `process`
 * (a browser bundle without that replacement), so production is the fallback.
 */
export function isDevMode(): boolean {
  const flag = (globalThis as { RXPLOW_DEV_MODE?: unknown }).RXPLOW_DEV_MODE;
  if (typeof flag === 'boolean') return flag;
  try {
    return process.env.NODE_ENV !== 'production';
  } catch {
    return false;
  }
}
