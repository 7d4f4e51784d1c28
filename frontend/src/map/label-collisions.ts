import type { NeighbourhoodFeature } from './neighbourhood-geojson';

/** A label's box on the screen (getBoundingClientRect), and how much it matters to keep it. */
export interface LabelBox {
  id: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
  /** The larger keeps its label when two collide (the highlighted neighbourhood is given the most). */
  priority: number;
}

/** Whether two boxes overlap, or come closer than `gap` pixels. */
export function overlaps(a: LabelBox, b: LabelBox, gap = 0): boolean {
  return a.left < b.right + gap && b.left < a.right + gap && a.top < b.bottom + gap && b.top < a.bottom + gap;
}

/**
 * The labels to hide so that no two shown labels overlap: from the highest priority down, a label stays
 * when it touches none of those kept before it. Every neighbourhood stays reachable through the list of
 * names next to the map, and a hidden label shows again once the reader zooms in far enough.
 */
export function labelsToHide(boxes: readonly LabelBox[], gap = 2): Set<string> {
  const kept: LabelBox[] = [];
  const hidden = new Set<string>();
  const ordered = [...boxes].sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id));
  for (const box of ordered) {
    if (kept.some((other) => overlaps(box, other, gap))) hidden.add(box.id);
    else kept.push(box);
  }
  return hidden;
}

/** A neighbourhood's area, in square degrees of longitude scaled to its latitude (only compared with others). */
export function areaOf(feature: NeighbourhoodFeature): number {
  const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
  let area = 0;
  for (const [outer, ...holes] of polygons) {
    area += ringArea(outer ?? []);
    for (const hole of holes) area -= ringArea(hole);
  }
  return area;
}

function ringArea(ring: readonly (readonly [number, number])[]): number {
  if (ring.length < 3) return 0;
  const scale = Math.cos(((ring[0]?.[1] ?? 0) * Math.PI) / 180);
  let twice = 0;
  for (let i = 0; i < ring.length; i += 1) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[(i + 1) % ring.length]!;
    twice += x1 * scale * y2 - x2 * scale * y1;
  }
  return Math.abs(twice) / 2;
}
