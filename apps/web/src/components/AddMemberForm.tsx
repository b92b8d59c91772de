import type { Role } from "@atelier/shared";
import { email as emailSchema } from "@atelier/shared";
import { type FormEvent, useId, useState } from "react";
import { useAction } from "../api/useAction.ts";
import { FormError } from "./FormError.tsx";
import { roleLabels } from "./roles.ts";
import { TextField } from "./TextField.tsx";

type InvitableRole = Exclude<Role, "owner">;
const invitableRoles: InvitableRole[] = ["admin", "member", "viewer"];

export function AddMemberForm({ onAdd }: { onAdd(email: string, role: InvitableRole): Promise<unknown> }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<InvitableRole>("member");
  const [emailError, setEmailError] = useState<string>();
  const roleId = useId();
  const action = useAction(onAdd);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = emailSchema.safeParse(email);
    if (!parsed.success) {
      setEmailError("Enter a valid email address.");
      return;
    }
    setEmailError(undefined);
    const added = await action.run(parsed.data, role);
    if (added !== undefined) setEmail("");
  };

  return (
    <form className="inline-form" onSubmit={submit} noValidate aria-label="Add member">
      <TextField
        label="Email of the person to add"
        type="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={emailError}
      />
      <div className="field">
        <label htmlFor={roleId}>Role</label>
        <select id={roleId} value={role} onChange={(e) => setRole(e.target.value as InvitableRole)}>
          {invitableRoles.map((r) => (
            <option key={r} value={r}>
              {roleLabels[r]}
            </option>
          ))}
        </select>
      </div>
      <FormError message={action.error} />
      <button type="submit" className="button button-primary" disabled={action.pending}>
        {action.pending ? "Adding…" : "Add member"}
      </button>
    </form>
  );
}
