/**
 * A form's submit state: busy while the action runs, and on failure the form-level message and the
 * API's field errors (problem+json `errors`), each shown next to its control.
 */
import { useState } from 'preact/hooks';
import { ApiError, type FieldProblem } from '../api-client.js';
import { fieldError, formMessage } from './field.js';

const plainMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

export interface FormState {
  busy: boolean;
  error: string | undefined;
  /** The message for one field, when the API (or `reject`) named it. */
  errorOf: (field: string) => string | undefined;
  /** Runs the submit action; a throw becomes the form's error and field errors. */
  run: (action: () => Promise<void>) => Promise<void>;
  /** Refuses before asking the server (a check the browser can make itself). */
  reject: (fields: FieldProblem[]) => void;
  clear: () => void;
}

export function useForm(shownFields: readonly string[], messageOf: (error: unknown) => string = plainMessage): FormState {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<FieldProblem[]>([]);
  const fail = (message: string, problems: FieldProblem[]) => {
    setError(formMessage(message, problems, shownFields));
    setFields(problems);
  };
  const clear = () => {
    setError(undefined);
    setFields([]);
  };
  return {
    busy,
    error,
    errorOf: (field) => fieldError(fields, field),
    clear,
    reject: (problems) => fail(problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems),
    run: async (action) => {
      setBusy(true);
      clear();
      try {
        await action();
      } catch (caught) {
        fail(messageOf(caught), caught instanceof ApiError ? caught.fields : []);
      } finally {
        setBusy(false);
      }
    },
  };
}
