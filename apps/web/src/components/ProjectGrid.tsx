import type { ProjectView } from "@atelier/shared";
import { Link } from "../router/Link.tsx";
import { pathOf } from "../router/routes.ts";
import { formatDate } from "./format.ts";

export function ProjectGrid({ projects }: { projects: ProjectView[] }) {
  if (projects.length === 0) return <p className="empty">No projects yet. Create the first one.</p>;
  return (
    <ul className="project-grid" aria-label="Projects">
      {projects.map((project) => (
        <li key={project.id}>
          <Link className="project-card" to={pathOf({ name: "project", projectId: project.id })}>
            <span className="project-name">{project.name}</span>
            <span className="muted">Created {formatDate(project.createdAt)}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
