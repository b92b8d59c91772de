import type { ProjectView } from "@atelier/shared";
import { type FormEvent, useState } from "react";
import { useAction } from "../api/useAction.ts";
import { useApi } from "../session/SessionContext.tsx";
import { FormError } from "./FormError.tsx";
import { TextField } from "./TextField.tsx";

export function CreateProjectForm({
  orgId,
  onCreated,
}: {
  orgId: string;
  onCreated(project: ProjectView): void;
}) {
  const client = useApi();
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string>();
  const action = useAction((projectName: string) =>
    client.projects.create.mutate({ orgId, name: projectName }),
  );

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!name.trim()) {
      setNameError("Give the project a name.");
      return;
    }
    setNameError(undefined);
    const project = await action.run(name.trim());
    if (!project) return;
    setName("");
    onCreated(project);
  };

  return (
    <form className="inline-form inline-form-row" onSubmit={submit} noValidate aria-label="Create project">
      <TextField
        label="Project name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        maxLength={200}
        error={nameError}
      />
      <button type="submit" className="button button-primary" disabled={action.pending}>
        {action.pending ? "Creating…" : "Create project"}
      </button>
      <FormError message={action.error} />
    </form>
  );
}
