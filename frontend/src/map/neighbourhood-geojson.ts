import { isRecord } from '../api/problem';

export type Position = [number, number];
export type NeighbourhoodGeometry =
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

/** One neighbourhood outline as the API sends it (coordinates in [lon, lat]). */
export interface NeighbourhoodFeature {
  type: 'Feature';
  geometry: NeighbourhoodGeometry;
  properties: { id: string; name: string; address_count: number };
}

export interface NeighbourhoodCollection {
  type: 'FeatureCollection';
  features: NeighbourhoodFeature[];
}

/** A row of the list shown next to the map. */
export interface NeighbourhoodRow {
  id: string;
  name: string;
  addressCount: number;
}

export const emptyCollection = (): NeighbourhoodCollection => ({ type: 'FeatureCollection', features: [] });

/**
 * Keeps the features that are drawable neighbourhoods (Polygon or MultiPolygon with numeric
 * [lon, lat] rings and an id); anything else in the body is dropped rather than breaking the map.
 */
export function readNeighbourhoodCollection(body: unknown): NeighbourhoodCollection {
  if (!isRecord(body) || body.type !== 'FeatureCollection' || !Array.isArray(body.features)) return emptyCollection();
  const features: NeighbourhoodFeature[] = [];
  for (const candidate of body.features) {
    const feature = readFeature(candidate);
    if (feature) features.push(feature);
  }
  return { type: 'FeatureCollection', features };
}

function readFeature(candidate: unknown): NeighbourhoodFeature | null {
  if (!isRecord(candidate) || !isRecord(candidate.geometry) || !isRecord(candidate.properties)) return null;
  const { id, name, address_count: count } = candidate.properties;
  if (typeof id !== 'string' && typeof id !== 'number') return null;
  const geometry = candidate.geometry;
  let drawable: NeighbourhoodGeometry | null = null;
  if (geometry.type === 'Polygon' && isPolygon(geometry.coordinates)) {
    drawable = { type: 'Polygon', coordinates: geometry.coordinates };
  } else if (geometry.type === 'MultiPolygon' && Array.isArray(geometry.coordinates) && geometry.coordinates.every(isPolygon)) {
    drawable = { type: 'MultiPolygon', coordinates: geometry.coordinates as Position[][][] };
  }
  if (!drawable) return null;
  return {
    type: 'Feature',
    geometry: drawable,
    properties: {
      id: String(id),
      name: typeof name === 'string' && name.trim() ? name : String(id),
      address_count: typeof count === 'number' && Number.isFinite(count) ? count : 0,
    },
  };
}

function isPolygon(value: unknown): value is Position[][] {
  return Array.isArray(value) && value.length > 0 && value.every((ring) => Array.isArray(ring) && ring.length >= 4 && ring.every(isPosition));
}

function isPosition(value: unknown): value is Position {
  return Array.isArray(value) && value.length >= 2 && value.slice(0, 2).every((n) => typeof n === 'number' && Number.isFinite(n));
}

/** The list next to the map: one row per neighbourhood, by name in the reader's language. */
export function neighbourhoodRows(collection: NeighbourhoodCollection, locale: string): NeighbourhoodRow[] {
  return summaryRows(collection.features.map((feature) => feature.properties), locale);
}

/** Rows from the API's `{id, name, address_count}` summaries, by name in the reader's language. */
export function summaryRows(summaries: readonly { id: string; name: string; address_count: number }[], locale: string): NeighbourhoodRow[] {
  const collator = new Intl.Collator(locale, { numeric: true, sensitivity: 'base' });
  return summaries
    .map((summary) => ({ id: summary.id, name: summary.name, addressCount: summary.address_count }))
    .sort((a, b) => collator.compare(a.name, b.name) || a.id.localeCompare(b.id));
}

/** South-west and north-east corners as [lat, lon] (Leaflet's order), or null for no features. */
export function boundsOf(collection: NeighbourhoodCollection): [[number, number], [number, number]] | null {
  let south = Infinity;
  let west = Infinity;
  let north = -Infinity;
  let east = -Infinity;
  for (const feature of collection.features) {
    const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
    for (const polygon of polygons) {
      for (const ring of polygon) {
        for (const [lon, lat] of ring) {
          south = Math.min(south, lat);
          north = Math.max(north, lat);
          west = Math.min(west, lon);
          east = Math.max(east, lon);
        }
      }
    }
  }
  return Number.isFinite(south) ? [[south, west], [north, east]] : null;
}

type Point = { lat: number; lon: number };
const polygonsOf = (features: NeighbourhoodFeature[]): Position[][][] =>
  features.flatMap((f) => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates));

/**
 * A point inside one of `polygons` (rings of [lon, lat]), in the part nearest `near`: on the line across each part
 * at the middle of its height, the middle of the widest stretch inside it. The middle of a bounding box can fall
 * outside a concave neighbourhood (an L, a U) or between villages, where the server refuses a point ("outside").
 */
export function pointInside(polygons: Position[][][], near: Point): Point | null {
  let best: Point | null = null;
  const away = (p: Point) => (p.lat - near.lat) ** 2 + (p.lon - near.lon) ** 2;
  for (const rings of polygons) {
    const lats = rings.flatMap((ring) => ring.map(([, lat]) => lat));
    if (lats.length === 0) continue;
    const lat = (Math.min(...lats) + Math.max(...lats)) / 2;
    const crossings: number[] = [];
    for (const ring of rings) {
      ring.forEach(([lon1, lat1], i) => {
        const next = ring[i + 1];
        if (!next) return;
        const [lon2, lat2] = next;
        if ((lat1 <= lat && lat < lat2) || (lat2 <= lat && lat < lat1)) crossings.push(lon1 + ((lat - lat1) / (lat2 - lat1)) * (lon2 - lon1));
      });
    }
    crossings.sort((a, b) => a - b);
    let widest: [number, number] | null = null;
    for (let i = 0; i + 1 < crossings.length; i += 2) {
      const [west, east] = [crossings[i]!, crossings[i + 1]!];
      if (!widest || east - west > widest[1] - widest[0]) widest = [west, east];
    }
    if (!widest) continue;
    const candidate = { lat, lon: (widest[0] + widest[1]) / 2 };
    if (!best || away(candidate) < away(best)) best = candidate;
  }
  return best;
}

const middleOf = (b: [[number, number], [number, number]]): Point => ({ lat: (b[0][0] + b[1][0]) / 2, lon: (b[0][1] + b[1][1]) / 2 });

/** Where "use the neighbourhood's centre" puts a point: inside it (`pointInside`), near the middle of its extent. */
export function neighbourhoodCentre(feature: NeighbourhoodFeature | null): Point | null {
  const bounds = feature ? boundsOf({ type: 'FeatureCollection', features: [feature] }) : null;
  return feature && bounds ? pointInside(polygonsOf([feature]), middleOf(bounds)) : null;
}

/**
 * Where a commune-wide location map opens: the commune's neighbourhoods drawn as one outline, and a centre that lies
 * in one of them (`pointInside` the part nearest the middle of them all: villages with fields between them have their
 * overall middle in a field, where no place of the commune is).
 */
export function communeArea(shapes: NeighbourhoodCollection | null): {
  outline: NeighbourhoodFeature | null;
  centre: Point | null;
} {
  const bounds = shapes ? boundsOf(shapes) : null;
  if (!shapes || !bounds) return { outline: null, centre: null };
  const polygons = polygonsOf(shapes.features);
  return {
    outline: { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: polygons }, properties: { id: 'commune', name: '', address_count: 0 } },
    centre: pointInside(polygons, middleOf(bounds)),
  };
}
