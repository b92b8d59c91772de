import type { AssetView, ProjectView } from "@atelier/shared";
import type { ReactNode } from "react";
import { AppShell } from "../components/AppShell.tsx";
import { LiveBadge } from "../components/LiveBadge.tsx";
import { AvatarStack } from "../presence/AvatarStack.tsx";
import type { PresenceMap } from "../presence/presenceState.ts";
import { Link } from "../router/Link.tsx";
import { pathOf } from "../router/routes.ts";
import { useOrgs } from "../session/OrgsContext.tsx";
import type { StreamState } from "./useProjectStream.ts";
import "./editor.css";

interface EditorFrameProps {
  project: ProjectView | undefined;
  asset: AssetView | undefined;
  view: "asset" | "assetFormats";
  stream: StreamState;
  people: PresenceMap;
  /** Right side of the title bar (undo, redo, save state). */
  actions?: ReactNode;
  children: ReactNode;
}

/** What the editor and the format gallery share: breadcrumb, the two views as tabs, who else is here. */
export function EditorFrame(props: EditorFrameProps) {
  const { project, asset } = props;
  const { orgs } = useOrgs();
  const org = orgs.find((o) => o.id === project?.orgId);
  const ids = project && asset ? { projectId: project.id, assetId: asset.id } : null;
  return (
    <AppShell currentOrgId={project?.orgId ?? null}>
      <div className="editor-page">
        <nav aria-label="Breadcrumb" className="breadcrumb">
          {project && (
            <>
              <Link to={pathOf({ name: "org", orgId: project.orgId })}>{org?.name ?? "Organization"}</Link>
              <span aria-hidden="true"> / </span>
              <Link to={pathOf({ name: "project", projectId: project.id })}>{project.name}</Link>
              <span aria-hidden="true"> / </span>
            </>
          )}
          <span aria-current="page">{asset?.filename ?? "…"}</span>
        </nav>
        <div className="editor-titlebar">
          <h1 className="editor-title">{asset?.filename ?? "Loading…"}</h1>
          {ids && (
            <nav aria-label="Views" className="view-tabs">
              <Link
                to={pathOf({ name: "asset", ...ids })}
                aria-current={props.view === "asset" ? "page" : undefined}
                className="view-tab"
              >
                Edit
              </Link>
              <Link
                to={pathOf({ name: "assetFormats", ...ids })}
                aria-current={props.view === "assetFormats" ? "page" : undefined}
                className="view-tab"
              >
                Formats
              </Link>
            </nav>
          )}
          <LiveBadge state={props.stream} />
          <AvatarStack people={props.people} assetId={asset?.id ?? null} />
          <div className="editor-actions">{props.actions}</div>
        </div>
        {props.children}
      </div>
    </AppShell>
  );
}
