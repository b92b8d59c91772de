/** The file extension each media type Atelier writes is saved under. */
export const extensionOfMediaType: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "image/avif": "avif",
  "image/gif": "gif",
  "application/json": "json",
  "text/plain": "txt",
  "model/gltf-binary": "glb",
  "model/stl": "stl",
  "model/3mf": "3mf",
};
