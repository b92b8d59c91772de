export function FormatGalleryPage(_props: { projectId: string; assetId: string }) {
  return <p className="muted">Loading…</p>;
}
