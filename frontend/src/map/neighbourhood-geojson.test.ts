import { describe, expect, it } from 'vitest';
import { boundsOf, communeArea, neighbourhoodCentre, neighbourhoodRows, pointInside, readNeighbourhoodCollection, summaryRows, type NeighbourhoodCollection } from './neighbourhood-geojson';

const ring = (lon: number, lat: number) => [
  [lon, lat],
  [lon + 0.01, lat],
  [lon + 0.01, lat + 0.01],
  [lon, lat],
];

const body = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { id: 'n2', name: 'Zéissengen', address_count: 120 }, geometry: { type: 'Polygon', coordinates: [ring(6.1, 49.6)] } },
    {
      type: 'Feature',
      properties: { id: 'n1', name: 'Äischen', address_count: 7 },
      geometry: { type: 'MultiPolygon', coordinates: [[ring(6.0, 49.5)], [ring(6.2, 49.7)]] },
    },
    { type: 'Feature', properties: { id: 'p', name: 'Point' }, geometry: { type: 'Point', coordinates: [6, 49] } },
    { type: 'Feature', properties: { name: 'No id' }, geometry: { type: 'Polygon', coordinates: [ring(6, 49)] } },
    { type: 'Feature', properties: { id: 'bad' }, geometry: { type: 'Polygon', coordinates: [[[6, 'x']]] } },
  ],
};

describe('readNeighbourhoodCollection', () => {
  it('keeps drawable polygons and drops the rest', () => {
    const collection = readNeighbourhoodCollection(body);
    expect(collection.features.map((f) => f.properties.id)).toEqual(['n2', 'n1']);
    expect(collection.features[1]?.geometry.type).toBe('MultiPolygon');
  });

  it('gives an empty collection for anything that is not a FeatureCollection', () => {
    expect(readNeighbourhoodCollection({ error: { code: 'x' } }).features).toEqual([]);
    expect(readNeighbourhoodCollection(null).features).toEqual([]);
  });

  it('names an unnamed neighbourhood by its id and counts missing counts as 0', () => {
    const collection = readNeighbourhoodCollection({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { id: 42 }, geometry: { type: 'Polygon', coordinates: [ring(6, 49)] } }],
    });
    expect(collection.features[0]?.properties).toEqual({ id: '42', name: '42', address_count: 0 });
  });
});

describe('neighbourhood rows', () => {
  it('lists the features by name in the reader’s language', () => {
    expect(neighbourhoodRows(readNeighbourhoodCollection(body), 'de')).toEqual([
      { id: 'n1', name: 'Äischen', addressCount: 7 },
      { id: 'n2', name: 'Zéissengen', addressCount: 120 },
    ]);
  });

  it('sorts numbers in names naturally', () => {
    const rows = summaryRows(
      [
        { id: 'a', name: 'Quartier 10', address_count: 1 },
        { id: 'b', name: 'Quartier 2', address_count: 1 },
      ],
      'fr',
    );
    expect(rows.map((r) => r.name)).toEqual(['Quartier 2', 'Quartier 10']);
  });
});

describe('boundsOf', () => {
  it('spans every ring, in [lat, lon] order', () => {
    expect(boundsOf(readNeighbourhoodCollection(body))).toEqual([
      [49.5, 6.0],
      [49.71, 6.21],
    ]);
  });

  it('is null without features', () => {
    expect(boundsOf({ type: 'FeatureCollection', features: [] })).toBeNull();
  });
});

describe('communeArea', () => {
  const square = (lon: number, lat: number): [number, number][][] => [[[lon, lat], [lon + 0.02, lat], [lon + 0.02, lat + 0.01], [lon, lat + 0.01], [lon, lat]]];
  const shapes: NeighbourhoodCollection = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: square(6.1, 49.6) }, properties: { id: 'n1', name: 'Uewen', address_count: 3 } },
      { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [square(6.12, 49.61)] }, properties: { id: 'n2', name: 'Ënnen', address_count: 4 } },
    ],
  };

  it('opens the map in the commune, outlined by all its neighbourhoods', () => {
    const area = communeArea(shapes);
    // the middle of the part nearest the middle of them all
    expect(area.centre?.lat).toBeCloseTo(49.605);
    expect(area.centre?.lon).toBeCloseTo(6.11);
    expect(area.outline?.geometry).toEqual({ type: 'MultiPolygon', coordinates: [square(6.1, 49.6), square(6.12, 49.61)] });
  });

  it('puts the centre in a neighbourhood when the middle of the commune falls between its villages', () => {
    const villages: NeighbourhoodCollection = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: square(6.0, 49.5) }, properties: { id: 'west', name: 'West', address_count: 3 } },
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: square(6.2, 49.58) }, properties: { id: 'east', name: 'East', address_count: 9 } },
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: square(6.09, 49.51) }, properties: { id: 'mid', name: 'Mid', address_count: 1 } },
      ],
    };
    const { centre } = communeArea(villages); // the middle of them all (6.11, 49.545) is in a field: Mid's middle
    expect(centre?.lat).toBeCloseTo(49.515);
    expect(centre?.lon).toBeCloseTo(6.1);
  });

  it('has no centre before the outlines arrive, or without any', () => {
    expect(communeArea(null)).toEqual({ outline: null, centre: null });
    expect(communeArea({ type: 'FeatureCollection', features: [] })).toEqual({ outline: null, centre: null });
  });
});

describe('pointInside', () => {
  // An L-shaped neighbourhood: its bounding box's middle (6.01, 49.51) lies in the notch, outside it
  const ell: [number, number][][] = [[[6.0, 49.5], [6.02, 49.5], [6.02, 49.504], [6.004, 49.504], [6.004, 49.52], [6.0, 49.52], [6.0, 49.5]]];
  const inside = (p: { lat: number; lon: number }) => p.lat > 49.5 && p.lat < 49.52 && p.lon > 6.0 && (p.lon < 6.004 || (p.lat < 49.504 && p.lon < 6.02));

  it("puts a concave neighbourhood's centre inside it, not in the notch of its bounding box", () => {
    const feature = { type: 'Feature' as const, geometry: { type: 'Polygon' as const, coordinates: ell }, properties: { id: 'l', name: 'L', address_count: 2 } };
    const centre = neighbourhoodCentre(feature)!;
    expect(inside({ lat: 49.51, lon: 6.01 })).toBe(false);
    expect(inside(centre)).toBe(true);
    expect(centre.lat).toBeCloseTo(49.51);
    expect(centre.lon).toBeCloseTo(6.002);
  });

  it('keeps out of a hole, and has no point without polygons', () => {
    const ring: [number, number][][] = [
      [[0, 0], [4, 0], [4, 2], [0, 2], [0, 0]],
      [[1, 0.5], [3.5, 0.5], [3.5, 1.5], [1, 1.5], [1, 0.5]], // a hole: the line at 1 crosses it between 1 and 3.5
    ];
    expect(pointInside([ring], { lat: 1, lon: 2 })).toEqual({ lat: 1, lon: 0.5 });
    expect(pointInside([], { lat: 0, lon: 0 })).toBeNull();
    expect(neighbourhoodCentre(null)).toBeNull();
  });
});
