import { describe, expect, it } from 'vitest';
import { areaOf, labelsToHide, overlaps, type LabelBox } from './label-collisions';
import type { NeighbourhoodFeature } from './neighbourhood-geojson';

const box = (id: string, left: number, top: number, priority: number, width = 100, height = 30): LabelBox => ({
  id, left, top, right: left + width, bottom: top + height, priority,
});

const square = (id: string, side: number): NeighbourhoodFeature => ({
  type: 'Feature',
  properties: { id, name: id, address_count: 1 },
  geometry: { type: 'Polygon', coordinates: [[[6, 49.6], [6 + side, 49.6], [6 + side, 49.6 + side], [6, 49.6 + side], [6, 49.6]]] },
});

describe('labelsToHide', () => {
  it('keeps the larger neighbourhood’s label where two collide, and every label that collides with none', () => {
    const hidden = labelsToHide([box('small', 50, 10, 1), box('large', 0, 0, 9), box('apart', 400, 0, 0)]);
    expect([...hidden]).toEqual(['small']);
  });

  it('leaves no two shown labels overlapping, however many pile up', () => {
    const boxes = Array.from({ length: 30 }, (_, i) => box(`n${i}`, (i * 37) % 300, (i * 23) % 120, i));
    const hidden = labelsToHide(boxes);
    const shown = boxes.filter((b) => !hidden.has(b.id));
    expect(shown.length).toBeGreaterThan(1);
    for (const a of shown) for (const b of shown) if (a !== b) expect(overlaps(a, b)).toBe(false);
    expect(shown.some((b) => b.id === 'n29')).toBe(true); // the largest always shows
  });

  it('counts boxes closer than the gap as colliding, and boxes side by side beyond it as apart', () => {
    expect(labelsToHide([box('a', 0, 0, 2), box('b', 101, 0, 1)], 2).has('b')).toBe(true);
    expect(labelsToHide([box('a', 0, 0, 2), box('b', 103, 0, 1)], 2).size).toBe(0);
  });
});

describe('areaOf', () => {
  it('orders neighbourhoods by their size on the ground', () => {
    expect(areaOf(square('big', 0.02))).toBeGreaterThan(areaOf(square('small', 0.01)));
    expect(areaOf(square('big', 0.02)) / areaOf(square('small', 0.01))).toBeCloseTo(4, 5);
  });
});
