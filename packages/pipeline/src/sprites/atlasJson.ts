/** TexturePacker's JSON ("hash" and "array" flavours), the format Phaser and PixiJS load. */
export interface AtlasFrame {
  name: string;
  /** Where the frame is in the atlas; w/h are the unrotated trimmed size, as TexturePacker writes them. */
  frame: { x: number; y: number; w: number; h: number };
  /** Stored turned 90° clockwise in the atlas. */
  rotated: boolean;
  trimmed: boolean;
  /** The trimmed rectangle inside the original frame. */
  spriteSourceSize: { x: number; y: number; w: number; h: number };
  sourceSize: { w: number; h: number };
}

export interface AtlasMeta {
  app: string;
  version: string;
  image: string;
  format: "RGBA8888";
  size: { w: number; h: number };
  scale: string;
}

type FrameBody = Omit<AtlasFrame, "name"> & { pivot: { x: number; y: number } };

export function atlasHashJson(frames: AtlasFrame[], meta: AtlasMeta, animations: Record<string, string[]>) {
  const byName: Record<string, FrameBody> = {};
  for (const { name, ...rest } of frames) byName[name] = { ...rest, pivot: { x: 0.5, y: 0.5 } };
  return { frames: byName, animations, meta };
}

export function atlasArrayJson(frames: AtlasFrame[], meta: AtlasMeta, animations: Record<string, string[]>) {
  return {
    frames: frames.map(({ name, ...rest }) => ({ filename: name, ...rest, pivot: { x: 0.5, y: 0.5 } })),
    animations,
    meta,
  };
}
