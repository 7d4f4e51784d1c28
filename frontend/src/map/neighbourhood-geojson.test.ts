import { describe, expect, it } from 'vitest';
import { boundsOf, neighbourhoodRows, readNeighbourhoodCollection, summaryRows } from './neighbourhood-geojson';

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
