interface RefreshableHeadingProps {
  /** The heading's id, which the section names itself by (aria-labelledby). */
  id: string;
  title: string;
  onRefresh(): void;
  /** While a refresh is running. */
  refreshing?: boolean;
}

/** A section's heading with a Refresh button beside it, for lists that change while the page is open. */
export function RefreshableHeading({ id, title, onRefresh, refreshing }: RefreshableHeadingProps) {
  return (
    <div className="section-heading">
      <h2 id={id}>{title}</h2>
      <button type="button" className="button button-small" onClick={onRefresh} disabled={refreshing}>
        Refresh
      </button>
    </div>
  );
}
