/** A labelled form control with its error, wired for assistive technology (aria-invalid, aria-describedby). */
import type { ComponentChildren } from 'preact';

export interface FieldProps {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  children: (describedBy: string | undefined, invalid: boolean) => ComponentChildren;
}

export function Field({ id, label, hint, error, children }: FieldProps) {
  const ids = [hint ? `${id}-hint` : undefined, error ? `${id}-error` : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children(ids, Boolean(error))}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** The message of a field from the API's `errors` list. */
export function fieldError(fields: { field: string; message: string }[], name: string): string | undefined {
  return fields.find((f) => f.field === name)?.message;
}

/**
 * The form-level message for a failed submit: when every field at fault is shown next to its
 * control, the summary points there instead of repeating each message.
 */
export function formMessage(message: string, fields: { field: string }[], shown: readonly string[]): string {
  return fields.length > 0 && fields.every((f) => shown.includes(f.field)) ? 'Please correct the highlighted fields.' : message;
}

/** The form-level error, announced as it appears. */
export function FormError({ message }: { message: string | undefined }) {
  return message ? (
    <p class="error" role="alert">
      {message}
    </p>
  ) : null;
}
