export interface Tile {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Tiles covering width x height, row by row, each at most size x size. */
export function tilesOf(width: number, height: number, size: number): Tile[] {
  const tiles: Tile[] = [];
  for (let y = 0; y < height; y += size) {
    for (let x = 0; x < width; x += size) {
      tiles.push({ x, y, width: Math.min(size, width - x), height: Math.min(size, height - y) });
    }
  }
  return tiles;
}

/** The tile grown by `margin` on every side, within the image: the context a filter needs at the tile's edges. */
export function withMargin(tile: Tile, margin: number, width: number, height: number): Tile {
  const x = Math.max(0, tile.x - margin);
  const y = Math.max(0, tile.y - margin);
  return {
    x,
    y,
    width: Math.min(width, tile.x + tile.width + margin) - x,
    height: Math.min(height, tile.y + tile.height + margin) - y,
  };
}
