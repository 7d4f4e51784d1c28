import type { ApiProblem } from '../api/problem';
import { emptyCollection, neighbourhoodRows, summaryRows, type NeighbourhoodCollection, type NeighbourhoodRow } from '../map/neighbourhood-geojson';
import type { Commune, CommuneApi } from './commune-api';

export type Loading<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'failed'; problem: ApiProblem };

/** One commune's public page: its name, neighbourhood outlines and the list next to the map. */
export class CommunePage {
  commune: Loading<Commune> = $state({ state: 'loading' });
  shapes: NeighbourhoodCollection = $state(emptyCollection());
  rows: Loading<NeighbourhoodRow[]> = $state({ state: 'loading' });
  highlighted: string | null = $state(null);

  readonly lau2: string;
  readonly #api: CommuneApi;

  constructor(api: CommuneApi, lau2: string) {
    this.#api = api;
    this.lau2 = lau2;
  }

  async load(locale: string): Promise<void> {
    const [commune, list, shapes] = await Promise.all([
      this.#api.commune(this.lau2),
      this.#api.neighbourhoods(this.lau2),
      this.#api.neighbourhoodShapes(this.lau2),
    ]);
    this.commune = commune.ok ? { state: 'ready', value: commune.data } : { state: 'failed', problem: commune.problem };
    if (shapes.ok) this.shapes = shapes.data;
    if (list.ok) {
      this.rows = { state: 'ready', value: summaryRows(list.data.neighbourhoods, locale) };
    } else if (shapes.ok) {
      // The outlines carry the same names and counts: the list still works if only the list call failed.
      this.rows = { state: 'ready', value: neighbourhoodRows(shapes.data, locale) };
    } else {
      this.rows = { state: 'failed', problem: list.problem };
    }
  }

  highlight(id: string | null): void {
    this.highlighted = id;
  }
}
