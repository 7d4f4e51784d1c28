import type { ApiClient, Commune, Profile } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';

/** The calls of the join wizard; tests pass a fake. */
export interface JoinApi {
  communes(): Promise<Outcome<{ communes: Commune[] }>>;
  claimResidence(addressId: string): Promise<Outcome<Profile>>;
  /** The code of the commune's letter; the profile comes back verified. */
  enterLetterCode(code: string): Promise<Outcome<Profile>>;
}

export function httpJoinApi(client: ApiClient): JoinApi {
  return {
    communes: () => outcomeOf(client.GET('/api/v1/communes')),
    claimResidence: (addressId) => outcomeOf(client.PUT('/api/v1/me/residence', { body: { address_id: addressId } })),
    enterLetterCode: (code) => outcomeOf(client.POST('/api/v1/me/residence/code', { body: { code } })),
  };
}
