import { filter, fromEvent, map, merge } from 'rxjs';
import {
  formFocusOrChange,
  formSubmission,
  FORM_INPUT_TYPES,
  type FormElement,
  type FormInputType,
  type FormNodeName,
} from '../events/forms.js';
import { attributeOf, classesOf, formFields, guarded, isEvent } from './guard.js';
import { accepts } from './link-clicks.js';
import type { BrowserPlugin } from './tracker.js';

/** A form field the form schemas describe: `<input>`, `<textarea>` or `<select>`. */
export type FieldElement = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** Options of {@link formTracking}. */
export interface FormTrackingOptions {
  /** Which events: `focus_form`, `change_form`, `submit_form`. @default all three */
  readonly events?: readonly ('focus_form' | 'change_form' | 'submit_form')[] | undefined;
  /** Which fields are tracked (on focus and change; a submission lists the fields it accepts). Default: every field but passwords' values. */
  readonly fields?: ((element: FieldElement) => boolean) | undefined;
  /** Which forms are tracked. Default: every form (and fields outside any form). */
  readonly forms?: ((form: HTMLFormElement) => boolean) | undefined;
  /** Rewrites a value before it is sent (mask, hash, drop with `null`). Password values are never sent. Default: as typed. */
  readonly transform?: ((value: string | null, element: FieldElement) => string | null) | undefined;
}

const NODE_NAMES: readonly string[] = ['INPUT', 'TEXTAREA', 'SELECT'];
const isField = (target: unknown): target is FieldElement => target instanceof Element && NODE_NAMES.includes(target.nodeName);

/**
 * Form tracking (`formFocusOrChange` and `formSubmission`: `focus_form`, `change_form`, `submit_form` 1-0-0) with
 * three delegated listeners on the document (`focusin`, `change`, `submit`; capture phase). Password values are
 * never sent; a checkbox or radio button's value only when checked.
 *
 * @example
 * createBrowserTracker({ endpoint, plugins: [formTracking({ transform: (value, el) => (el.name === 'email' ? null : value) })] });
 */
export function formTracking(options: FormTrackingOptions = {}): BrowserPlugin {
  const wanted = new Set(options.events ?? ['focus_form', 'change_form', 'submit_form']);
  const fieldOk = (el: FieldElement): boolean => (el.form === null || accepts(options.forms, el.form)) && accepts(options.fields, el);
  const valueOf = (el: FieldElement): string | null => {
    const type = typeOf(el);
    const raw = type === 'password' || ((type === 'checkbox' || type === 'radio') && !(el as HTMLInputElement).checked) ? null : el.value;
    if (type === 'password' || options.transform === undefined) return raw;
    try {
      return options.transform(raw, el);
    } catch {
      return null;
    }
  };
  const listen = (name: 'focusin' | 'change', schema: 'focus_form' | 'change_form') =>
    fromEvent(document, name, { capture: true }).pipe(
      map(
        guarded((event) => {
          const el = event.target;
          if (!wanted.has(schema) || !isField(el) || !fieldOk(el)) return undefined;
          return formFocusOrChange({
            schema,
            formId: formIdOf(el.form),
            elementId: el.id || el.name || '',
            nodeName: el.nodeName as FormNodeName,
            type: typeOf(el),
            elementClasses: classesOf(el),
            value: valueOf(el),
          });
        }),
      ),
      filter(isEvent),
    );
  // Built when the tracker starts the module (in a browser), never when the module is configured (maybe on a server).
  // The form is read through the prototypes' methods: its fields can shadow its own properties (DOM clobbering).
  const submits = () =>
    fromEvent(document, 'submit', { capture: true }).pipe(
      map(
        guarded((event) => {
          const form = event.target;
          if (!wanted.has('submit_form') || !(form instanceof HTMLFormElement) || !accepts(options.forms, form)) return undefined;
          return formSubmission({
            formId: formIdOf(form),
            formClasses: classesOf(form),
            elements: formFields(form)
              .filter((el): el is FieldElement => isField(el) && (el.name !== '' || el.id !== '') && accepts(options.fields, el))
              .map((el): FormElement => ({
                name: el.name || el.id,
                value: valueOf(el),
                nodeName: el.nodeName as FormNodeName,
                type: typeOf(el),
              })),
          });
        }),
      ),
      filter(isEvent),
    );
  return (tracker) => merge(listen('focusin', 'focus_form'), listen('change', 'change_form'), submits()).subscribe(tracker.input);
}

/** A form's `id`, else its `name` attribute, else `''` (and `''` for fields outside a form); never the form's own properties. */
function formIdOf(form: HTMLFormElement | null): string {
  return form === null ? '' : attributeOf(form, 'id') || attributeOf(form, 'name') || '';
}

/** An input's type when the schemas know it, else `null` (and `null` for textarea and select). */
function typeOf(el: FieldElement): FormInputType | null {
  if (el.nodeName !== 'INPUT') return null;
  const type = (el as HTMLInputElement).type.toLowerCase() as FormInputType;
  return FORM_INPUT_TYPES.includes(type) ? type : null;
}
