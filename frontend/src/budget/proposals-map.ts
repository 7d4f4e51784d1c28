// Loaded on demand (dynamic import), as posts/point-map.ts, so Leaflet stays out of the first page load.
import 'leaflet/dist/leaflet.css';
import * as L from 'leaflet';
import { TILE_URL } from '../map/leaflet-map';

const TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';
const MARK: L.CircleMarkerOptions = { radius: 9, color: '#b3470f', weight: 3, fillColor: '#b3470f', fillOpacity: 0.5 };

export type MapPoint = { id: string; title: string; lat: number; lon: number; href: string };

export interface ProposalsMap {
  setPoints(points: readonly MapPoint[]): void;
  destroy(): void;
}

/** The proposals with a place, each a mark whose click opens it (the list beside the map gives the same links). */
export function createProposalsMap(element: HTMLElement, options: { zoomInTitle: string; zoomOutTitle: string; open: (href: string) => void }): ProposalsMap {
  const still = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
  const map = L.map(element, { center: [49.7, 6.1], zoom: 12, scrollWheelZoom: false, zoomControl: false, zoomAnimation: !still, fadeAnimation: !still });
  L.control.zoom({ zoomInTitle: options.zoomInTitle, zoomOutTitle: options.zoomOutTitle }).addTo(map);
  L.tileLayer(TILE_URL, { maxZoom: 19, attribution: TILE_ATTRIBUTION, crossOrigin: false }).on('tileerror', () => undefined).addTo(map);
  const layer = L.layerGroup().addTo(map);
  return {
    setPoints(points) {
      layer.clearLayers();
      for (const point of points) {
        L.circleMarker([point.lat, point.lon], MARK).bindTooltip(point.title).on('click', () => options.open(point.href)).addTo(layer);
      }
      if (points.length > 0) map.fitBounds(L.latLngBounds(points.map((p) => [p.lat, p.lon] as [number, number])).pad(0.2), { maxZoom: 16 });
    },
    destroy() {
      map.remove();
    },
  };
}
