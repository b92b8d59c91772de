export function AssetEditorPage(_props: { projectId: string; assetId: string }) {
  return <p className="muted">Loading…</p>;
}
