// Loaded on demand (dynamic import) so Leaflet and its CSS stay out of the first page load.
import 'leaflet/dist/leaflet.css';
import * as L from 'leaflet';
import { areaOf, labelsToHide, type LabelBox } from './label-collisions';
import { boundsOf, type NeighbourhoodCollection, type NeighbourhoodFeature } from './neighbourhood-geojson';

export const TILE_URL = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';
const LUXEMBOURG: L.LatLngExpression = [49.7, 6.1];

const PERMANENT_LABELS = 20;
/** A label hidden because a larger neighbourhood's label is in its place (NeighbourhoodMap.svelte styles it). */
const HIDDEN_LABEL = 'neighbourhood-label-hidden';
const OUTLINE: L.PathOptions = { color: '#0b5c55', weight: 2, opacity: 1, fillColor: '#0b5c55', fillOpacity: 0.2 };
const HIGHLIGHT: L.PathOptions = { color: '#b3470f', weight: 4, opacity: 1, fillColor: '#b3470f', fillOpacity: 0.3 };

export interface NeighbourhoodMapOptions {
  /** The label's two lines for a neighbourhood, already translated (plain text, never HTML). */
  describe: (feature: NeighbourhoodFeature) => { name: string; detail: string };
  onSelect?: (id: string) => void;
  /** A fill colour per neighbourhood (a choropleth: the label's detail says the value too); none: the outline's. */
  fill?: (feature: NeighbourhoodFeature) => string | null;
  zoomInTitle: string;
  zoomOutTitle: string;
}

export interface NeighbourhoodMap {
  show(collection: NeighbourhoodCollection): void;
  highlight(id: string | null): void;
  destroy(): void;
}

export function createNeighbourhoodMap(element: HTMLElement, options: NeighbourhoodMapOptions): NeighbourhoodMap {
  const still = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
  const map = L.map(element, {
    center: LUXEMBOURG,
    zoom: 10,
    keyboard: true,
    scrollWheelZoom: false,
    zoomControl: false,
    zoomAnimation: !still,
    fadeAnimation: !still,
  });
  L.control.zoom({ zoomInTitle: options.zoomInTitle, zoomOutTitle: options.zoomOutTitle }).addTo(map);
  // Tiles are decoration: offline or blocked tiles leave the outlines on a plain background.
  L.tileLayer(TILE_URL, { maxZoom: 19, attribution: TILE_ATTRIBUTION, crossOrigin: false })
    .on('tileerror', () => undefined)
    .addTo(map);
  const layers = new Map<string, L.Polygon>();
  const areas = new Map<string, number>();
  const styles = new Map<string, L.PathOptions>();
  let highlighted: string | null = null;
  let shown: NeighbourhoodCollection | null = null;
  // Once the reader moves the map themselves, a resize keeps their view instead of refitting.
  let readerMoved = false;
  map.on('dragstart', () => (readerMoved = true));
  element.addEventListener('keydown', () => (readerMoved = true));
  element.addEventListener('pointerdown', () => (readerMoved = true));

  function fit(animate: boolean): void {
    const layer = highlighted ? layers.get(highlighted) : undefined;
    if (layer) {
      map.fitBounds(layer.getBounds(), { padding: [32, 32], maxZoom: 16, animate: animate && !still });
      return;
    }
    const bounds = shown ? boundsOf(shown) : null;
    if (bounds) map.fitBounds(bounds, { padding: [16, 16], animate: animate && !still });
  }

  // The container changes size with the window (phone rotation, vh-based height).
  const resizes = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => {
    map.invalidateSize({ pan: false });
    if (!readerMoved) fit(false);
  });
  resizes?.observe(element);

  function label(feature: NeighbourhoodFeature): HTMLElement {
    const text = options.describe(feature);
    const box = document.createElement('span');
    const name = document.createElement('strong');
    name.textContent = text.name;
    box.append(name, document.createElement('br'), text.detail);
    return box;
  }

  /** Hides the labels that would overlap at this zoom, smaller neighbourhoods first (the highlighted one stays). */
  function declutter(): void {
    const boxes: LabelBox[] = [];
    const elements = new Map<string, HTMLElement>();
    for (const [id, layer] of layers) {
      const element = layer.getTooltip()?.getElement();
      if (!element || !layer.isTooltipOpen()) continue;
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) continue;
      elements.set(id, element);
      const priority = id === highlighted ? Number.POSITIVE_INFINITY : (areas.get(id) ?? 0);
      boxes.push({ id, left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom, priority });
    }
    const hidden = labelsToHide(boxes);
    for (const [id, element] of elements) element.classList.toggle(HIDDEN_LABEL, hidden.has(id));
  }
  map.on('zoomend', declutter);

  return {
    show(collection) {
      for (const layer of layers.values()) layer.remove();
      layers.clear();
      areas.clear();
      styles.clear();
      // A few neighbourhoods carry their name on the map; many would hide each other, so they label on hover.
      const permanent = collection.features.length <= PERMANENT_LABELS;
      for (const feature of collection.features) {
        const rings = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
        const latLngs = rings.map((polygon) => polygon.map((ring) => ring.map(([lon, lat]) => L.latLng(lat, lon))));
        const fill = options.fill?.(feature);
        const style = fill ? { ...OUTLINE, fillColor: fill, fillOpacity: 0.8 } : OUTLINE;
        styles.set(feature.properties.id, style);
        const polygon = L.polygon(latLngs, { ...style })
          .bindTooltip(label(feature), permanent ? { permanent, direction: 'top', offset: [0, -10], className: 'neighbourhood-label' } : { sticky: true, className: 'neighbourhood-label' })
          .on('click', () => options.onSelect?.(feature.properties.id))
          .addTo(map);
        polygon.getElement()?.setAttribute('data-neighbourhood', feature.properties.id);
        polygon.getTooltip()?.getElement()?.setAttribute('data-neighbourhood', feature.properties.id);
        if (permanent) {
          // A label hidden by a larger one shows while the pointer is on its neighbourhood.
          polygon.on('mouseover', () => polygon.getTooltip()?.getElement()?.classList.add('neighbourhood-label-hover'));
          polygon.on('mouseout', () => polygon.getTooltip()?.getElement()?.classList.remove('neighbourhood-label-hover'));
        }
        layers.set(feature.properties.id, polygon);
        areas.set(feature.properties.id, areaOf(feature));
      }
      shown = collection;
      readerMoved = false;
      if (highlighted) layers.get(highlighted)?.setStyle(HIGHLIGHT).bringToFront();
      fit(false);
      declutter(); // fitting may not change the zoom (no zoomend)
    },
    highlight(id) {
      if (highlighted) layers.get(highlighted)?.setStyle(styles.get(highlighted) ?? OUTLINE);
      highlighted = id;
      const layer = id ? layers.get(id) : undefined;
      if (!layer) return;
      layer.setStyle(HIGHLIGHT).bringToFront();
      readerMoved = false;
      fit(true);
      declutter(); // its label shows even where it collides
    },
    destroy() {
      resizes?.disconnect();
      layers.clear();
      // Leaflet ends a zoom animation on a timer that fails once the map is removed (the screen
      // left mid-animation, e.g. right after choosing an address): let the animation end first.
      const zooming = (map as unknown as { _animatingZoom?: boolean })._animatingZoom === true;
      if (zooming) map.once('zoomend', () => map.remove());
      else map.remove();
    },
  };
}
