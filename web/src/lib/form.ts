import { type ChangeEvent, type FormEvent, useCallback, useRef, useState } from 'react';
import { formErrorsFrom } from './api.ts';

export type Errors<V> = Partial<Record<keyof V & string, string>>;

/**
 * Small controlled-form helper: values, per-field errors (client or server), a form-level error,
 * and focus on the first invalid field after a failed submit so keyboard and screen-reader users land on it.
 */
export function useForm<V extends Record<string, string>>(initial: V, validate: (values: V) => Errors<V>) {
  const [values, setValues] = useState<V>(initial);
  const [errors, setErrors] = useState<Errors<V>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const focusFirstInvalid = useCallback(() => {
    requestAnimationFrame(() => {
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    });
  }, []);

  const setValue = useCallback(<K extends keyof V & string>(name: K, value: V[K]) => {
    setValues((prev) => ({ ...prev, [name]: value }));
    // Editing a field clears its stale error; re-validation happens on submit.
    setErrors((prev) => (prev[name] ? { ...prev, [name]: undefined } : prev));
  }, []);

  /** Props for a text input/textarea bound to `name`. */
  const bind = <K extends keyof V & string>(name: K) => ({
    name,
    value: values[name],
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      setValue(name, event.target.value as V[K]),
  });

  /** Applies a server error: field messages onto fields, everything else as the form error. */
  const applyServerError = (error: unknown) => {
    const fields = Object.keys(values) as Array<keyof V & string>;
    const parsed = formErrorsFrom(error, fields);
    setErrors(parsed.fieldErrors as Errors<V>);
    setFormError(parsed.formError);
    focusFirstInvalid();
  };

  const handleSubmit = (onValid: (values: V) => void) => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = validate(values);
    const hasErrors = Object.values(found).some(Boolean);
    setErrors(found);
    setFormError(null);
    if (hasErrors) {
      focusFirstInvalid();
      return;
    }
    onValid(values);
  };

  const reset = (next: V = initial) => {
    setValues(next);
    setErrors({});
    setFormError(null);
  };

  return { values, setValue, errors, formError, setFormError, bind, handleSubmit, applyServerError, reset, formRef };
}
