import { initialsOf, type PresenceMap } from "./presenceState.ts";

/** Everyone else in the project, as initials in their colour; who is on this asset is marked. */
export function AvatarStack({ people, assetId }: { people: PresenceMap; assetId: string | null }) {
  const list = [...people.values()].sort((a, b) => a.name.localeCompare(b.name));
  if (list.length === 0) return <p className="muted presence-alone">Only you are here.</p>;
  return (
    <ul className="avatar-stack" aria-label="People in this project">
      {list.map((person) => {
        const here = assetId !== null && person.selectedAssetId === assetId;
        return (
          <li
            key={person.userId}
            className={`avatar${here ? " avatar-here" : ""}`}
            style={{ backgroundColor: person.colour }}
            title={`${person.name}${here ? " (editing this image)" : ""}`}
            data-user-name={person.name}
          >
            <span aria-hidden="true">{initialsOf(person.name)}</span>
            <span className="visually-hidden">
              {person.name}
              {here ? ", on this image" : ""}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
