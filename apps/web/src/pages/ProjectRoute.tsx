import { useResource } from "../api/useResource.ts";
import { AppShell } from "../components/AppShell.tsx";
import { FormError } from "../components/FormError.tsx";
import { useApi } from "../session/SessionContext.tsx";
import { ProjectPage } from "./ProjectPage.tsx";

/** Loads the project first: the header's organization switcher needs its organization. */
export function ProjectRoute({ projectId }: { projectId: string }) {
  const client = useApi();
  const project = useResource(() => client.projects.get.query({ projectId }), projectId);
  return (
    <AppShell currentOrgId={project.data?.orgId ?? null}>
      {project.data && project.data.id === projectId ? (
        <ProjectPage key={projectId} project={project.data} />
      ) : project.error ? (
        <FormError message={project.error} />
      ) : (
        <p className="muted">Loading project…</p>
      )}
    </AppShell>
  );
}
