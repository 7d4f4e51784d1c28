import type { ApiClient, Member, NeighbourhoodInside, PendingList, PendingNeighbour, VouchResult } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import { membersChanged, neighbourhoodMembers } from './members';

export type { Member, NeighbourhoodInside, PendingList, PendingNeighbour, VouchResult };

/** The calls of the neighbourhood screen; tests pass a fake. */
export interface NeighbourhoodApi {
  neighbourhood(id: string): Promise<Outcome<NeighbourhoodInside>>;
  members(id: string): Promise<Outcome<{ members: Member[] }>>;
  waiting(id: string): Promise<Outcome<PendingList>>;
  vouch(id: string, userId: string): Promise<Outcome<VouchResult>>;
}

export function httpNeighbourhoodApi(client: ApiClient): NeighbourhoodApi {
  const at = (id: string) => ({ params: { path: { neighbourhood_id: id } }, cache: 'no-store' as const });
  return {
    neighbourhood: (id) => outcomeOf(client.GET('/api/v1/neighbourhoods/{neighbourhood_id}', at(id))),
    members: (id) => neighbourhoodMembers(client, id),
    waiting: (id) => outcomeOf(client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/pending', at(id))),
    vouch: (id, userId) =>
      outcomeOf(client.POST('/api/v1/neighbourhoods/{neighbourhood_id}/vouches', { params: { path: { neighbourhood_id: id } }, body: { user_id: userId } })).then(
        (outcome) => {
          if (outcome.ok && outcome.data.status === 'verified') membersChanged(id); // one more member
          return outcome;
        },
      ),
  };
}

/** "Kaesfurterstrooss 20" when the member shows the number, else the street alone. */
export function memberStreet(member: Member): string {
  return member.house_number ? `${member.street} ${member.house_number}` : member.street;
}
