// Loaded on demand (dynamic import) so Leaflet stays out of the first page load.
import 'leaflet/dist/leaflet.css';
import * as L from 'leaflet';
import { TILE_URL } from '../map/leaflet-map';
import { boundsOf, type NeighbourhoodCollection } from '../map/neighbourhood-geojson';

const OUTLINE: L.PathOptions = { color: '#0b5c55', weight: 1, opacity: 0.8, fillOpacity: 0.08 };
const CIRCLE: L.PathOptions = { color: '#b3470f', weight: 3, fillOpacity: 0.15 };

export interface CircleMap {
  show(centre: [number, number] | null, radius: number): void;
  destroy(): void;
}

/** A map of the commune's neighbourhoods where a click sets the circle's centre. */
export function createCircleMap(
  element: HTMLElement,
  collection: NeighbourhoodCollection,
  onCentre: (lat: number, lon: number) => void,
): CircleMap {
  const map = L.map(element, { center: [49.7, 6.1], zoom: 11, keyboard: true, scrollWheelZoom: false });
  L.tileLayer(TILE_URL, { maxZoom: 19, attribution: '&copy; OpenStreetMap' }).on('tileerror', () => undefined).addTo(map);
  L.geoJSON(collection as unknown as GeoJSON.GeoJsonObject, { style: () => OUTLINE, interactive: false }).addTo(map);
  const bounds = boundsOf(collection);
  if (bounds) map.fitBounds(bounds, { padding: [12, 12] });
  let circle: L.Circle | null = null;
  map.on('click', (event: L.LeafletMouseEvent) => onCentre(event.latlng.lat, event.latlng.lng));
  return {
    show(centre, radius) {
      circle?.remove();
      circle = centre ? L.circle(centre, { ...CIRCLE, radius, interactive: false }).addTo(map) : null;
    },
    destroy: () => map.remove(),
  };
}
