import type { ApiClient, Member } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import { Kept } from '../lib/kept';

/** How long the member list of a neighbourhood is kept between screens (newcomers show up after at most this). */
export const MEMBERS_MAX_AGE_MS = 5 * 60_000;

const kept = new Kept<{ members: Member[] }>(MEMBERS_MAX_AGE_MS);

/**
 * The verified members of a neighbourhood, as every screen that names neighbours asks for them (the feed,
 * a post, messages, the library, moderation, the neighbourhood): asked once, kept between screens.
 */
export function neighbourhoodMembers(client: ApiClient, neighbourhoodId: string): Promise<Outcome<{ members: Member[] }>> {
  return kept.get(neighbourhoodId, () =>
    outcomeOf(client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/members', { params: { path: { neighbourhood_id: neighbourhoodId } }, cache: 'no-store' })),
  );
}

/** The members changed (a vouch verified someone, my own name or privacy changed): ask again next time. */
export function membersChanged(neighbourhoodId?: string): void {
  kept.forget(neighbourhoodId);
}
