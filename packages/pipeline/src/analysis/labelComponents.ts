export interface Component {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  /** Flat indices (y * width + x) of the component's pixels. */
  pixels: number[];
}

/** 8-connected regions of non-zero pixels, found with an explicit stack (no recursion limits). */
export function labelComponents(bitmap: Uint8Array, width: number, height: number): Component[] {
  const seen = new Uint8Array(bitmap.length);
  const components: Component[] = [];
  const stack: number[] = [];
  for (let start = 0; start < bitmap.length; start++) {
    if (!bitmap[start] || seen[start]) continue;
    const component: Component = { minX: width, minY: height, maxX: -1, maxY: -1, pixels: [] };
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const index = stack.pop()!;
      const x = index % width;
      const y = (index - x) / width;
      component.pixels.push(index);
      if (x < component.minX) component.minX = x;
      if (x > component.maxX) component.maxX = x;
      if (y < component.minY) component.minY = y;
      if (y > component.maxY) component.maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const next = ny * width + nx;
          if (bitmap[next] && !seen[next]) {
            seen[next] = 1;
            stack.push(next);
          }
        }
      }
    }
    components.push(component);
  }
  return components;
}
