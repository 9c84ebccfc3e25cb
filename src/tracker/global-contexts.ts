import { diagnostic } from '../diagnostics.js';
import { InvalidEventError, InvalidOptionsError } from '../errors.js';
import type { Payload } from '../payload/payload.js';
import { snapshotEntity, type EntitySnapshot, type SelfDescribing } from '../payload/self-describing-json.js';

/** What a global-context generator is told about the event it is called for. */
export interface GlobalContextEvent {
  /** The event's kind (`pageView`, `structEvent`, …). */
  readonly kind: string;
  /** The payload so far: every wire field but the contexts. */
  readonly payload: Payload;
  /** The Iglu URI of a self-describing event (`e=ue`); `undefined` for the others. */
  readonly schema: string | undefined;
}

/** Computes entities for one event: one, several, or none (`null`/`undefined`/`[]`). */
export type GlobalContextGenerator = (event: GlobalContextEvent) => SelfDescribing | readonly SelfDescribing[] | null | undefined;

/** A global context limited to some events. */
export interface ConditionalGlobalContext {
  /** The entity, entities or generator. */
  readonly context: SelfDescribing | readonly SelfDescribing[] | GlobalContextGenerator;
  /** Only events of these kinds. Default: every kind. */
  readonly kinds?: readonly string[] | undefined;
  /**
   * Only self-describing events whose schema matches one of these: an Iglu URI where `*` stands for any part
   * (`iglu:com.acme/*\/jsonschema/1-*-*`), or a RegExp. Default: every event.
   */
  readonly schemas?: readonly (string | RegExp)[] | undefined;
}

/** An entity added to every event, a generator called per event, or either limited to some events. */
export type GlobalContext = SelfDescribing | GlobalContextGenerator | ConditionalGlobalContext;

/** A global context, checked and normalised once, when it is added. */
export interface GlobalContextRule {
  readonly entry: GlobalContext;
  /** Entities snapshotted when the rule was added (their check), or a generator whose results are checked per event. */
  readonly context: readonly EntitySnapshot[] | GlobalContextGenerator;
  readonly kinds: ReadonlySet<string> | undefined;
  readonly schemas: readonly RegExp[] | undefined;
}

/** Checks a global context as given by a caller. @throws {InvalidOptionsError} naming `option`. */
export function toGlobalContextRule(entry: GlobalContext, option: string): GlobalContextRule {
  try {
    if (typeof entry === 'function') return { entry, context: entry, kinds: undefined, schemas: undefined };
    if (typeof entry !== 'object' || entry === null) throw new InvalidEventError(option, diagnostic(304));
    if (!('context' in entry)) return { entry, context: [checkEntity(entry, option)], kinds: undefined, schemas: undefined };
    const { context, kinds, schemas } = entry;
    return {
      entry,
      context:
        typeof context === 'function'
          ? context
          : Array.isArray(context)
            ? context.map((e, i) => checkEntity(e, `${option}.context[${i}]`))
            : [checkEntity(context as SelfDescribing, `${option}.context`)],
      kinds: kinds === undefined ? undefined : new Set(kinds),
      schemas: schemas === undefined ? undefined : schemas.map((s) => (s instanceof RegExp ? s : schemaPattern(s))),
    };
  } catch (error) {
    if (error instanceof InvalidEventError) throw new InvalidOptionsError(error.field, error.problem);
    throw error;
  }
}

/** A fixed entity is checked, and so snapshotted, once: when it is added. */
const checkEntity = (entity: unknown, field: string): EntitySnapshot => snapshotEntity(entity, field);

function schemaPattern(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[^/]*')}$`);
}

/**
 * The entities the rules give one event, in rule order, each snapshotted (read once) as it is checked. A generator's
 * result is checked like a caller's context (an InvalidEventError names `globalContexts[i]`); what a generator throws
 * propagates, for the caller to report.
 */
export function resolveGlobalContexts(
  rules: readonly GlobalContextRule[],
  kind: string,
  payload: Payload,
  schema: string | undefined,
): EntitySnapshot[] {
  const out: EntitySnapshot[] = [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (rule.kinds !== undefined && !rule.kinds.has(kind)) continue;
    if (rule.schemas !== undefined && (schema === undefined || !rule.schemas.some((pattern) => pattern.test(schema)))) continue;
    if (typeof rule.context !== 'function') {
      out.push(...rule.context);
      continue;
    }
    const made = rule.context({ kind, payload, schema });
    if (made === null || made === undefined) continue;
    const list = Array.isArray(made) ? (made as readonly SelfDescribing[]) : [made as SelfDescribing];
    for (let j = 0; j < list.length; j++) out.push(snapshotEntity(list[j], `globalContexts[${i}]${Array.isArray(made) ? `[${j}]` : ''}`));
  }
  return out;
}
