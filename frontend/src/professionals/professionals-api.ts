import type { ApiClient } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';

type Schemas = components['schemas'];
export type Professional = Schemas['Professional'];
export type Trade = Professional['trade'];

/** The fixed list of trades (chalicelib/posts/models.py TRADES), in the order residents see them. */
export const TRADES: readonly Trade[] = [
  'plumber', 'electrician', 'babysitter', 'gardener', 'painter', 'carpenter', 'cleaner', 'mechanic', 'tutor', 'other',
];

export function isTrade(value: string): value is Trade {
  return (TRADES as readonly string[]).includes(value);
}

/** The calls of the professionals directory; tests pass a fake. */
export interface ProfessionalsApi {
  /** Each with their contact fields and the recommendations not hidden, newest first. */
  professionals(neighbourhoodId: string, trade: Trade | null): Promise<Outcome<{ professionals: Professional[] }>>;
}

export function httpProfessionalsApi(client: ApiClient): ProfessionalsApi {
  const path = (id: string) => ({ neighbourhood_id: id });
  return {
    professionals: (id, trade) =>
      outcomeOf(client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/professionals', {
        params: { path: path(id), query: trade ? { trade } : {} }, cache: 'no-store',
      })),
  };
}
