// The form events (`focus_form`, `change_form`, `submit_form` 1-0-0): their fields, the element names and input types
// the schemas allow, and their definitions. The browser's form tracking (browser/forms.ts) builds them.
import * as c from '../payload/checks.js';
import { CHANGE_FORM_SCHEMA, FOCUS_FORM_SCHEMA, SUBMIT_FORM_SCHEMA } from '../payload/schemas.js';
import { defineEvent, eventConstructor, selfDescribingWire } from './definition.js';

/** The `nodeName` values the form schemas allow. */
export const FORM_NODE_NAMES = ['INPUT', 'TEXTAREA', 'SELECT'] as const;
/** The input `type` values the form schemas allow. */
export const FORM_INPUT_TYPES = [
  'button',
  'checkbox',
  'color',
  'date',
  'datetime',
  'datetime-local',
  'email',
  'file',
  'hidden',
  'image',
  'month',
  'number',
  'password',
  'radio',
  'range',
  'reset',
  'search',
  'submit',
  'tel',
  'text',
  'time',
  'url',
  'week',
] as const;
/** An element `nodeName` the form schemas allow. */
export type FormNodeName = (typeof FORM_NODE_NAMES)[number];
/** An input `type` the form schemas allow. */
export type FormInputType = (typeof FORM_INPUT_TYPES)[number];

/** A form element gaining focus (`focus_form` 1-0-0) or changing value (`change_form` 1-0-0). */
export interface FormFocusOrChangeFields {
  /** Which event: `'change_form'` or `'focus_form'`. Required. */
  readonly schema: 'change_form' | 'focus_form';
  /** The form's `id`. Required (may be empty). */
  readonly formId: string;
  /** The element's `id` (or name). Required (may be empty). */
  readonly elementId: string;
  /** `'INPUT'`, `'TEXTAREA'` or `'SELECT'`. Required. */
  readonly nodeName: FormNodeName;
  /** The input type, for `INPUT` elements. Sent as `type` in `change_form`, as `elementType` in `focus_form`. */
  readonly type?: FormInputType | null | undefined;
  /** The element's classes. */
  readonly elementClasses?: readonly string[] | undefined;
  /** The element's value. Sent as `null` when absent, as the schemas require the key. */
  readonly value?: string | null | undefined;
}

/** One element of a submitted form. */
export interface FormElement {
  /** The element's name. Required. */
  readonly name: string;
  /** The element's value, or `null`. */
  readonly value: string | null;
  /** `'INPUT'`, `'TEXTAREA'` or `'SELECT'`. Required. */
  readonly nodeName: FormNodeName;
  /** The input type, for `INPUT` elements. */
  readonly type?: FormInputType | null | undefined;
}

/** A form submission (`submit_form` 1-0-0). */
export interface FormSubmissionFields {
  /** The form's `id`. Required (may be empty). */
  readonly formId: string;
  /** The form's classes. */
  readonly formClasses?: readonly string[] | undefined;
  /** The form's elements with their values. */
  readonly elements?: readonly FormElement[] | undefined;
}

const optionalClasses = /* @__PURE__ */ c.optional(/* @__PURE__ */ c.arrayOf(c.string));
const formType = /* @__PURE__ */ c.optional(/* @__PURE__ */ c.oneOf(FORM_INPUT_TYPES));
// The form schemas' maxLength limits, checked here so a too-long value is a typed error, not a bad event later.
const formIdCheck = /* @__PURE__ */ c.stringUpTo(4096);
const formValue: c.Check<string | null> = (value, field) =>
  value === undefined || value === null ? null : /* @__PURE__ */ c.stringUpTo(65_535)(value, field);

export const FORM_FOCUS_OR_CHANGE = /* @__PURE__ */ defineEvent<FormFocusOrChangeFields, 'formFocusOrChange'>({
  kind: 'formFocusOrChange',
  checks: {
    schema: /* @__PURE__ */ c.oneOf(['change_form', 'focus_form']),
    formId: formIdCheck,
    elementId: formIdCheck,
    nodeName: /* @__PURE__ */ c.oneOf(FORM_NODE_NAMES),
    type: formType,
    elementClasses: optionalClasses,
    value: formValue,
  },
  // focus_form names the input type `elementType`; change_form names it `type` (both schemas forbid other keys).
  toWire: ({ schema, value, type, ...rest }) =>
    schema === 'change_form'
      ? selfDescribingWire(CHANGE_FORM_SCHEMA, { ...rest, type, value: value ?? null })
      : selfDescribingWire(FOCUS_FORM_SCHEMA, { ...rest, elementType: type, value: value ?? null }),
});

/** Builds a form focus or change event as plain data. */
export const formFocusOrChange = /* @__PURE__ */ eventConstructor(FORM_FOCUS_OR_CHANGE);

export const FORM_SUBMISSION = /* @__PURE__ */ defineEvent<FormSubmissionFields, 'formSubmission'>({
  kind: 'formSubmission',
  checks: {
    formId: formIdCheck,
    formClasses: optionalClasses,
    elements: /* @__PURE__ */ c.optional(
      /* @__PURE__ */ c.arrayOf(
        /* @__PURE__ */ c.objectOf<FormElement>({
          name: /* @__PURE__ */ c.stringUpTo(65_535),
          value: formValue,
          nodeName: /* @__PURE__ */ c.oneOf(FORM_NODE_NAMES),
          type: formType,
        }),
      ),
    ),
  },
  toWire: (f) => selfDescribingWire(SUBMIT_FORM_SCHEMA, f),
});

/** Builds a form submission event as plain data. */
export const formSubmission = /* @__PURE__ */ eventConstructor(FORM_SUBMISSION);
