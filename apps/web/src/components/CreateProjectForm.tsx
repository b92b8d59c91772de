import type { ProjectView } from "@atelier/shared";
import { useApi } from "../session/SessionContext.tsx";
import { FormError } from "./FormError.tsx";
import { TextField } from "./TextField.tsx";
import { useNameForm } from "./useNameForm.ts";

export function CreateProjectForm({
  orgId,
  onCreated,
}: {
  orgId: string;
  onCreated(project: ProjectView): void;
}) {
  const client = useApi();
  const { name, setName, nameError, action, submit } = useNameForm(
    (projectName) => client.projects.create.mutate({ orgId, name: projectName }),
    "Give the project a name.",
    onCreated,
  );

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
