import type { ProjectView } from "@atelier/shared";
import { AssetGrid } from "../components/AssetGrid.tsx";
import { DropZone } from "../components/DropZone.tsx";
import { FormError } from "../components/FormError.tsx";
import { LiveBadge } from "../components/LiveBadge.tsx";
import { UploadList } from "../components/UploadList.tsx";
import { useProjectAssets } from "../project/useProjectAssets.ts";
import { useUploads } from "../project/useUploads.ts";
import { Link } from "../router/Link.tsx";
import { pathOf } from "../router/routes.ts";
import { useOrgs } from "../session/OrgsContext.tsx";
import { useApi } from "../session/SessionContext.tsx";

export function ProjectPage({ project }: { project: ProjectView }) {
  const client = useApi();
  const { orgs } = useOrgs();
  const org = orgs.find((o) => o.id === project.orgId);
  const assets = useProjectAssets(client, project.id);
  const uploads = useUploads(client, project.id, assets.refreshed);
  const canUpload = org?.role !== "viewer";

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
      {canUpload && <DropZone onFiles={uploads.addFiles} />}
      <UploadList items={uploads.items} onClearFinished={uploads.clearFinished} />
      <FormError message={assets.error} />
      <AssetGrid assets={assets.assets} listed={assets.listed} onImageError={assets.refetch} />
    </>
  );
}
