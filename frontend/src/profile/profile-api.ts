import type { ApiClient, Profile, ProfileUpdate, SessionPublic, SpokenLanguage } from '../api/client';
import { emptyOutcomeOf, outcomeOf, type Outcome } from '../api/outcome';
import { membersChanged } from '../neighbourhood/members';

export type ContentChoice = 'remove' | 'anonymise';
export type { SpokenLanguage };

/** Every language a resident may say they speak, in the API's order ("other" last). */
export const SPOKEN_LANGUAGES: readonly SpokenLanguage[] = ['lb', 'fr', 'de', 'en', 'pt', 'it', 'es', 'nl', 'pl', 'ro', 'sr', 'ar', 'other'];

/** The calls of the profile screen; tests pass a fake. */
export interface ProfileApi {
  update(changes: ProfileUpdate): Promise<Outcome<Profile>>;
  sessions(): Promise<Outcome<{ sessions: SessionPublic[] }>>;
  signOutEverywhere(): Promise<Outcome<null>>;
  deleteAccount(content: ContentChoice): Promise<Outcome<null>>;
}

export function httpProfileApi(client: ApiClient): ProfileApi {
  return {
    update: (changes) =>
      outcomeOf(client.PATCH('/api/v1/me', { body: changes })).then((outcome) => {
        if (outcome.ok) membersChanged(); // my name, languages or house number as neighbours see them
        return outcome;
      }),
    sessions: () => outcomeOf(client.GET('/api/v1/me/sessions', { cache: 'no-store' })),
    signOutEverywhere: () => emptyOutcomeOf(client.DELETE('/api/v1/me/sessions')),
    deleteAccount: (content) => emptyOutcomeOf(client.DELETE('/api/v1/me', { params: { query: { content } } })),
  };
}
