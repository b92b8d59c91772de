import { strToU8, zipSync } from "fflate";
import type { TriangleMesh } from "./figurineMesh.ts";

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
  <Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/>
</Types>`;

const RELS = `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Target="/3D/3dmodel.model" Id="rel0" Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/>
</Relationships>`;

const escapeXml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c,
  );

/** A 3MF package (3MF core spec 1.x): one object, one mesh, millimetres, with the model's title. */
export function write3mf(mesh: TriangleMesh, title: string): Buffer {
  const { positions: p, indices } = mesh;
  const vertices: string[] = [];
  for (let i = 0; i < p.length; i += 3) {
    vertices.push(`<vertex x="${p[i]}" y="${p[i + 1]}" z="${p[i + 2]}"/>`);
  }
  const triangles: string[] = [];
  for (let t = 0; t < indices.length; t += 3) {
    triangles.push(`<triangle v1="${indices[t]}" v2="${indices[t + 1]}" v3="${indices[t + 2]}"/>`);
  }
  const model = `<?xml version="1.0" encoding="UTF-8"?>
<model unit="millimeter" xml:lang="en-US" xmlns="http://schemas.microsoft.com/3dmanufacturing/core/2015/02">
<metadata name="Title">${escapeXml(title)}</metadata>
<metadata name="Application">Atelier</metadata>
<resources>
<object id="1" type="model" name="${escapeXml(title)}">
<mesh>
<vertices>${vertices.join("")}</vertices>
<triangles>${triangles.join("")}</triangles>
</mesh>
</object>
</resources>
<build><item objectid="1"/></build>
</model>`;
  const zip = zipSync(
    {
      "[Content_Types].xml": strToU8(CONTENT_TYPES),
      "_rels/.rels": strToU8(RELS),
      "3D/3dmodel.model": strToU8(model),
    },
    { level: 6 },
  );
  return Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
}
