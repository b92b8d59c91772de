/** A required whole-number `TextField`'s props for one numeric key of a form's draft. */
export function numberField<T>(
  draft: T,
  key: keyof T & string,
  change: (patch: Partial<T>) => void,
  min = 0,
) {
  return {
    type: "number",
    min,
    required: true,
    value: String(draft[key]),
    onChange: (e: { target: { value: string } }) => change({ [key]: Number(e.target.value) } as Partial<T>),
  };
}
