import type { AddressMatch, ApiClient, Commune, NeighbourhoodSummary } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import { readNeighbourhoodCollection, type NeighbourhoodCollection } from '../map/neighbourhood-geojson';

export type { AddressMatch, Commune, NeighbourhoodSummary };

/** The calls the commune screens make; tests pass a fake. */
export interface CommuneApi {
  communes(): Promise<Outcome<{ communes: Commune[] }>>;
  commune(lau2: string): Promise<Outcome<Commune>>;
  neighbourhoods(lau2: string): Promise<Outcome<{ neighbourhoods: NeighbourhoodSummary[] }>>;
  neighbourhoodShapes(lau2: string): Promise<Outcome<NeighbourhoodCollection>>;
  searchAddresses(lau2: string, query: string, signal?: AbortSignal): Promise<Outcome<{ addresses: AddressMatch[] }>>;
}

export function httpCommuneApi(client: ApiClient): CommuneApi {
  const commune = (lau2: string) => ({ params: { path: { lau2 } } });
  return {
    communes: () => outcomeOf(client.GET('/api/v1/communes')),
    commune: (lau2) => outcomeOf(client.GET('/api/v1/communes/{lau2}', commune(lau2))),
    neighbourhoods: (lau2) => outcomeOf(client.GET('/api/v1/communes/{lau2}/neighbourhoods', commune(lau2))),
    neighbourhoodShapes: async (lau2) => {
      const outcome = await outcomeOf(client.GET('/api/v1/communes/{lau2}/neighbourhoods.geojson', commune(lau2)));
      // Geometry is typed loosely by the API (coordinates: any[]): keep only what can be drawn.
      return outcome.ok ? { ok: true, data: readNeighbourhoodCollection(outcome.data) } : outcome;
    },
    searchAddresses: (lau2, query, signal) =>
      outcomeOf(
        client.GET('/api/v1/communes/{lau2}/addresses', {
          params: { path: { lau2 }, query: { q: query } },
          ...(signal ? { signal } : {}),
        }),
      ),
  };
}
