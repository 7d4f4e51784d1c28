import type { ApiClient } from '../api/client';
import { emptyOutcomeOf, outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';

type Schemas = components['schemas'];
export type Volunteering = Schemas['VolunteeringPublic'];
export type VolunteeringRequest = Schemas['VolunteeringRequest'];
export type Helper = Schemas['HelperPublic'];
export type Pair = Schemas['PairPublic'];
export type Skill = NonNullable<VolunteeringRequest['skills']>[number];
export type Frequency = Volunteering['frequency'];
export type PairVerb = 'accept' | 'decline' | 'end';

/** The fixed list of skills (chalicelib/volunteering/skills.py), in the order residents see them. */
export const SKILLS: readonly Skill[] = [
  'gardening', 'small_repairs', 'computer_help', 'reading_aloud', 'accompanying', 'language_lb', 'language_fr',
  'language_de', 'language_en', 'language_pt', 'homework_help', 'driving', 'cooking', 'knitting', 'cycling_repairs',
  'shopping', 'dog_walking', 'childcare', 'elderly_company', 'translation', 'paperwork', 'moving_help', 'painting',
  'sewing', 'music', 'sport_coaching', 'photography', 'first_aid', 'event_setup', 'cleaning',
];
export const FREQUENCIES: readonly Frequency[] = ['occasionally', 'monthly', 'weekly'];
/** At most this many skills in one offer (the API refuses more). */
export const MAX_SKILLS = 10;

export function isSkill(value: string | null | undefined): value is Skill {
  return !!value && (SKILLS as readonly string[]).includes(value);
}

/** The calls of the volunteering screens and sections; tests pass a fake. */
export interface VolunteeringApi {
  mine(): Promise<Outcome<Volunteering>>;
  save(offer: VolunteeringRequest): Promise<Outcome<Volunteering>>;
  withdraw(): Promise<Outcome<null>>;
  helpers(neighbourhoodId: string, skill: Skill | null): Promise<Outcome<{ helpers: Helper[] }>>;
  pairs(): Promise<Outcome<{ pairs: Pair[] }>>;
  askForBuddy(): Promise<Outcome<Pair>>;
  change(pairId: string, verb: PairVerb): Promise<Outcome<Pair>>;
}

export function httpVolunteeringApi(client: ApiClient): VolunteeringApi {
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
