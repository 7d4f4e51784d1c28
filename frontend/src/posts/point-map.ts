// Loaded on demand (dynamic import), as frontend/src/map/leaflet-map.ts, so Leaflet stays out of the first page load.
import 'leaflet/dist/leaflet.css';
import * as L from 'leaflet';
import { TILE_URL } from '../map/leaflet-map';
import type { NeighbourhoodFeature } from '../map/neighbourhood-geojson';

const TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';
const OUTLINE: L.PathOptions = { color: '#0b5c55', weight: 2, opacity: 1, fillColor: '#0b5c55', fillOpacity: 0.1 };
const POINT: L.CircleMarkerOptions = { radius: 9, color: '#b3470f', weight: 3, fillColor: '#b3470f', fillOpacity: 0.5 };

export interface PointMapOptions {
  outline: NeighbourhoodFeature | null;
  point: { lat: number; lon: number } | null;
  onPick: (lat: number, lon: number) => void;
  zoomInTitle: string;
  zoomOutTitle: string;
}

export interface PointMap {
  setPoint(point: { lat: number; lon: number } | null): void;
  /** The neighbourhood's outline (it may arrive after the map); the map fits it while no point is chosen. */
  setOutline(outline: NeighbourhoodFeature | null): void;
  destroy(): void;
}

/**
 * A small map to choose one point: a click (or Enter on the focused map, at its centre, marked by
 * a cross-hair) picks it. The neighbourhood's outline shows where home is.
 */
export function createPointMap(element: HTMLElement, options: PointMapOptions): PointMap {
  const still = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
  const map = L.map(element, { center: [49.7, 6.1], zoom: 15, keyboard: true, scrollWheelZoom: false, zoomControl: false, zoomAnimation: !still, fadeAnimation: !still });
  L.control.zoom({ zoomInTitle: options.zoomInTitle, zoomOutTitle: options.zoomOutTitle }).addTo(map);
  L.tileLayer(TILE_URL, { maxZoom: 19, attribution: TILE_ATTRIBUTION, crossOrigin: false }).on('tileerror', () => undefined).addTo(map);
  let marker: L.CircleMarker | null = null;
  let shape: L.Polygon | null = null;

  function setOutline(outline: NeighbourhoodFeature | null): void {
    shape?.remove();
    shape = null;
    if (!outline) return;
    const geometry = outline.geometry;
    const rings = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    shape = L.polygon(rings.map((polygon) => polygon.map((ring) => ring.map(([lon, lat]) => L.latLng(lat, lon)))), { ...OUTLINE, interactive: false }).addTo(map);
    if (!marker) map.fitBounds(shape.getBounds(), { padding: [12, 12], maxZoom: 16, animate: false });
  }

  function setPoint(point: { lat: number; lon: number } | null): void {
    if (!point) {
      marker?.remove();
      marker = null;
      return;
    }
    const at = L.latLng(point.lat, point.lon);
    if (marker) marker.setLatLng(at);
    else marker = L.circleMarker(at, { ...POINT, interactive: false }).addTo(map);
    if (!map.getBounds().contains(at)) map.panTo(at, { animate: !still });
  }

  map.on('click', (event: L.LeafletMouseEvent) => options.onPick(event.latlng.lat, event.latlng.lng));
  const onKey = (event: KeyboardEvent): void => {
    if (event.target !== element || (event.key !== 'Enter' && event.key !== ' ')) return;
    event.preventDefault();
    const centre = map.getCenter();
    options.onPick(centre.lat, centre.lng);
  };
  element.addEventListener('keydown', onKey);
  setOutline(options.outline);
  setPoint(options.point);
  if (options.point && !options.outline) map.setView([options.point.lat, options.point.lon], 16, { animate: false });
  const resizes = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => map.invalidateSize({ pan: false }));
  resizes?.observe(element);

  return {
    setPoint,
    setOutline,
    destroy() {
      resizes?.disconnect();
      element.removeEventListener('keydown', onKey);
      map.remove();
    },
  };
}
