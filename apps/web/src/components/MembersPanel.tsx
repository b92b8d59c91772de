import type { OrgView } from "@atelier/shared";
import { useResource } from "../api/useResource.ts";
import { navigate } from "../router/navigation.ts";
import { useOrgs } from "../session/OrgsContext.tsx";
import { useApi, useSession } from "../session/SessionContext.tsx";
import { AddMemberForm } from "./AddMemberForm.tsx";
import { FormError } from "./FormError.tsx";
import { MemberRow } from "./MemberRow.tsx";
import { assignableRoles, canManageMembers } from "./roles.ts";

export function MembersPanel({ org }: { org: OrgView }) {
  const client = useApi();
  const { user } = useSession();
  const orgs = useOrgs();
  const members = useResource(() => client.orgs.members.query({ orgId: org.id }), org.id);
  const manager = canManageMembers(org.role);
  const assignable = manager ? assignableRoles(org.role) : [];

  return (
    <section className="panel" aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      {manager && (
        <AddMemberForm
          onAdd={async (email, role) => {
            await client.orgs.addMember.mutate({ orgId: org.id, email, role });
            members.reload();
            return true;
          }}
        />
      )}
      <FormError message={members.error} />
      <ul className="member-list" aria-label="Members">
        {(members.data ?? []).map((member) => (
          <MemberRow
            key={member.userId}
            member={member}
            assignable={assignable}
            isSelf={member.userId === user?.id}
            onChangeRole={async (role) => {
              await client.orgs.setRole.mutate({ orgId: org.id, userId: member.userId, role });
              members.reload();
            }}
            onRemove={async () => {
              await client.orgs.removeMember.mutate({ orgId: org.id, userId: member.userId });
              if (member.userId !== user?.id) return members.reload();
              orgs.reload();
              navigate("/");
            }}
          />
        ))}
      </ul>
    </section>
  );
}
