import type { MemberView, Role } from "@atelier/shared";
import { useId } from "react";
import { useAction } from "../api/useAction.ts";
import { FormError } from "./FormError.tsx";
import { roleLabels } from "./roles.ts";

interface MemberRowProps {
  member: MemberView;
  /** Roles the viewer may set; empty when they may not manage this member. */
  assignable: Role[];
  isSelf: boolean;
  onChangeRole(role: Role): Promise<unknown>;
  onRemove(): Promise<unknown>;
}

export function MemberRow({ member, assignable, isSelf, onChangeRole, onRemove }: MemberRowProps) {
  const roleId = useId();
  const change = useAction(onChangeRole);
  const remove = useAction(onRemove);
  const editable = assignable.length > 0 && assignable.includes(member.role);

  return (
    <li className="member-row">
      <div className="member-who">
        <span className="member-name">
          {member.name}
          {isSelf && <span className="muted"> (you)</span>}
        </span>
        <span className="muted">{member.email}</span>
      </div>
      {editable ? (
        <div className="member-controls">
          <label htmlFor={roleId} className="visually-hidden">
            Role of {member.name}
          </label>
          <select
            id={roleId}
            value={member.role}
            disabled={change.pending}
            onChange={(e) => void change.run(e.target.value as Role)}
          >
            {assignable.map((r) => (
              <option key={r} value={r}>
                {roleLabels[r]}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button button-danger"
            disabled={remove.pending}
            onClick={() => void remove.run()}
            aria-label={isSelf ? "Leave organization" : `Remove ${member.name}`}
          >
            {isSelf ? "Leave" : "Remove"}
          </button>
        </div>
      ) : (
        <span className="role-badge">{roleLabels[member.role]}</span>
      )}
      <FormError message={change.error ?? remove.error} />
    </li>
  );
}
