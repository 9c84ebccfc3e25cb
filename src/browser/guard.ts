// What keeps an optional module alive on a hostile page: DOM reads through the prototypes (a form's own properties
// can be clobbered by its fields: `<input name="id">` makes `form.id` an element), and event builders whose throw
// becomes a `dropped` outcome instead of an error that would end the module's listener for good.
import type { TrackerEvent } from '../events/registry.js';

/**
 * An event the tracker cannot read: `tracker.input` turns it into a `dropped` outcome (reason `invalid`) whose error
 * says what `error` said.
 */
function unreadable(error: unknown): TrackerEvent {
  return {
    get kind(): never {
      throw error;
    },
  } as unknown as TrackerEvent;
}

/** `build` made total: a throw gives an event that is dropped (with the error), `undefined` means "nothing to track". */
export function guarded<T>(build: (value: T) => TrackerEvent | undefined): (value: T) => TrackerEvent | undefined {
  return (value) => {
    try {
      return build(value);
    } catch (error) {
      return unreadable(error);
    }
  };
}

/** `true` for a value (a `guarded` result) that is an event to track. */
export const isEvent = (event: TrackerEvent | undefined): event is TrackerEvent => event !== undefined;

const getter = <T>(proto: object, name: string): ((target: object) => T) => {
  const get = Object.getOwnPropertyDescriptor(proto, name)!.get!;
  return (target) => get.call(target) as T;
};

/** A form's attribute, read through `Element.prototype` (never `form.getAttribute`, which a field can replace). */
export const attributeOf = (element: Element, name: string): string | null => Element.prototype.getAttribute.call(element, name);

/** A form's fields, read through `HTMLFormElement.prototype` (never `form.elements`). */
export const formFields = (form: HTMLFormElement): Element[] => [
  ...getter<HTMLFormControlsCollection>(HTMLFormElement.prototype, 'elements')(form),
];

/** An element's classes, read through `Element.prototype` (never `form.classList`). */
export const classesOf = (element: Element): string[] => [...getter<DOMTokenList>(Element.prototype, 'classList')(element)];

/** An error's property, or `undefined` when reading it throws (a hostile getter, a revoked Proxy). */
export function property(value: unknown, name: string): unknown {
  try {
    return (value as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}
