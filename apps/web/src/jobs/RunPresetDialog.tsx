import type { JobView } from "@atelier/shared";
import { Dialog } from "../components/Dialog.tsx";
import { RunPresetPanel } from "./RunPresetPanel.tsx";

interface RunPresetDialogProps {
  open: boolean;
  orgId: string;
  projectId: string;
  assetIds: string[];
  onClose(): void;
  onSubmitted(job: JobView): void;
}

/** The project page's "Run preset…": the panel in a modal, closed once the job is queued. */
export function RunPresetDialog({
  open,
  orgId,
  projectId,
  assetIds,
  onClose,
  onSubmitted,
}: RunPresetDialogProps) {
  return (
    <Dialog open={open} title="Run a preset" onClose={onClose}>
      <RunPresetPanel
        orgId={orgId}
        projectId={projectId}
        assetIds={assetIds}
        onCancel={onClose}
        onSubmitted={(job) => {
          onSubmitted(job);
          onClose();
        }}
      />
    </Dialog>
  );
}
