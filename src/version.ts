/** The package version, sent as `tv = rxplow-<version>`. A spec checks it against package.json. */
export const VERSION = '0.1.0';

/** The tracker-version string (`tv`) every event carries. */
export const TRACKER_VERSION = `rxplow-${VERSION}`;
