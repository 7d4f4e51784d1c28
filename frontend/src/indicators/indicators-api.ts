import type { ApiClient } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';
import { readNeighbourhoodCollection, type NeighbourhoodCollection } from '../map/neighbourhood-geojson';

export type Dashboard = components['schemas']['Dashboard'];
export type Figure = components['schemas']['Figure'];
export type NeighbourhoodFigures = components['schemas']['NeighbourhoodFigures'];
export type WeekPoint = components['schemas']['WeekPoint'];
export type PublicIndicators = components['schemas']['PublicIndicators'];
export type Period = Dashboard['period'];

/** Which period: its kind and a day in it (null: the current one). */
export interface PeriodChoice {
  period: Period;
  to: string | null;
}

/** The staff's dashboard calls (docs/indicators.md); tests pass a fake. */
export interface IndicatorsApi {
  dashboard(lau2: string, choice: PeriodChoice): Promise<Outcome<Dashboard>>;
  shapes(lau2: string): Promise<Outcome<NeighbourhoodCollection>>;
  csv(lau2: string, choice: PeriodChoice): Promise<Outcome<Blob>>;
  report(lau2: string, year: number): Promise<Outcome<Blob>>;
}

/** An ambassador's figures of their neighbourhood; tests pass a fake. */
export type NeighbourhoodIndicatorsApi = (neighbourhoodId: string, choice: PeriodChoice) => Promise<Outcome<Dashboard>>;

/** The commune's published headline figures (public page, only when it publishes them); tests pass a fake. */
export type PublicIndicatorsApi = (lau2: string) => Promise<Outcome<PublicIndicators>>;

const query = (choice: PeriodChoice) => ({ period: choice.period, ...(choice.to ? { to: choice.to } : {}) });
const fresh = { cache: 'no-store' as const };

export function httpIndicatorsApi(client: ApiClient): IndicatorsApi {
  return {
    dashboard: (lau2, choice) =>
      outcomeOf(client.GET('/api/v1/communes/{lau2}/indicators', { params: { path: { lau2 }, query: query(choice) }, ...fresh })),
    shapes: async (lau2) => {
      const outcome = await outcomeOf(client.GET('/api/v1/communes/{lau2}/neighbourhoods.geojson', { params: { path: { lau2 } } }));
      return outcome.ok ? { ok: true, data: readNeighbourhoodCollection(outcome.data) } : outcome;
    },
    // The document types these bodies as strings; `parseAs: 'blob'` hands over the bytes to save.
    csv: (lau2, choice) =>
      outcomeOf(
        client.GET('/api/v1/communes/{lau2}/indicators.csv', {
          params: { path: { lau2 }, query: query(choice) },
          parseAs: 'blob',
          ...fresh,
        }),
      ) as unknown as Promise<Outcome<Blob>>,
    report: (lau2, year) =>
      outcomeOf(
        client.GET('/api/v1/communes/{lau2}/report', {
          params: { path: { lau2 }, query: { year } },
          // API Gateway returns binary bodies only to requests that accept them
          headers: { Accept: 'application/pdf' },
          parseAs: 'blob',
        }),
      ) as unknown as Promise<Outcome<Blob>>,
  };
}

export function httpNeighbourhoodIndicators(client: ApiClient): NeighbourhoodIndicatorsApi {
  return (neighbourhood_id, choice) =>
    outcomeOf(
      client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/indicators', {
        params: { path: { neighbourhood_id }, query: query(choice) },
        ...fresh,
      }),
    );
}

export function httpPublicIndicators(client: ApiClient): PublicIndicatorsApi {
  return (lau2) => outcomeOf(client.GET('/api/v1/communes/{lau2}/indicators/public', { params: { path: { lau2 } } }));
}
