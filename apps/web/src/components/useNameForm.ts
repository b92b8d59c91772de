import { type FormEvent, useState } from "react";
import { type Action, useAction } from "../api/useAction.ts";

interface NameForm<R> {
  name: string;
  setName(name: string): void;
  /** Set when the form was sent with a blank name. */
  nameError: string | undefined;
  action: Action<[string], R>;
  submit(event: FormEvent<HTMLFormElement>): Promise<void>;
}

/**
 * A form that creates one thing from its name (an organization, a project): a blank name gets
 * `blankMessage`; a created one empties the field and goes to `onCreated`.
 */
export function useNameForm<R>(
  create: (name: string) => Promise<R>,
  blankMessage: string,
  onCreated: (created: R) => void,
): NameForm<R> {
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string>();
  const action = useAction(create);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!name.trim()) {
      setNameError(blankMessage);
      return;
    }
    setNameError(undefined);
    const created = await action.run(name.trim());
    if (!created) return;
    setName("");
    onCreated(created);
  };
  return { name, setName, nameError, action, submit };
}
