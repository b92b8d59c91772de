import type { AssetView } from "@atelier/shared";
import { useCallback, useMemo, useState } from "react";

export interface Selection {
  /** Selected ids among the ready assets, in grid order. */
  ids: string[];
  selected: ReadonlySet<string>;
  toggle(assetId: string): void;
  selectAll(): void;
  clear(): void;
}

/** Which ready assets are selected; assets that disappear or stop being ready drop out by themselves. */
export function useSelection(assets: AssetView[]): Selection {
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const ready = useMemo(() => assets.filter((a) => a.status === "ready").map((a) => a.id), [assets]);
  const ids = useMemo(() => ready.filter((id) => chosen.has(id)), [ready, chosen]);
  const selected = useMemo(() => new Set(ids), [ids]);
  const toggle = useCallback(
    (assetId: string) =>
      setChosen((current) => {
        const next = new Set(current);
        if (!next.delete(assetId)) next.add(assetId);
        return next;
      }),
    [],
  );
  const selectAll = useCallback(() => setChosen(new Set(ready)), [ready]);
  const clear = useCallback(() => setChosen(new Set()), []);
  return { ids, selected, toggle, selectAll, clear };
}
