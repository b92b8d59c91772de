import type { AssetView, ProjectView } from "@atelier/shared";
import { errorMessage } from "../api/errorMessage.ts";
import { useCallback, useState } from "react";
import { AssetGrid } from "../components/AssetGrid.tsx";
import { DropZone } from "../components/DropZone.tsx";
import { FormError } from "../components/FormError.tsx";
import { LiveBadge } from "../components/LiveBadge.tsx";
import { JobsPanel } from "../jobs/JobsPanel.tsx";
import { ProjectShortcuts } from "../jobs/ProjectShortcuts.tsx";
import { RunPresetDialog } from "../jobs/RunPresetDialog.tsx";
import { SelectionBar } from "../jobs/SelectionBar.tsx";
import { useProjectJobs } from "../jobs/useProjectJobs.ts";
import { useSelection } from "../jobs/useSelection.ts";
import { UploadList } from "../components/UploadList.tsx";
import { useProjectAssets } from "../project/useProjectAssets.ts";
import { useUploads } from "../project/useUploads.ts";
import { Link } from "../router/Link.tsx";
import { pathOf } from "../router/routes.ts";
import { useOrgs } from "../session/OrgsContext.tsx";
import { useApi, useSession } from "../session/SessionContext.tsx";
import { UndoToast, useUndoOffer } from "../components/UndoToast.tsx";
import { canDelete } from "../project/canDelete.ts";

export function ProjectPage({ project }: { project: ProjectView }) {
  const client = useApi();
  const { orgs } = useOrgs();
  const org = orgs.find((o) => o.id === project.orgId);
  const jobs = useProjectJobs(client, project.id);
  const assets = useProjectAssets(client, project.id, jobs.stream);
  const uploads = useUploads(client, project.id, assets.refreshed);
  const canUpload = org?.role !== "viewer";
  const selection = useSelection(assets.assets);
  const [running, setRunning] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const openRun = useCallback(() => setRunning(true), []);
  const selfId = useSession().user?.id ?? "";
  const undo = useUndoOffer();
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const deleteAsset = (asset: AssetView) => {
    setDeleteError(null);
    client.assets.delete.mutate({ assetId: asset.id }).then(
      ({ undoUntil }) =>
        undo.offerUndo({
          message: `Deleted ${asset.filename}`,
          until: undoUntil,
          undo: () => client.assets.restore.mutate({ assetId: asset.id }),
        }),
      (err: unknown) => setDeleteError(errorMessage(err)),
    );
  };

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={pathOf({ name: "org", orgId: project.orgId })}>{org?.name ?? "Organization"}</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">{project.name}</span>
      </nav>
      <div className="page-heading">
        <h1>{project.name}</h1>
        <LiveBadge state={assets.live} />
      </div>
      <div className="project-layout">
        <div className="project-main">
          {canUpload && <DropZone onFiles={uploads.addFiles} />}
          <UploadList items={uploads.items} onClearFinished={uploads.clearFinished} />
          <FormError message={assets.error ?? deleteError} />
          {canUpload && (
            <SelectionBar
              selection={selection}
              readyCount={assets.assets.filter((a) => a.status === "ready").length}
              onRun={openRun}
              onShowShortcuts={() => setHelpOpen(true)}
            />
          )}
          <AssetGrid
            assets={assets.assets}
            listed={assets.listed}
            onImageError={assets.refetch}
            selection={canUpload ? selection : undefined}
            deletable={{
              allowed: (asset) => canDelete(org?.role, selfId, asset.uploadedBy),
              remove: deleteAsset,
            }}
          />
        </div>
        <JobsPanel
          jobs={jobs}
          assets={assets.assets}
          canControl={canUpload}
          canDelete={(ownerId) => canDelete(org?.role, selfId, ownerId)}
          offerUndo={undo.offerUndo}
        />
      </div>
      <RunPresetDialog
        open={running}
        orgId={project.orgId}
        projectId={project.id}
        assetIds={selection.ids}
        onClose={() => setRunning(false)}
        onSubmitted={jobs.refreshed}
      />
      <UndoToast offer={undo.offer} dismiss={undo.dismiss} />
      <ProjectShortcuts
        selection={selection}
        canRun={canUpload}
        helpOpen={helpOpen}
        setHelpOpen={setHelpOpen}
        onRun={openRun}
      />
    </>
  );
}
