import { useResource } from "../api/useResource.ts";
import { useApi } from "../session/SessionContext.tsx";
import { CreateProjectForm } from "./CreateProjectForm.tsx";
import { FormError } from "./FormError.tsx";
import { ProjectGrid } from "./ProjectGrid.tsx";

export function ProjectsSection({ orgId, canCreate }: { orgId: string; canCreate: boolean }) {
  const client = useApi();
  const projects = useResource(() => client.projects.list.query({ orgId }), orgId);
  return (
    <section className="panel" aria-labelledby="projects-heading">
      <h2 id="projects-heading">Projects</h2>
      {canCreate && (
        <CreateProjectForm
          orgId={orgId}
          onCreated={(project) => projects.setData((current) => [project, ...(current ?? [])])}
        />
      )}
      <FormError message={projects.error} />
      {projects.loading && !projects.data ? (
        <p className="muted">Loading projects…</p>
      ) : (
        <ProjectGrid projects={projects.data ?? []} />
      )}
    </section>
  );
}
