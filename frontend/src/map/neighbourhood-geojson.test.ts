import { describe, expect, it } from 'vitest';
import { boundsOf, communeArea, neighbourhoodRows, readNeighbourhoodCollection, summaryRows, type NeighbourhoodCollection } from './neighbourhood-geojson';

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
