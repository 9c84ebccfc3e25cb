import type { TrackerEvent } from '../events/registry.js';
import { checkFields } from '../payload/checks.js';
import type { EntitySnapshot, SelfDescribing } from '../payload/self-describing-json.js';
import { TRACK_OPTION_CHECKS, type TrackOptions } from './options.js';
import type { SubjectFields } from './subject-fields.js';

/** What a per-request view adds to its own events (see `tracker.with`). */
export interface TrackerScope {
  /** Subject fields merged over the tracker's (and under a call's own `subject`). */
  readonly subject?: SubjectFields | undefined;
  /** Entities added to each event of the view, after the call's own `context`. */
  readonly context?: readonly SelfDescribing[] | undefined;
}

/** A per-request view of a tracker: tracks through the same sinks, adding its scope to its own events only. */
export interface TrackerView {
  /** Tracks an event with the view's subject and context. @throws {InvalidEventError} as `tracker.track` does. */
  track(event: TrackerEvent, options?: TrackOptions): this;
  /** A narrower view: this view's scope with `scope` merged over it. */
  with(scope: TrackerScope): TrackerView;
}

/** A scope, checked (its entities snapshotted) once. */
export interface ResolvedScope {
  readonly subject: SubjectFields | undefined;
  readonly context: readonly EntitySnapshot[];
}

export const NO_SCOPE: ResolvedScope = { subject: undefined, context: [] };
const SCOPE_CHECKS = { subject: TRACK_OPTION_CHECKS.subject, context: TRACK_OPTION_CHECKS.context };

export function resolveScope(base: ResolvedScope, scope: TrackerScope): ResolvedScope {
  const checked = checkFields(SCOPE_CHECKS, scope);
  return {
    subject: checked.subject === undefined ? base.subject : { ...base.subject, ...checked.subject },
    context: checked.context === undefined ? base.context : [...base.context, ...(checked.context as readonly EntitySnapshot[])],
  };
}
