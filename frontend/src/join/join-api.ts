import type { ApiClient, Commune, Profile } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';

/** The calls of the join wizard; tests pass a fake. */
export interface JoinApi {
  communes(): Promise<Outcome<{ communes: Commune[] }>>;
  /** The name neighbours will see (the profile's display name). */
  chooseName(displayName: string): Promise<Outcome<Profile>>;
  claimResidence(addressId: string): Promise<Outcome<Profile>>;
  /** The code of the commune's letter; the profile comes back verified. */
  enterLetterCode(code: string): Promise<Outcome<Profile>>;
}

export function httpJoinApi(client: ApiClient): JoinApi {
  return {
    communes: () => outcomeOf(client.GET('/api/v1/communes')),
    chooseName: (displayName) => outcomeOf(client.PATCH('/api/v1/me', { body: { display_name: displayName, languages: null, show_house_number: null } })),
    claimResidence: (addressId) => outcomeOf(client.PUT('/api/v1/me/residence', { body: { address_id: addressId } })),
    enterLetterCode: (code) => outcomeOf(client.POST('/api/v1/me/residence/code', { body: { code } })),
  };
}
