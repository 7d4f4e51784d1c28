import type { ApiClient } from '../api/client';
import { emptyOutcomeOf, outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';

import { SKILLS, type Skill } from './volunteering-api';

export { SKILLS, type Skill };

type Schemas = components['schemas'];
export type Volunteering = Schemas['VolunteeringPublic'];
export type VolunteeringRequest = Schemas['VolunteeringRequest'];
export type Helper = Schemas['HelperPublic'];
export type Pair = Schemas['PairPublic'];
export type Frequency = Volunteering['frequency'];
export type PairVerb = 'accept' | 'decline' | 'end';
export const FREQUENCIES: readonly Frequency[] = ['occasionally', 'monthly', 'weekly'];
/** At most this many skills in one offer (the API refuses more). */
export const MAX_SKILLS = 10;

export function isSkill(value: string | null | undefined): value is Skill {
  return !!value && (SKILLS as readonly string[]).includes(value);
}

/** What a resident offers (skills, languages, welcome buddy), the "who can help" directory and buddy pairs; tests pass a fake. */
export interface OffersApi {
  mine(): Promise<Outcome<Volunteering>>;
  save(offer: VolunteeringRequest): Promise<Outcome<Volunteering>>;
  withdraw(): Promise<Outcome<null>>;
  helpers(neighbourhoodId: string, skill: Skill | null): Promise<Outcome<{ helpers: Helper[] }>>;
  pairs(): Promise<Outcome<{ pairs: Pair[] }>>;
  askForBuddy(): Promise<Outcome<Pair>>;
  change(pairId: string, verb: PairVerb): Promise<Outcome<Pair>>;
}

export function httpOffersApi(client: ApiClient): OffersApi {
  const fresh = { cache: 'no-store' as const };
  return {
    mine: () => outcomeOf(client.GET('/api/v1/me/volunteering', fresh)),
    save: (offer) => outcomeOf(client.PUT('/api/v1/me/volunteering', { body: offer })),
    withdraw: () => emptyOutcomeOf(client.DELETE('/api/v1/me/volunteering')),
    helpers: (id, skill) =>
      outcomeOf(client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/helpers', {
        params: { path: { neighbourhood_id: id }, query: skill ? { skill } : {} }, ...fresh,
      })),
    pairs: () => outcomeOf(client.GET('/api/v1/me/buddy-pairs', fresh)),
    askForBuddy: () => outcomeOf(client.POST('/api/v1/me/buddy-pairs')),
    change: (pairId, verb) => {
      const params = { params: { path: { pair_id: pairId } } };
      if (verb === 'accept') return outcomeOf(client.POST('/api/v1/buddy-pairs/{pair_id}/accept', params));
      if (verb === 'decline') return outcomeOf(client.POST('/api/v1/buddy-pairs/{pair_id}/decline', params));
      return outcomeOf(client.POST('/api/v1/buddy-pairs/{pair_id}/end', params));
    },
  };
}
