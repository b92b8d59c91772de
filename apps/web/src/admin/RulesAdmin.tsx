import { type CanvasFillKind, type CropPriorityKind, defaultOrgRules } from "@atelier/shared";
import { type FormEvent, useEffect, useId, useState } from "react";
import { useAction } from "../api/useAction.ts";
import { useResource } from "../api/useResource.ts";
import { FormError } from "../components/FormError.tsx";
import { RangeField } from "../components/RangeField.tsx";
import { useApi } from "../session/SessionContext.tsx";

type Kind = CropPriorityKind;
const kindLabels: Record<Kind, string> = { face: "Faces", product: "Products", text: "Text" };
const allKinds: Kind[] = ["face", "product", "text"];

/** The organization's rules: what a crop keeps first, how the canvas is filled, the moderation threshold. */
export function RulesAdmin({ orgId }: { orgId: string }) {
  const client = useApi();
  const rules = useResource(() => client.settings.rules.query({ orgId }), orgId);
  const [order, setOrder] = useState<Kind[]>([]);
  const [fill, setFill] = useState<CanvasFillKind>(defaultOrgRules.canvasFill);
  const [threshold, setThreshold] = useState(defaultOrgRules.moderationThreshold);
  const [saved, setSaved] = useState(false);
  const fillId = useId();

  useEffect(() => {
    if (!rules.data) return;
    setOrder(rules.data.cropPriority);
    setFill(rules.data.canvasFill);
    setThreshold(rules.data.moderationThreshold);
  }, [rules.data]);

  const save = useAction(async () => {
    await client.settings.saveRules.mutate({
      orgId,
      cropPriority: order,
      canvasFill: fill,
      moderationThreshold: threshold,
    });
    setSaved(true);
  });
  const move = (index: number, by: number) => {
    setSaved(false);
    setOrder((list) => {
      const next = [...list];
      const [item] = next.splice(index, 1);
      next.splice(index + by, 0, item!);
      return next;
    });
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  const missing = allKinds.filter((k) => !order.includes(k));

  return (
    <section className="panel" aria-labelledby="rules-heading">
      <h2 id="rules-heading">Organization rules</h2>
      <FormError message={rules.error} />
      <form className="admin-form" aria-label="Rules" onSubmit={onSubmit} onChange={() => setSaved(false)}>
        <h3 id="priority-heading">Crop priority</h3>
        <p className="muted">
          When a format cannot keep everything, the crop keeps the first of these it finds.
        </p>
        <ol className="priority-list" aria-labelledby="priority-heading">
          {order.map((kind, i) => (
            <li key={kind} className="priority-item">
              <span className="priority-rank" aria-hidden="true">
                {i + 1}
              </span>
              <span className="priority-name">{kindLabels[kind]}</span>
              <button
                type="button"
                className="button button-small"
                aria-label={`Move ${kindLabels[kind]} up`}
                disabled={i === 0}
                onClick={() => move(i, -1)}
              >
                ↑
              </button>
              <button
                type="button"
                className="button button-small"
                aria-label={`Move ${kindLabels[kind]} down`}
                disabled={i === order.length - 1}
                onClick={() => move(i, 1)}
              >
                ↓
              </button>
              <button
                type="button"
                className="button button-small"
                aria-label={`Ignore ${kindLabels[kind]}`}
                disabled={order.length === 1}
                onClick={() => setOrder((l) => l.filter((k) => k !== kind))}
              >
                ✕
              </button>
            </li>
          ))}
        </ol>
        {missing.map((kind) => (
          <button
            key={kind}
            type="button"
            className="button button-small"
            onClick={() => setOrder((l) => [...l, kind])}
          >
            Add {kindLabels[kind]}
          </button>
        ))}
        <div className="field admin-narrow">
          <label htmlFor={fillId}>Canvas fill</label>
          <select id={fillId} value={fill} onChange={(e) => setFill(e.target.value as CanvasFillKind)}>
            <option value="blur">Blurred image</option>
            <option value="solid">Solid white</option>
            <option value="mirror">Mirrored edges</option>
            <option value="edge">Repeated border pixels</option>
          </select>
          <p className="field-hint">
            How a format is filled where the image does not reach, unless a run chooses its own.
          </p>
        </div>
        <RangeField
          className="admin-narrow"
          label="Moderation threshold"
          min={0}
          max={100}
          value={threshold}
          onChange={setThreshold}
        />
        <FormError message={save.error} />
        <div className="form-actions">
          {saved && (
            <span className="saved-note" role="status">
              Saved.
            </span>
          )}
          <button type="submit" className="button button-primary" disabled={save.pending || !rules.data}>
            Save rules
          </button>
        </div>
      </form>
    </section>
  );
}
