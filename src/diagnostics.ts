// rxplow's diagnostics: a short code (`RXP0101`) for every mistake it reports, with the full text in development only.
// The text table is loaded behind two conditions that production builds replace at build time, so that minifiers
// drop it with every string in it (docs/errors.md, "Development and production").
import { developmentMessage, type DIAGNOSTIC_TEXTS, type DiagnosticCode } from './diagnostic-texts.js';
import { isDevelopment } from './dev-mode.js';

export type { DiagnosticCode } from './diagnostic-texts.js';

/** Angular's development-mode global: `false` in Angular's production builds (its CLI defines it). */
declare const ngDevMode: unknown;
/** Node's (or a bundler's) `process`: declared here so that this module typechecks without Node's types. */
declare const process: { readonly env: { readonly [name: string]: string | undefined } };

let development: typeof developmentMessage | undefined;
try {
  // Written out in full, one condition per `if`, so that each bundler folds the one it defines without configuration:
  // Angular's CLI defines `ngDevMode` as false; esbuild (minifying for the browser), webpack (mode production) and
  // Vite (build) replace `process.env.NODE_ENV` with "production". Where there is no `process` at all (a browser
  // without a bundler), the access throws: codes only, as in production.
  if (typeof ngDevMode === 'undefined' || ngDevMode) if (process.env.NODE_ENV !== 'production') development = developmentMessage;
} catch {
  // no `process`: production
}

/**
 * The text of a diagnostic: in development `<text> (RXP0101, see docs/errors.md#rxp0101)`, in production (and
 * whenever {@link isDevelopment} says so) just `RXP0101`. `details` are the dynamic parts of the development text;
 * production ignores them. Never throws (a detail whose description throws gives the code alone).
 */
export function diagnostic<C extends DiagnosticCode>(code: C, ...details: Parameters<(typeof DIAGNOSTIC_TEXTS)[C]>): string {
  try {
    if (development !== undefined && isDevelopment()) return development(code, details);
  } catch {
    // a hostile detail: the code alone
  }
  return `RXP0${code}`;
}
