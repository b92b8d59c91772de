import { type FormEvent, useState } from "react";
import type { z } from "zod";
import { type Action, useAction } from "../api/useAction.ts";
import { type FieldErrors, fieldErrors } from "./fieldErrors.ts";

/**
 * A form whose named inputs are checked with a zod schema (the one the server checks with) before
 * `perform` runs: each failed field gets its message, and nothing is sent until all pass.
 */
export function useSchemaForm<Input, R>(
  schema: z.ZodType<Input>,
  fields: readonly string[],
  perform: (input: Input) => Promise<R>,
): { errors: FieldErrors; action: Action<[Input], R>; submit: (event: FormEvent<HTMLFormElement>) => void } {
  const [errors, setErrors] = useState<FieldErrors>({});
  const action = useAction(perform);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = schema.safeParse(Object.fromEntries(fields.map((field) => [field, form.get(field)])));
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      return;
    }
    setErrors({});
    void action.run(parsed.data);
  };
  return { errors, action, submit };
}
