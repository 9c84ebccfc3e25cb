// rxplow/angular: the Angular integration (Angular 21, zoneless or zone.js, SSR). See docs/angular.md.
// Importing it touches no browser global; it builds on rxplow/browser's createBrowserTracker.
export { provideTracker, injectTracker, TRACKER } from './provide.js';
export type { TrackerConfig, ServerTracking, TrackerFeature, TrackerFeatureKind } from './provide.js';
export { withRouterPageViews } from './router.js';
export type { RouterPageViewOptions, TrackedNavigation, NavigationChange } from './router.js';
export { withErrorTracking } from './errors.js';
export type { AngularErrorTrackingOptions } from './errors.js';
export { outsideAngularScheduler, enterZone } from './zone.js';
export type { BrowserTracker, BrowserTrackerOptions } from '../browser/tracker.js';
