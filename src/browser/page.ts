// Reads of the page and device. Nothing here runs at import: every browser global is read inside a function, so
// importing rxplow/browser on a server touches none (spec/node/browser-ssr.spec.ts).
import type { SubjectFields } from '../tracker/subject-fields.js';

/** `true` in a browser page (a `window` and a `document`); `false` on a server, in a worker, in Node. */
export const inBrowser = (): boolean => typeof window === 'object' && typeof document === 'object' && window !== null && document !== null;

/** The device's fields, read once: platform `web`, `res`, `cd`, `tz` (IANA name) and `lang`. */
export function deviceSubject(): SubjectFields {
  const fields: { -readonly [K in keyof SubjectFields]: SubjectFields[K] } = { platform: 'web' };
  const screen = window.screen as Screen | undefined;
  if (screen) {
    fields.screenResolution = `${Math.round(screen.width)}x${Math.round(screen.height)}`;
    if (Number.isInteger(screen.colorDepth) && screen.colorDepth >= 0) fields.colorDepth = screen.colorDepth;
  }
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) fields.timezone = zone;
  } catch {
    // No Intl time zone data.
  }
  const language = (navigator as Navigator | undefined)?.language;
  if (language) fields.language = language;
  return fields;
}

/** The viewport as `<width>x<height>` (`vp`), read per event. */
export const viewport = (): string => `${Math.max(0, Math.round(window.innerWidth))}x${Math.max(0, Math.round(window.innerHeight))}`;

/** The page's scroll offsets `[x, y]`, rounded to integers. */
export function scrollOffsets(): [number, number] {
  const root = document.documentElement;
  return [Math.round(root.scrollLeft || window.scrollX || 0), Math.round(root.scrollTop || window.scrollY || 0)];
}

/** `true` while the page is hidden (another tab, minimised, being unloaded). */
export const pageHidden = (): boolean => document.visibilityState === 'hidden';
