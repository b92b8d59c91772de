import { Document, NodeIO } from "@gltf-transform/core";
import type { TexturedMesh } from "./textureLayout.ts";

/** A binary glTF 2.0 file: one mesh, one PBR material with the stylized picture as base colour. */
export async function writeGlb(mesh: TexturedMesh, texturePng: Buffer, name: string): Promise<Buffer> {
  const doc = new Document();
  doc.getRoot().getAsset().generator = "Atelier figurine";
  const buffer = doc.createBuffer();
  const accessor = (type: "VEC2" | "VEC3" | "SCALAR", array: Float32Array | Uint32Array) =>
    doc.createAccessor().setType(type).setArray(array).setBuffer(buffer);
  const texture = doc.createTexture("stylized").setImage(new Uint8Array(texturePng)).setMimeType("image/png");
  const material = doc
    .createMaterial("figurine")
    .setBaseColorTexture(texture)
    .setRoughnessFactor(0.75)
    .setMetallicFactor(0);
  const primitive = doc
    .createPrimitive()
    .setAttribute("POSITION", accessor("VEC3", mesh.positions))
    .setAttribute("NORMAL", accessor("VEC3", mesh.normals))
    .setAttribute("TEXCOORD_0", accessor("VEC2", mesh.uvs))
    .setIndices(accessor("SCALAR", mesh.indices))
    .setMaterial(material);
  const node = doc.createNode(name).setMesh(doc.createMesh(name).addPrimitive(primitive));
  doc.createScene(name).addChild(node);
  const glb = await new NodeIO().writeBinary(doc);
  return Buffer.from(glb.buffer, glb.byteOffset, glb.byteLength);
}
